#!/usr/bin/env bash
# Builds the ISO 9660 filesystem of the built-in demo disc with xorriso
# (Rock Ridge + Joliet, a few folders and files, one long name, a symlink)
# and stores it zlib-compressed as demo.iso.zlib, which src/demo.rs embeds
# and encodes into raw MODE1/2352 sectors with discscope's own encoder.
# Reproducible: fixed contents, times and volume id.
set -euo pipefail
cd "$(dirname "$0")"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export SOURCE_DATE_EPOCH=1700000000
src="$work/src"
mkdir -p "$src/docs" "$src/music" "$src/src"
cat > "$src/README.TXT" <<'TXT'
Welcome to the discscope demo disc.

Track 1 (this one) is MODE1/2352 data holding ISO 9660 with Rock Ridge
and Joliet. Track 2 is audio: a 440 Hz tone. Track 3 is mode 2 XA with
form 1 and form 2 sectors. One sector of track 1 is damaged on purpose:
press e to find it. The cue sheet has one deliberate mistake: run
`discscope check` on the sheet that `discscope demo -o DIR` writes.
TXT
cat > "$src/docs/sectors.txt" <<'TXT'
A raw CD-ROM sector is 2352 bytes: 12 bytes of sync, a 4-byte header
(minute, second, frame in BCD, and the mode), then the user data. Mode 1
keeps 2048 bytes of data, a 4-byte EDC, 8 zero bytes and 276 bytes of
Reed-Solomon parity (172 of P, 104 of Q).
TXT
printf 'This file has a name longer than ISO 9660 level 1 allows, so only Joliet and Rock Ridge show it in full.\n' \
  > "$src/docs/A file with a long name that Joliet and Rock Ridge keep in full.txt"
printf '440 Hz sine, 16-bit stereo, 44.1 kHz, three seconds.\n' > "$src/music/tone.txt"
cat > "$src/src/hello.c" <<'TXT'
#include <stdio.h>

int main(void) {
    puts("hello from a CD-ROM");
    return 0;
}
TXT
ln -s docs/sectors.txt "$src/LAYOUT"
find "$src" -exec touch -h -d @1700000000 {} +
xorriso -as mkisofs -quiet -o "$work/demo.iso" -V DISCSCOPE_DEMO -J -joliet-long -R \
  -no-pad --modification-date=2023111422132000 "$src"
python3 -c "import sys,zlib; sys.stdout.buffer.write(zlib.compress(open(sys.argv[1],'rb').read(), 9))" \
  "$work/demo.iso" > demo.iso.zlib
ls -l "$work/demo.iso" demo.iso.zlib
