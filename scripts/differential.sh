#!/usr/bin/env bash
# Differential run: discscope against isoinfo, xorriso/osirrox, pycdlib,
# bsdtar, 7z, mtools, sleuthkit, cd-info and chdman on images built here
# (scripts/differential.py says what and how). Prints a table of checks and
# disagreements per oracle; exits 1 on a disagreement that
# scripts/known-divergences.txt does not explain.
#
#   scripts/differential.sh            the full run (writes a 4 GiB sparse
#                                       file's image; a few minutes)
#   scripts/differential.sh --fast     the slice .ci/run runs
#   scripts/differential.sh --keep DIR keep the images and extractions
#
# DISCSCOPE=path/to/discscope picks the binary (default: a release build).
set -euo pipefail
cd "$(dirname "$0")/.."
need=(genisoimage:genisoimage xorriso:xorriso osirrox:xorriso isoinfo:genisoimage bsdtar:libarchive-tools
      7z:p7zip-full mkfs.fat:dosfstools mcopy:mtools fls:sleuthkit cd-info:libcdio-utils chdman:mame-tools sox:sox)
missing=()
for pair in "${need[@]}"; do
  command -v "${pair%%:*}" >/dev/null || missing+=("${pair#*:}")
done
/usr/bin/python3 -c 'import pycdlib' 2>/dev/null || missing+=(python3-pycdlib)
if [ ${#missing[@]} -gt 0 ]; then
  echo "differential: missing tools; install: apt-get install ${missing[*]}" >&2
  exit 2
fi
if [ -z "${DISCSCOPE:-}" ]; then
  cargo build --release --quiet
  DISCSCOPE=target/release/discscope
fi
exec /usr/bin/python3 scripts/differential.py --discscope "$DISCSCOPE" "$@"
