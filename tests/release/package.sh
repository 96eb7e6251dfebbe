#!/usr/bin/env bash
# scripts/release on the binary the normal build made (--no-build: no second build): twice, into
# two directories, which must hold byte-identical artefacts (deterministic, idempotent); the
# checksums verify; the tarball holds the install tree with fixed owners, modes and times, and its
# binary is static and runs from anywhere. The artefacts stay in WORKDIR/dist for the tests that
# install them (deb.sh, action.sh: ctest fixture "release_artefacts").
# Usage: package.sh SOURCE_DIR BUILD_DIR WORKDIR
set -euo pipefail
root=$1 build=$2 work=$3
rm -rf "$work" && mkdir -p "$work"
version=$(sed -n 's/^CMAKE_PROJECT_VERSION:[A-Z]*=//p' "$build/CMakeCache.txt")
name=mlscale-$version-linux-$(uname -m)
fail() { echo "FAIL: $*" >&2; exit 1; }

# Usage errors are errors.
"$root/scripts/release" --bogus >"$work/usage.log" 2>&1 && fail "an unknown argument was accepted"
grep -q 'unknown argument: --bogus' "$work/usage.log" || { cat "$work/usage.log"; fail "no message for an unknown argument"; }
"$root/scripts/release" --no-build --allow-dirty --build-dir "$work/nowhere" --out "$work/x" >"$work/nobuild.log" 2>&1 &&
  fail "--no-build without a build directory succeeded"
grep -q 'is not a build directory' "$work/nobuild.log" || { cat "$work/nobuild.log"; fail "no message for a missing build"; }

"$root/scripts/release" --no-build --allow-dirty --build-dir "$build" --out "$work/dist"
"$root/scripts/release" --no-build --allow-dirty --build-dir "$build" --out "$work/again" >/dev/null 2>&1
cmp "$work/dist/SHA256SUMS" "$work/again/SHA256SUMS" || fail "two runs made different artefacts"
(cd "$work/dist" && sha256sum -c SHA256SUMS)
[[ $(wc -l <"$work/dist/SHA256SUMS") -eq 2 ]] || fail "SHA256SUMS should list the tarball and the .deb"

# The tarball: the install tree under one top directory, 0:0, the release time, no build leftovers.
tarball=$work/dist/$name.tar.gz
tar -tzf "$tarball" >"$work/list.txt"
for path in bin/mlscale share/mlscale/job.schema.json share/doc/mlscale/README.md \
            share/doc/mlscale/docs/check.md share/doc/mlscale/examples/imagenet-resnet50.json; do
  grep -qx "$name/$path" "$work/list.txt" || fail "$path is not in $name.tar.gz"
done
grep -q '^share/mlscale/rules/.*\.json$' <(sed "s|^$name/||" "$work/list.txt") || fail "no rule files in the tarball"
grep -v "^$name/" "$work/list.txt" && fail "entries outside $name/"
grep -E 'CMakeFiles|\.o$|CMakeCache' "$work/list.txt" && fail "build leftovers in the tarball"
tar -tvzf "$tarball" | awk '$2 != "0/0" { print; bad = 1 } END { exit bad }' || fail "entries not owned by 0/0"
[[ $(tar -tvzf "$tarball" "$name/bin/mlscale" | awk '{ print $1 }') == -rwxr-xr-x ]] || fail "bin/mlscale is not 0755"
epoch=${SOURCE_DATE_EPOCH:-$(git -C "$root" log -1 --format=%ct 2>/dev/null || stat -c %Y "$root/CMakeLists.txt")}
tar -xzf "$tarball" -C "$work"
[[ $(stat -c %Y "$work/$name/bin/mlscale") == "$epoch" ]] || fail "bin/mlscale's time is not the last commit's ($epoch)"

# The binary: static, stripped, the project's version, working from another directory.
bin=$work/$name/bin/mlscale
readelf -l "$bin" | grep -q 'program interpreter' && fail "bin/mlscale is dynamically linked"
readelf -S "$bin" | grep -q '\.debug_info' && fail "bin/mlscale is not stripped"
[[ $(cd / && "$bin" --version) == "$version" ]] || fail "bin/mlscale --version is not $version"
(cd / && "$bin" advise "$work/$name/share/doc/mlscale/examples/imagenet-resnet50.json" >"$work/advise.txt")
cmp "$work/advise.txt" <(cd / && "$build/mlscale" advise "$work/$name/share/doc/mlscale/examples/imagenet-resnet50.json") ||
  fail "the packed binary advises differently from the built one"
echo "release artefacts in $work/dist: $(cd "$work/dist" && ls | tr '\n' ' ')"
