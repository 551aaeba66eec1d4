#!/bin/sh
# Listing speed and memory on a UDF image of 50,000 files: `discscope ls -R -l`
# against `7z l`, side by side in one run, each timed RUNS times (median),
# with the ratio; peak RSS from /usr/bin/time -v.
# Needs: python3, p7zip-full (7z), time (/usr/bin/time). Run from anywhere.
set -eu
cd "$(dirname "$0")/.."
FILES=${FILES:-50000}
RUNS=${RUNS:-7}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cargo build --release --quiet
img=$work/bench-udf.img
python3 tests/fixtures/udf/gen.py --bench "$FILES" "$img"
bin=target/release/discscope
# Both read the image once before timing, so both start from a warm cache.
"$bin" ls -R -l "$img" >/dev/null
7z l "$img" >/dev/null

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ours=$work/ours.txt theirs=$work/theirs.txt
: >"$ours"; : >"$theirs"
i=0
while [ $i -lt "$RUNS" ]; do
  # Alternate the two so drift affects both alike.
  /usr/bin/time -f %e -o "$work/t" "$bin" ls -R -l "$img" >/dev/null; cat "$work/t" >>"$ours"
  /usr/bin/time -f %e -o "$work/t" 7z l "$img" >/dev/null; cat "$work/t" >>"$theirs"
  i=$((i + 1))
done
a=$(median <"$ours") b=$(median <"$theirs")
entries=$("$bin" ls -R "$img" | wc -l)
rss=$(/usr/bin/time -v "$bin" ls -R -l "$img" 2>&1 >/dev/null | sed -n 's/.*Maximum resident set size (kbytes): //p')
rss7=$(/usr/bin/time -v 7z l "$img" 2>&1 >/dev/null | sed -n 's/.*Maximum resident set size (kbytes): //p')
echo "image: $FILES files ($entries entries listed), $(du -h "$img" | cut -f1)"
echo "discscope ls -R -l: median ${a}s of $RUNS runs, peak RSS ${rss} KiB"
echo "7z l:               median ${b}s of $RUNS runs, peak RSS ${rss7} KiB"
awk -v a="$a" -v b="$b" 'BEGIN { if (b > 0) printf "ratio discscope / 7z: %.2f (target <= 0.50)\n", a / b }'
awk -v r="$rss" 'BEGIN { printf "peak RSS: %.1f MiB (target < 32 MiB)\n", r / 1024 }'
