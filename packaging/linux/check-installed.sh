#!/usr/bin/env bash
# The installer check that ./tandem test runs after the Maven build (so CI runs it): builds the .deb
# from the jars Maven just built, unpacks it into a throwaway root (dpkg -x: no root rights, no
# trace on the machine) and runs the INSTALLED launcher's --self-check, which prints the devices,
# loads the bundled model and generates a few tokens. The installed app must work, not the build tree.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

# jpackage builds a .deb with dpkg-deb under fakeroot; jlink's --strip-debug runs objcopy.
missing=""
command -v dpkg-deb >/dev/null || missing="$missing dpkg"
command -v fakeroot >/dev/null || missing="$missing fakeroot"
command -v objcopy >/dev/null || missing="$missing binutils"
if [ -n "$missing" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "packaging: installing$missing..." >&2
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing) >&2
  else
    echo "packaging: the installer check needs$missing; install it: sudo apt-get install -y$missing" >&2
    exit 1
  fi
fi

# zstd instead of the release's xz: same package, built in about a second instead of minutes on 2 cores.
DPKG_DEB_COMPRESSOR_TYPE=zstd "$root/packaging/build.sh" --no-maven --types deb

installed=$(mktemp -d)
trap 'rm -rf "$installed"' EXIT
dpkg-deb -x "$root"/app/target/installers/tandem_*.deb "$installed"
# Tandem's licence is installed beside the jars and as the package's copyright file.
for licence in "$installed/opt/tandem/lib/app/LICENSE" "$installed/opt/tandem/share/doc/copyright"; do
  grep -q "Apache License" "$licence" || { echo "packaging: $licence does not hold the Apache License" >&2; exit 1; }
done
echo "packaging: self-check of the installed app ($installed/opt/tandem/bin/Tandem)" >&2
"$installed/opt/tandem/bin/Tandem" --self-check
