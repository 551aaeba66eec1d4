#!/usr/bin/env bash
# Regenerates screenshots/*.png from the real application state: the
# `screens` example renders the inspector's screens through the same code the
# binary draws with, and scripts/paint_cells.py paints each cell grid with
# DejaVu Sans Mono. Usage: scripts/screenshots.sh [IMAGE]
# Needs: python3 with Pillow (pip install pillow), fonts-dejavu-core.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
image=${1:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ -z "$image" ]; then
  cargo run --quiet --release --manifest-path "$here/Cargo.toml" -- demo -o "$work/demo"
  image=$(ls "$work"/demo/*.cue | head -n 1)
fi
cargo run --quiet --release --manifest-path "$here/Cargo.toml" --example screens -- "$image" "$work/cells"
mkdir -p "$here/screenshots"
for cells in "$work"/cells/*.cells; do
  name=$(basename "$cells" .cells)
  python3 "$here/scripts/paint_cells.py" "$cells" "$here/screenshots/$name.png"
  echo "screenshots/$name.png"
done
