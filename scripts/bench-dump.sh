#!/usr/bin/env bash
# Times the plain sector dump, `discscope sector IMAGE 0 --count N` into a
# pipe, side by side with `xxd` on the same bytes, and reports medians and
# their ratio (issue 11's target: discscope at least half as fast as xxd,
# a ratio of 2 or less).
#
#   scripts/bench-dump.sh                 # 10,000 sectors (23.5 MB), 7 runs
#   SECTORS=2000 RUNS=3 scripts/bench-dump.sh
#
# The image is raw MODE1/2352 with pseudo-random user data, so no rows
# repeat and squeezing saves discscope nothing; it is generated (not
# committed) under ${BENCH_DIR:-/tmp/discscope-bench}. The two commands
# alternate within each run so that load from other processes hits both.
set -euo pipefail
cd "$(dirname "$0")/.."

sectors=${SECTORS:-10000}
runs=${RUNS:-7}
dir=${BENCH_DIR:-/tmp/discscope-bench}
target=${CARGO_TARGET_DIR:-target}
image="$dir/raw-$sectors.bin"
cue="${image%.bin}.cue"

cargo build --release --quiet --bin discscope --example raw_image
bin="$target/release/discscope"
mkdir -p "$dir"
if [ ! -f "$image" ] || [ "$(stat -c %s "$image")" -ne $((sectors * 2352)) ]; then
    echo "generating $image ($sectors sectors)..." >&2
    "$target/release/examples/raw_image" "$image" "$sectors"
fi

now() { date +%s.%N; }
median() { sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
dump() { "$bin" --color=never sector "$cue" 0 --count "$sectors" | cat > /dev/null; }
hex() { xxd "$image" | cat > /dev/null; }

# Warm the page cache; check the dump covers every sector and is plain.
dump
shown=$("$bin" sector "$cue" 0 --count "$sectors" | grep -c '^sector ')
[ "$shown" -eq "$sectors" ] || { echo "dumped $shown of $sectors sectors" >&2; exit 1; }
dump_bytes=$("$bin" sector "$cue" 0 --count "$sectors" | wc -c)
xxd_bytes=$(xxd "$image" | wc -c)

dump_times=() xxd_times=()
for _ in $(seq "$runs"); do
    t0=$(now); hex; t1=$(now); dump; t2=$(now)
    xxd_times+=("$(echo "$t1 - $t0" | bc -l)")
    dump_times+=("$(echo "$t2 - $t1" | bc -l)")
done
xxd_median=$(printf '%s\n' "${xxd_times[@]}" | median)
dump_median=$(printf '%s\n' "${dump_times[@]}" | median)
ratio=$(echo "$dump_median / $xxd_median" | bc -l)
mb=$(echo "$sectors * 2352 / 1000000" | bc -l)

printf 'image             %s (%.1f MB, %d sectors), %d runs, %s cores\n' "$image" "$mb" "$sectors" "$runs" "$(nproc)"
printf 'xxd median        %.3f s (%.0f MB/s in, %.1f MB out)\n' "$xxd_median" "$(echo "$mb / $xxd_median" | bc -l)" "$(echo "$xxd_bytes / 1000000" | bc -l)"
printf 'discscope median  %.3f s (%.0f MB/s in, %.1f MB out)\n' "$dump_median" "$(echo "$mb / $dump_median" | bc -l)" "$(echo "$dump_bytes / 1000000" | bc -l)"
printf 'ratio             %.2fx the time of xxd (target: 2x or less)\n' "$ratio"
