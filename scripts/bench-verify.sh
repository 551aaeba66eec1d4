#!/usr/bin/env bash
# Times `discscope verify` on a ~700 MB raw MODE1/2352 image against
# `cat IMAGE > /dev/null` in the same run, both from a warm page cache, and
# reports medians, their ratio (target: verify within 4x of cat), the peak
# RSS of verify (target: under 32 MiB), and `verify --repair-preview` on the
# same undamaged image (target: no slower than verify).
#
#   scripts/bench-verify.sh            # 300,000 sectors (705.6 MB), 5 runs
#   SECTORS=100000 RUNS=3 scripts/bench-verify.sh
#
# The image is generated (not committed) under ${BENCH_DIR:-/tmp/discscope-bench}.
set -euo pipefail
cd "$(dirname "$0")/.."

sectors=${SECTORS:-300000}
runs=${RUNS:-5}
dir=${BENCH_DIR:-/tmp/discscope-bench}
target=${CARGO_TARGET_DIR:-target}
image="$dir/raw-$sectors.bin"

cargo build --release --quiet --bin discscope --example raw_image
bin="$target/release/discscope"
mkdir -p "$dir"
if [ ! -f "$image" ] || [ "$(stat -c %s "$image")" -ne $((sectors * 2352)) ]; then
    echo "generating $image ($sectors sectors)..." >&2
    "$target/release/examples/raw_image" "$image" "$sectors"
fi
cue="${image%.bin}.cue"

now() { date +%s.%N; }
median() { sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

# Warm the page cache and check the image is clean before timing.
cat "$image" > /dev/null
"$bin" verify "$cue" > /dev/null

cat_times=() verify_times=() preview_times=()
for _ in $(seq "$runs"); do
    t0=$(now); cat "$image" > /dev/null; t1=$(now)
    "$bin" verify "$cue" > /dev/null; t2=$(now)
    "$bin" verify --repair-preview "$cue" > /dev/null; t3=$(now)
    cat_times+=("$(echo "$t1 - $t0" | bc -l)")
    verify_times+=("$(echo "$t2 - $t1" | bc -l)")
    preview_times+=("$(echo "$t3 - $t2" | bc -l)")
done
cat_median=$(printf '%s\n' "${cat_times[@]}" | median)
verify_median=$(printf '%s\n' "${verify_times[@]}" | median)
preview_median=$(printf '%s\n' "${preview_times[@]}" | median)
ratio=$(echo "$verify_median / $cat_median" | bc -l)
mb=$(echo "$sectors * 2352 / 1000000" | bc -l)
rss_kib=$(/usr/bin/time -v "$bin" verify "$cue" 2>&1 >/dev/null | awk -F': ' '/Maximum resident set size/ { print $2 }')

printf 'image            %s (%.1f MB, %d sectors), %d runs, %s cores\n' "$image" "$mb" "$sectors" "$runs" "$(nproc)"
printf 'cat median       %.3f s (%.0f MB/s)\n' "$cat_median" "$(echo "$mb / $cat_median" | bc -l)"
printf 'verify median    %.3f s (%.0f MB/s)\n' "$verify_median" "$(echo "$mb / $verify_median" | bc -l)"
printf 'ratio            %.2fx (target: 4x or less)\n' "$ratio"
printf 'verify peak RSS  %.1f MiB (target: under 32 MiB)\n' "$(echo "$rss_kib / 1024" | bc -l)"
printf 'repair preview   %.3f s, %.2fx verify (target: 1x or less)\n' "$preview_median" "$(echo "$preview_median / $verify_median" | bc -l)"
