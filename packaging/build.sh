#!/usr/bin/env bash
# Builds Tandem's installers for the OS it runs on, into app/target/installers/:
#   1. the jars (./mvnw package; skipped with --no-maven when Maven has just built them),
#   2. a jlinked Java runtime with only the JDK modules the jars use (jdeps), stripped and compressed,
#   3. with jpackage an app image (app/target/installers/image) and the OS's installers:
#      Linux .deb (and .rpm where rpmbuild exists), Windows .msi and .exe (WiX), macOS .dmg.
# JavaFX, LWJGL and the other libraries stay jars on the class path, exactly as ./tandem and the
# tests run them; only JDK modules go into the runtime (packaging/README.md says why).
# Tested here on Linux; the Windows and macOS branches are recipes for native CI runners.
#
# Usage: packaging/build.sh [--no-maven] [--types "deb rpm"]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

run_maven=yes
types=""
while [ $# -gt 0 ]; do
  case "$1" in
    --no-maven) run_maven=no ;;
    --types) types="$2"; shift ;;
    *) echo "packaging/build.sh: unknown option $1; usage: packaging/build.sh [--no-maven] [--types \"deb rpm\"]" >&2; exit 2 ;;
  esac
  shift
done

if [ -z "${JAVA_HOME:-}" ] || [ ! -x "$JAVA_HOME/bin/jpackage" ]; then
  echo "packaging/build.sh: set JAVA_HOME to a JDK 25 (it needs jlink and jpackage)" >&2
  exit 1
fi
jdk_bin="$JAVA_HOME/bin"

case "$(uname -s)" in
  Linux) os=linux; icon=assets/icons/tandem-256.png
         default_types="deb"; if command -v rpmbuild >/dev/null; then default_types="deb rpm"; fi ;;
  Darwin) os=macos; icon=packaging/macos/Tandem.icns; default_types="dmg" ;;
  MINGW*|MSYS*|CYGWIN*) os=windows; icon=packaging/windows/Tandem.ico; default_types="msi exe" ;;
  *) echo "packaging/build.sh: unsupported OS $(uname -s)" >&2; exit 1 ;;
esac
types=${types:-$default_types}

cd "$root"   # the .options files name paths relative to the repository root
if [ "$run_maven" = yes ]; then
  ./mvnw -B -q -DskipTests package
fi

# The POM's version, as Maven's jar plugin recorded it; jpackage wants plain numbers (MSI: at most
# three), so a qualifier such as -SNAPSHOT is dropped.
pom_properties="$root/app/target/maven-archiver/pom.properties"
[ -f "$pom_properties" ] || { echo "packaging/build.sh: the app is not built; run ./mvnw package first (or drop --no-maven)" >&2; exit 1; }
pom_version=$(sed -n 's/^version=//p' "$pom_properties")
app_version=${pom_version%%-*}
app_jar="tandem-app-$pom_version.jar"
if [ "$os" = macos ] && [ "${app_version%%.*}" = 0 ]; then
  # jpackage refuses a macOS version whose first number is 0 (an old CFBundleVersion rule), so
  # 0.x releases are stamped 1.0.0 on macOS until Tandem reaches 1.0.
  app_version=1.0.0
fi

work="$root/app/target/installers"
rm -rf "$work"
mkdir -p "$work/input/assets/icons"

# jpackage copies the input folder into the app ($APPDIR) and puts its jars on the class path.
cp "$root/app/target/$app_jar" "$root"/app/target/lib/*.jar "$work/input/"
# shaderc compiles the shaders at build time (tandem.engine.vulkan.ShaderCompiler); the app ships
# the SPIR-V, so its 4 MB of jars stay out.
rm "$work"/input/lwjgl-shaderc-*.jar
cp "$root/assets/stories260K.gguf" "$root/assets/stories260K.LICENSE.md" "$work/input/assets/"
cp "$root/LICENSE" "$work/input/"   # Tandem's own licence, beside its jars in the installed app
cp "$root"/assets/icons/tandem-*.png "$work/input/assets/icons/"   # the window's icon

# JDK modules the jars need, and jdk.incubator.vector, which the JVM flags add in any case.
modules=$("$jdk_bin/jdeps" --multi-release 25 --ignore-missing-deps --print-module-deps "$work"/input/*.jar)
case ",$modules," in *,jdk.incubator.vector,*) ;; *) modules="$modules,jdk.incubator.vector" ;; esac
echo "packaging: runtime modules $modules" >&2
"$jdk_bin/jlink" --add-modules "$modules" --output "$work/runtime" \
  --strip-debug --no-header-files --no-man-pages --strip-native-commands --compress zip-6 \
  | { grep -v 'Using incubator modules' || true; } >&2

# Every installer is built from the inputs, not from the app image: jpackage 25 replaces the icon
# with its default one when it packages an existing app image.
app=(--input "$work/input" --main-jar "$app_jar" --main-class tandem.app.Launcher
     --runtime-image "$work/runtime" --app-version "$app_version" --icon "$icon"
     @packaging/common.options @packaging/app.options)
"$jdk_bin/jpackage" --type app-image --dest "$work/image" "${app[@]}"
for type in $types; do
  echo "packaging: building the .$type" >&2
  "$jdk_bin/jpackage" --type "$type" --dest "$work" "${app[@]}" @"packaging/$os/jpackage.options"
done
ls -l "$work"/*.* >&2
