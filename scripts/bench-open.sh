#!/usr/bin/env bash
# Opening cost must not grow with image size: time `discscope info` on an
# 8 GiB sparse raw image and on a 1 MiB one, side by side, and report the
# medians, their ratio (target <= 1.2) and peak RSS (target < 20 MiB).
# Usage: scripts/bench-open.sh [RUNS]   (needs hyperfine and GNU time)
set -euo pipefail
runs=${1:-30}
here=$(cd "$(dirname "$0")/.." && pwd)
cargo build --release --quiet --manifest-path "$here/Cargo.toml"
bin="${CARGO_TARGET_DIR:-$here/target}/release/discscope"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

truncate -s 8G "$work/big.img"
truncate -s 1M "$work/small.img"
# The same content at the start of both, so only the size differs.
printf 'discscope benchmark image' | dd of="$work/big.img" conv=notrunc status=none
printf 'discscope benchmark image' | dd of="$work/small.img" conv=notrunc status=none

hyperfine -N --warmup 5 --runs "$runs" --export-json "$work/times.json" --style basic \
  -n small "$bin info $work/small.img" \
  -n big "$bin info $work/big.img" >/dev/null

median() { python3 -c "import json,sys; r=json.load(open('$work/times.json'))['results']; print([x for x in r if x['command']=='$1'][0]['median'])"; }
small=$(median small)
big=$(median big)
rss() { /usr/bin/time -f %M "$bin" info "$1" 2>&1 >/dev/null | tail -n 1; }
rss_small=$(rss "$work/small.img")
rss_big=$(rss "$work/big.img")

python3 - "$small" "$big" "$rss_small" "$rss_big" <<'PY'
import sys
small, big, rss_small, rss_big = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
ratio = big / small
print(f"info on 1 MiB image: median {small*1000:.2f} ms, peak RSS {rss_small/1024:.1f} MiB")
print(f"info on 8 GiB image: median {big*1000:.2f} ms, peak RSS {rss_big/1024:.1f} MiB")
print(f"ratio 8 GiB / 1 MiB: {ratio:.3f} (target <= 1.2)")
ok = ratio <= 1.2 and rss_big < 20 * 1024
print("PASS" if ok else "FAIL")
sys.exit(0 if ok else 1)
PY
