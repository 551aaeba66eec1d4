#!/bin/sh
# Conversion speed, side by side in one run, on a generated ~700 MB disc:
#  1. BIN/CUE -> ISO: `discscope convert X.cue -o X.iso` against `bchunk
#     X.bin X.cue out` (target: discscope at least 2x faster);
#  2. CHD -> BIN/CUE: `discscope convert X.chd -o X.cue` against `chdman
#     extractcd` (target: at least as fast).
# Medians of RUNS runs each, runs interleaved so both tools see the same
# page cache and load; ratios are peer time / discscope time (> 1: faster).
# The disc is a real ISO 9660 of mixed content (random, text, records,
# zeros) encoded to MODE1/2352 with valid EDC/ECC, made once in
# $CONVERT_BENCH_DIR (default /tmp/discscope-bench-convert); nothing is
# committed. Needs: bchunk, mame-tools (chdman), xorriso, python3.
set -eu
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
dir=${CONVERT_BENCH_DIR:-/tmp/discscope-bench-convert}
mkdir -p "$dir"
cargo build --release --quiet --bin discscope --example encode_iso
bin=$(pwd)/target/release/discscope

if [ ! -f "$dir/disc.chd" ]; then
    rm -rf "$dir/src" && mkdir -p "$dir/src"
    python3 - "$dir/src" <<'PY'
import os, random, sys
rng = random.Random(13)
vocabulary = [bytes(rng.choice(b'etaoinshrdlucmfw') for _ in range(rng.randint(2, 8))) for _ in range(3000)]
for n in range(40):
    with open(os.path.join(sys.argv[1], f'part{n:02d}.dat'), 'wb') as f:
        for _ in range(16):
            kind = (n + _) % 4
            if kind == 0:
                block = rng.randbytes(1 << 20)
            elif kind == 1:
                block = b' '.join(rng.choices(vocabulary, k=250000))[: 1 << 20]
            elif kind == 2:
                block = b''.join(i.to_bytes(4, 'little') + b'REC.' * 3 for i in range(1 << 16))
            else:
                block = bytes(1 << 20)
            f.write(block)
PY
    xorriso -as mkisofs -quiet -o "$dir/disc.iso" -V CONVERT_BENCH -R -J "$dir/src" 2>/dev/null
    target/release/examples/encode_iso "$dir/disc.iso" "$dir/disc.bin"
    printf 'FILE "disc.bin" BINARY\n  TRACK 01 MODE1/2352\n    INDEX 01 00:00:00\n' > "$dir/disc.cue"
    chdman createcd -f -i "$dir/disc.cue" -o "$dir/disc.chd" > /dev/null 2>&1
    rm -rf "$dir/src" "$dir/disc.iso"
fi
echo "image: $(du -m "$dir/disc.bin" | cut -f1) MB BIN/CUE, $(du -m "$dir/disc.chd" | cut -f1) MB CHD"

# Seconds a command takes, output discarded.
seconds() {
    start=$(date +%s.%N)
    "$@" > /dev/null 2>&1
    end=$(date +%s.%N)
    echo "$end - $start" | bc
}
median() {
    sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

out=$dir/out
rm -rf "$out" && mkdir -p "$out"
# Warm the page cache, and one untimed run of each (the first writer of
# 700 MB otherwise pays for the dirty pages the one before left).
cat "$dir/disc.bin" "$dir/disc.chd" > /dev/null
"$bin" convert "$dir/disc.cue" -o "$out/warm.iso" > /dev/null
(cd "$out" && bchunk "$dir/disc.bin" "$dir/disc.cue" b > /dev/null)
rm -f "$out"/*.iso

: > "$out/iso.ours"; : > "$out/iso.bchunk"; : > "$out/chd.ours"; : > "$out/chd.chdman"
i=0
while [ "$i" -lt "$RUNS" ]; do
    i=$((i + 1))
    rm -f "$out"/*.iso "$out"/*.bin "$out"/*.cue
    seconds "$bin" convert "$dir/disc.cue" -o "$out/ours.iso" >> "$out/iso.ours"
    (cd "$out" && seconds bchunk "$dir/disc.bin" "$dir/disc.cue" b) >> "$out/iso.bchunk"
    rm -f "$out"/*.iso
    seconds "$bin" convert "$dir/disc.chd" -o "$out/ours.cue" >> "$out/chd.ours"
    seconds chdman extractcd -f -i "$dir/disc.chd" -o "$out/chdman.cue" -ob "$out/chdman.bin" >> "$out/chd.chdman"
done
# The outputs agree before anything is timed into a claim.
(cd "$out" && bchunk "$dir/disc.bin" "$dir/disc.cue" b > /dev/null && "$bin" convert "$dir/disc.cue" -o ours.iso --force > /dev/null)
cmp "$out/ours.iso" "$out/b01.iso"
cmp "$out/ours.bin" "$out/chdman.bin"

for f in iso.ours iso.bchunk chd.ours chd.chdman; do
    printf 'runs %-11s %s\n' "$f" "$(tr '\n' ' ' < "$out/$f")"
done
iso_ours=$(median < "$out/iso.ours"); iso_bchunk=$(median < "$out/iso.bchunk")
chd_ours=$(median < "$out/chd.ours"); chd_chdman=$(median < "$out/chd.chdman")
printf '%-22s %10s %10s %8s\n' "median of $RUNS (s)" discscope peer ratio
printf '%-22s %10.3f %10.3f %7.2fx  (bchunk; target >= 2)\n' "BIN/CUE -> ISO" "$iso_ours" "$iso_bchunk" "$(echo "$iso_bchunk / $iso_ours" | bc -l)"
printf '%-22s %10.3f %10.3f %7.2fx  (chdman extractcd; target >= 1)\n' "CHD -> BIN/CUE" "$chd_ours" "$chd_chdman" "$(echo "$chd_chdman / $chd_ours" | bc -l)"
rm -rf "$out"
