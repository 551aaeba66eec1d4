#!/bin/sh
# CHD speed and memory, side by side in one run:
#  1. reading every sector of a 700 MB CD CHD: `discscope verify` (every
#     hunk decoded, every sector judged, the CHD's SHA-1s checked) against
#     `chdman extractcd` of the same CHD; medians of RUNS runs, the ratio
#     (target <= 1.0), discscope's peak RSS (target < 64 MiB);
#  2. `discscope info` on a 4 GB DVD CHD (target < 50 ms), median of RUNS.
# The images are made once in $CHD_BENCH_DIR (default /tmp/discscope-bench-chd)
# and kept for later runs; nothing is committed.
# Needs: mame-tools (chdman), xorriso, python3, time (/usr/bin/time).
set -eu
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
dir=${CHD_BENCH_DIR:-/tmp/discscope-bench-chd}
mkdir -p "$dir"
cargo build --release --quiet --bin discscope --example encode_iso
bin=target/release/discscope

# --- the CD: a 700 MB MODE1/2352 data track of mixed content ---------------
cd_chd=$dir/cd700.chd
if [ ! -f "$cd_chd" ]; then
    rm -rf "$dir/src" && mkdir -p "$dir/src"
    # 640 MiB in 64 files: a quarter random (incompressible), a quarter
    # text, a quarter structured records, a quarter zeros; fixed seeds.
    python3 - "$dir/src" <<'PY'
import os, random, sys
out = sys.argv[1]
rng = random.Random(700)
words = [''.join(rng.choice('abcdefghijklmnopqrstuvwxyz') for _ in range(rng.randint(2, 9))) for _ in range(4000)]
for n in range(64):
    kind = n % 4
    with open(os.path.join(out, f'file{n:02d}.dat'), 'wb') as f:
        for _ in range(10):
            if kind == 0:
                block = rng.randbytes(1 << 20)
            elif kind == 1:
                block = ' '.join(rng.choice(words) for _ in range(200000)).encode()[:1 << 20]
            elif kind == 2:
                block = b''.join(rng.randint(0, 1 << 20).to_bytes(4, 'little') + bytes(12) for _ in range(1 << 16))
            else:
                block = bytes(1 << 20)
            f.write(block)
PY
    xorriso -as mkisofs -quiet -o "$dir/cd700.iso" -V BENCH_CD -R -J "$dir/src" 2>/dev/null
    target/release/examples/encode_iso "$dir/cd700.iso" "$dir/cd700.bin"
    printf 'FILE "cd700.bin" BINARY\n  TRACK 01 MODE1/2352\n    INDEX 01 00:00:00\n' > "$dir/cd700.cue"
    # Made under a temporary name: an interrupted run leaves no CHD that
    # looks finished.
    chdman createcd -f -i "$dir/cd700.cue" -o "$cd_chd.part" > /dev/null 2>&1
    mv "$cd_chd.part" "$cd_chd"
    rm -rf "$dir/src" "$dir/cd700.iso" "$dir/cd700.bin"
fi

# --- the DVD: 4 GB, an ISO 9660 at the start and zeros after ---------------
dvd_chd=$dir/dvd4g.chd
if [ ! -f "$dvd_chd" ]; then
    rm -f "$dir/dvd4g.raw" "$dir/dvd-none.chd"
    cp tests/fixtures/iso/geniso.iso "$dir/dvd4g.raw"
    truncate -s 4G "$dir/dvd4g.raw"
    # An uncompressed CHD skips zero hunks, so it stays small; the tag is
    # added there and `copy` compresses (chdman 0.251 has no createdvd).
    chdman createraw -f -c none -hs 4096 -us 2048 -i "$dir/dvd4g.raw" -o "$dir/dvd-none.chd" > /dev/null 2>&1
    chdman addmeta -i "$dir/dvd-none.chd" -t 'DVD ' -vt '' > /dev/null 2>&1
    chdman copy -f -i "$dir/dvd-none.chd" -o "$dvd_chd.part" > /dev/null 2>&1
    mv "$dvd_chd.part" "$dvd_chd"
    rm -f "$dir/dvd4g.raw" "$dir/dvd-none.chd"
fi

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Both read the CHD once before timing: both start from a warm page cache.
"$bin" verify "$cd_chd" > /dev/null || true
: > "$work/ours"; : > "$work/theirs"
i=0
while [ "$i" -lt "$RUNS" ]; do
    # Alternate the two so drift affects both alike.
    /usr/bin/time -f '%e %M' -o "$work/t" "$bin" verify "$cd_chd" > /dev/null || true
    cat "$work/t" >> "$work/ours"
    rm -f "$work/x.cue" "$work/x.bin"
    /usr/bin/time -f '%e %M' -o "$work/t" chdman extractcd -f -i "$cd_chd" -o "$work/x.cue" -ob "$work/x.bin" > /dev/null 2>&1
    cat "$work/t" >> "$work/theirs"
    i=$((i + 1))
done
a=$(cut -d' ' -f1 < "$work/ours" | median)
b=$(cut -d' ' -f1 < "$work/theirs" | median)
rss=$(cut -d' ' -f2 < "$work/ours" | sort -n | tail -n 1)
rss_chdman=$(cut -d' ' -f2 < "$work/theirs" | sort -n | tail -n 1)
sectors=$("$bin" info "$cd_chd" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["sector_count"])')
echo "CD CHD: $sectors sectors, $(du -h "$cd_chd" | cut -f1) ($(du -h --apparent-size "$cd_chd" | cut -f1) apparent)"
echo "discscope verify:  median ${a}s of $RUNS runs, peak RSS ${rss} KiB"
echo "chdman extractcd:  median ${b}s of $RUNS runs, peak RSS ${rss_chdman} KiB"
awk -v a="$a" -v b="$b" 'BEGIN { if (b > 0) printf "ratio discscope / chdman: %.2f (target <= 1.00)\n", a / b }'
awk -v r="$rss" 'BEGIN { printf "discscope peak RSS: %.1f MiB (target < 64 MiB)\n", r / 1024 }'

# info on the DVD: the median of RUNS wall times, in milliseconds.
"$bin" info "$dvd_chd" > /dev/null
: > "$work/info"
i=0
while [ "$i" -lt "$RUNS" ]; do
    python3 - "$bin" "$dvd_chd" >> "$work/info" <<'PY'
import subprocess, sys, time
start = time.perf_counter()
subprocess.run([sys.argv[1], 'info', sys.argv[2]], stdout=subprocess.DEVNULL, check=True)
print(f'{(time.perf_counter() - start) * 1000:.1f}')
PY
    i=$((i + 1))
done
c=$(median < "$work/info")
rss_info=$(/usr/bin/time -f %M "$bin" info "$dvd_chd" 2>&1 > /dev/null | tail -n 1)
hunks=$(chdman info -i "$dvd_chd" | sed -n 's/^Total Hunks: *//p')
echo "DVD CHD: 4 GiB logical, $hunks hunks, $(du -h "$dvd_chd" | cut -f1) on disk"
echo "discscope info:    median ${c} ms of $RUNS runs (target < 50 ms), peak RSS ${rss_info} KiB"
