#!/usr/bin/env bash
# Renders tandem.svg into the committed PNGs and the Windows/macOS icon files.
# Needs Debian's librsvg2-bin (rsvg-convert), icoutils (icotool) and icnsutils (png2icns).
# Run it after editing tandem.svg and commit the results; builds never run it.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
packaging="$here/../../packaging"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
for size in 16 32 48 64 128 256 512; do
  rsvg-convert -w "$size" -h "$size" "$here/tandem.svg" -o "$tmp/tandem-$size.png"
done
for size in 16 32 48 64 128 256; do cp "$tmp/tandem-$size.png" "$here/"; done
# The 256 px image stays PNG inside the .ico (-r): Windows Vista+ reads it, and it is 20x smaller.
icotool -c -o "$packaging/windows/Tandem.ico" "$tmp"/tandem-{16,32,48}.png -r "$tmp/tandem-256.png"
png2icns "$packaging/macos/Tandem.icns" "$tmp"/tandem-{16,32,48,128,256,512}.png >/dev/null
