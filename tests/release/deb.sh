#!/usr/bin/env bash
# The Debian package of scripts/release (made by package.sh from the normal build): its control
# fields; dpkg installs it into an empty root (its own database there: no dependency to satisfy);
# the installed binary runs there, advising on the example job the package ships exactly as the
# built binary does and checking a proposal; and, chrooted into that root, with no libc, no /etc
# and no /tmp, it still runs (what a `FROM scratch` image would be).
# Usage: deb.sh SOURCE_DIR BUILD_DIR DIST_DIR WORKDIR
set -euo pipefail
root=$1 build=$2 dist=$3 work=$4
fail() { echo "FAIL: $*" >&2; exit 1; }
version=$(sed -n 's/^CMAKE_PROJECT_VERSION:[A-Z]*=//p' "$build/CMakeCache.txt")
arch=$(dpkg --print-architecture)
deb=$dist/mlscale_${version}-1_${arch}.deb
[[ -f $deb ]] || fail "$deb is missing (the release.package test makes it)"
rm -rf "$work" && mkdir -p "$work"

# Control fields.
field() { dpkg-deb --field "$deb" "$1"; }
[[ $(field Package) == mlscale ]] || fail "Package: $(field Package)"
[[ $(field Version) == "$version-1" ]] || fail "Version: $(field Version), expected $version-1"
[[ $(field Architecture) == "$arch" ]] || fail "Architecture: $(field Architecture)"
[[ -z $(field Depends) ]] || fail "a static binary needs no Depends, found: $(field Depends)"
[[ $(field Maintainer) == *'<'*'>' ]] || fail "Maintainer is not \"Name <address>\": $(field Maintainer)"
[[ -n $(field Description) ]] || fail "no Description"
dpkg-deb --contents "$deb" >"$work/contents.txt"
grep -q ' \./usr/bin/mlscale$' "$work/contents.txt" || fail "no /usr/bin/mlscale in the package"

# Installed by dpkg into an empty root with a database of its own.
target=$work/root
mkdir -p "$target/var/lib/dpkg/info" "$target/var/lib/dpkg/updates"
touch "$target/var/lib/dpkg/status" "$target/var/lib/dpkg/available"
force=()
[[ $(id -u) -eq 0 ]] || force=(--force-not-root)
dpkg --root="$target" --log=/dev/null --force-script-chrootless "${force[@]}" --install "$deb"
[[ $(dpkg --root="$target" --status mlscale) == *$'\nStatus: install ok installed\n'* ]] || fail "dpkg does not list mlscale as installed"
dpkg --root="$target" --listfiles mlscale >"$work/files.txt"
grep -qx '/usr/share/doc/mlscale/examples/imagenet-resnet50.json' "$work/files.txt" ||
  fail "the example jobs are not installed"

# The installed binary runs: the version, the shipped example, a proposal.
mlscale=$target/usr/bin/mlscale
[[ $(cd / && "$mlscale" --version) == "$version" ]] || fail "mlscale --version is not $version"
example=$target/usr/share/doc/mlscale/examples/imagenet-resnet50.json
(cd / && "$mlscale" advise "$example" >"$work/advise.txt")
grep -q . "$work/advise.txt" || fail "advise printed nothing"
cmp "$work/advise.txt" <(cd / && "$build/mlscale" advise "$example") || fail "the installed binary advises differently from the built one"
rc=0
(cd "$root/tests/data/proposals" && "$mlscale" check main.tf --fail-on high >"$work/check.txt") || rc=$?
[[ $rc -eq 1 ]] || { cat "$work/check.txt"; fail "check main.tf should exit 1 (a high finding), got $rc"; }
grep -q '^main.tf:.* high MLS-SEC-001 ' "$work/check.txt" || fail "check did not report MLS-SEC-001"

# In an empty root: only what the package installed (no libc, no /etc, no /proc, no /tmp).
rm -rf "${target:?}/var"
chrooted=()
if [[ $(id -u) -eq 0 ]] && command -v chroot >/dev/null; then
  chrooted=(chroot "$target")
elif unshare --user --map-root-user true 2>/dev/null; then
  chrooted=(unshare --user --map-root-user chroot "$target")
fi
if ((${#chrooted[@]} > 0)); then
  [[ -z $(find "$target" -name 'libc.so*' -o -name 'ld-linux*') ]] || fail "the scratch root has a libc"
  [[ $("${chrooted[@]}" /usr/bin/mlscale --version) == "$version" ]] || fail "mlscale does not run in an empty root"
  "${chrooted[@]}" /usr/bin/mlscale advise /usr/share/doc/mlscale/examples/imagenet-resnet50.json >"$work/advise-chroot.txt"
  # The same advice; only the path of the job as shown differs.
  diff <(sed "s|$target||g" "$work/advise.txt") "$work/advise-chroot.txt" || fail "advice in the empty root differs"
  echo "ran in an empty root with ${chrooted[*]}"
else
  echo "note: neither root nor user namespaces: the empty-root run is skipped"
fi
echo "mlscale_${version}-1_${arch}.deb installs and runs"
