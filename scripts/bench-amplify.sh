#!/bin/sh
# Issue 17's two images (2,048 FAT entries on one chain; 4,096 GPT entries
# over one FAT32), made by the generators the tests use: the release
# binary's wall time (median of RUNS) and peak RSS for info, ls -R,
# extract and verify on each. Targets: under 1 s and 64 MiB each.
set -eu
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cargo build --release --quiet --bin discscope
bin=target/release/discscope
DISCSCOPE_AMPLIFY_OUT=$work cargo test --quiet --test integration \
    amplify::write_the_issue_images -- --ignored > /dev/null
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
printf '%-18s %-8s %9s %12s\n' image command "median s" "peak RSS MiB"
for image in shared-chain.img gpt-fanout.img; do
    for command in info ls extract verify; do
        : > "$work/times"
        i=0
        while [ "$i" -lt "$RUNS" ]; do
            rm -rf "$work/out"
            case $command in
                ls) set -- ls -R "$work/$image" ;;
                extract) set -- extract "$work/$image" -o "$work/out" ;;
                *) set -- "$command" "$work/$image" ;;
            esac
            /usr/bin/time -f '%e %M' -o "$work/t" "$bin" "$@" > /dev/null 2>&1 || true
            cat "$work/t" >> "$work/times"
            i=$((i + 1))
        done
        s=$(cut -d' ' -f1 < "$work/times" | median)
        rss=$(cut -d' ' -f2 < "$work/times" | sort -n | tail -n 1)
        awk -v i="$image" -v c="$command" -v s="$s" -v r="$rss" \
            'BEGIN { printf "%-18s %-8s %9s %12.1f\n", i, c, s, r / 1024 }'
    done
done
