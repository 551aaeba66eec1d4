#!/bin/sh
# ls -R -l speed on a 50,000-file ISO (100 directories x 500 files, made by
# genisoimage with Rock Ridge), side by side with isoinfo -R -l and 7z l.
# Prints the median of RUNS runs for each, the ratios, and peak RSS.
# Usage: scripts/bench-ls.sh [path/to/discscope]   (default: release build)
# Needs: genisoimage, p7zip-full, python3, GNU time (/usr/bin/time).
set -eu
BIN=${1:-}
if [ -z "$BIN" ]; then
  cargo build --release --quiet
  BIN=${CARGO_TARGET_DIR:-target}/release/discscope
fi
RUNS=${RUNS:-11}
WORK=$(mktemp -d /tmp/bench-ls.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
ISO=$WORK/50k.iso
echo "building 100 x 500 files in $WORK ..." >&2
python3 - "$WORK/src" <<'PY'
import os, sys
root = sys.argv[1]
for d in range(100):
    p = os.path.join(root, f"dir{d:03d}")
    os.makedirs(p)
    for f in range(500):
        with open(os.path.join(p, f"file{f:03d}.txt"), "w") as fh:
            fh.write(f"{d} {f}\n")
PY
genisoimage -quiet -R -J -o "$ISO" "$WORK/src"
rm -rf "$WORK/src"
echo "image: $(du -h "$ISO" | cut -f1)" >&2

# Runs the three listers RUNS times each, interleaved so that load from
# other processes hits them alike; prints medians, ratios and peak RSS.
lines=$("$BIN" ls "$ISO" -R | wc -l)
python3 - "$BIN" "$ISO" "$RUNS" "$lines" <<'PY'
import os, resource, statistics, subprocess, sys, time
bin_, iso, runs, lines = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
cmds = {
    "discscope ls -R -l": [bin_, "ls", iso, "-R", "-l"],
    "isoinfo -R -l": ["isoinfo", "-R", "-l", "-i", iso],
    "7z l": ["7z", "l", iso],
}
times = {k: [] for k in cmds}
rss = {k: 0 for k in cmds}
for _ in range(runs):
    for name, cmd in cmds.items():
        start = time.perf_counter()
        pid = os.fork()
        if pid == 0:
            fd = os.open(os.devnull, os.O_WRONLY)
            os.dup2(fd, 1)
            os.dup2(fd, 2)
            os.execvp(cmd[0], cmd)
        os.wait4(pid, 0)
        times[name].append(time.perf_counter() - start)
# Peak RSS from GNU time: a child forked from Python would count Python's
# own pages before exec.
for name, cmd in cmds.items():
    out = subprocess.run(["/usr/bin/time", "-f", "%M", *cmd], stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, text=True).stderr.strip().splitlines()
    rss[name] = int(out[-1])
print(f"{'command':<24} {'median ms':>10} {'peak RSS KiB':>13}")
med = {k: statistics.median(v) for k, v in times.items()}
for k in cmds:
    print(f"{k:<24} {med[k] * 1000:>10.1f} {rss[k]:>13}")
d = med["discscope ls -R -l"]
print(f"entries listed: {lines}")
print(f"isoinfo / discscope: {med['isoinfo -R -l'] / d:.2f}x (target >= 1)")
print(f"7z / discscope:      {med['7z l'] / d:.2f}x (target >= 4)")
print(f"discscope peak RSS:  {rss['discscope ls -R -l'] / 1024:.1f} MiB (target <= 16)")
PY
