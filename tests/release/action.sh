#!/usr/bin/env bash
# The GitHub Action's two scripts, run as its steps run them (action.yml maps inputs to these
# environment variables), outside GitHub: scripts/action-install installs the release tarball that
# package.sh made (served by file://, as a release download), refuses one whose checksum does not
# match and reports a missing release; scripts/action-check writes the SARIF, the job summary and
# the annotations, passes globs to mlscale unexpanded, and returns the gate's exit code as an output.
# Usage: action.sh SOURCE_DIR BUILD_DIR DIST_DIR WORKDIR
set -euo pipefail
root=$1 build=$2 dist=$(cd "$3" && pwd) work=$4
fail() { echo "FAIL: $*" >&2; exit 1; }
version=$(sed -n 's/^CMAKE_PROJECT_VERSION:[A-Z]*=//p' "$build/CMakeCache.txt")
name=mlscale-$version-linux-$(uname -m)
rm -rf "$work" && mkdir -p "$work"
output_of() { sed -n "s/^$2=//p" "$1"; } # a step output from a GITHUB_OUTPUT file

# Install: the release tarball, checked, on PATH; the version defaults to the action's own.
install() { # OUTPUT_FILE, then VAR=value environment for the install script
  local out=$1; shift
  env -u MLSCALE_VERSION RUNNER_TEMP="$work/runner" GITHUB_PATH="$work/github-path" GITHUB_OUTPUT="$out" "$@" \
    "$root/scripts/action-install"
}
mkdir -p "$work/runner"
install "$work/install.out" MLSCALE_INSTALL=release MLSCALE_RELEASE_URL="file://$dist"
binary=$(output_of "$work/install.out" path)
[[ $binary == "$work/runner/$name/bin/mlscale" ]] || fail "installed at '$binary'"
[[ $(output_of "$work/install.out" version) == "$version" ]] || fail "version output is not $version"
[[ $(output_of "$work/install.out" method) == release ]] || fail "method output is not release"
grep -qx "$work/runner/$name/bin" "$work/github-path" || fail "the binary's directory was not added to GITHUB_PATH"

# A tarball that does not match SHA256SUMS is refused, even in auto mode (no fallback to a build).
mkdir -p "$work/tampered" && cp "$dist"/* "$work/tampered/"
printf 'x' >>"$work/tampered/$name.tar.gz"
rc=0
install /dev/null MLSCALE_INSTALL=auto MLSCALE_RELEASE_URL="file://$work/tampered" >"$work/tampered.log" 2>&1 || rc=$?
[[ $rc -eq 1 ]] || { cat "$work/tampered.log"; fail "a tampered tarball was not refused (exit $rc)"; }
grep -q "does not match its SHA-256" "$work/tampered.log" || { cat "$work/tampered.log"; fail "no checksum message"; }
# No release at all, install: release → an error naming the place; a wrong install value → an error.
rc=0
install /dev/null MLSCALE_INSTALL=release MLSCALE_RELEASE_URL="file://$work/nothing-here" >"$work/missing.log" 2>&1 || rc=$?
{ [[ $rc -eq 1 ]] && grep -q "::error title=mlscale install::no release $version" "$work/missing.log"; } ||
  { cat "$work/missing.log"; fail "a missing release was not reported (exit $rc)"; }
rc=0
install /dev/null MLSCALE_INSTALL=download >"$work/bad-install.log" 2>&1 || rc=$?
{ [[ $rc -eq 1 ]] && grep -q "'download' is not one of auto, release, source, path" "$work/bad-install.log"; } || fail "install: download accepted"
# install: path finds the mlscale already on PATH.
PATH="$build:$PATH" install "$work/path.out" MLSCALE_INSTALL=path >/dev/null
[[ $(output_of "$work/path.out" path) == "$build/mlscale" ]] || fail "install: path did not find $build/mlscale"

# Check: in a workspace with proposals, through an mlscale that records its arguments.
workspace=$work/workspace
# A checkout of its own, as on GitHub (paths in the output are relative to the git top level).
mkdir -p "$workspace/infra" "$workspace/.git"
cp "$root"/tests/data/proposals/{main.tf,plan.json,cfn-notebook.yaml,ctj-spot-no-checkpoint.json} "$workspace/infra/"
cat >"$work/mlscale" <<SH
#!/usr/bin/env bash
printf '%s\n' "\$*" >>"$work/arguments"
exec "$binary" "\$@"
SH
chmod +x "$work/mlscale"
check() { # NAME, then VAR=value environment for the check script
  local run=$1; shift
  : >"$work/$run.out"
  : >"$work/$run.summary.md"
  (cd "$workspace" && env MLSCALE_BINARY="$work/mlscale" GITHUB_OUTPUT="$work/$run.out" \
     GITHUB_STEP_SUMMARY="$work/$run.summary.md" "$@" "$root/scripts/action-check" >"$work/$run.log" 2>&1)
}

check defaults MLSCALE_PATHS=infra/
[[ $(output_of "$work/defaults.out" exit-code) == 1 ]] || { cat "$work/defaults.log"; fail "exit-code should be 1 (high findings)"; }
[[ $(output_of "$work/defaults.out" sarif-file) == mlscale.sarif ]] || fail "sarif-file output"
node -e 'const s = JSON.parse(require("fs").readFileSync(process.argv[1]));
  if (s.version !== "2.1.0" || !(s.runs[0].results.length > 0)) process.exit(1);' "$workspace/mlscale.sarif" ||
  fail "mlscale.sarif is not SARIF 2.1.0 with results"
grep -q '^::error file=infra/main.tf,' "$work/defaults.log" || fail "no annotation for infra/main.tf"
grep -q 'MLS-SEC-001' "$work/defaults.summary.md" || fail "the job summary lacks MLS-SEC-001"
grep -q 'findings at or above high (exit 1)' "$work/defaults.log" || fail "no closing line"

# fail-on none: a clean gate; no SARIF when the upload is off; extra arguments on every run.
: >"$work/arguments"
check lenient MLSCALE_PATHS=infra/main.tf MLSCALE_FAIL_ON=none MLSCALE_SARIF_FILE= MLSCALE_SUMMARY=false \
  MLSCALE_ARGS='--select MLS-SEC  --ignore MLS-SEC-002'
[[ $(output_of "$work/lenient.out" exit-code) == 0 ]] || { cat "$work/lenient.log"; fail "fail-on none should pass"; }
[[ -z $(output_of "$work/lenient.out" sarif-file) ]] || fail "a SARIF file with the upload off"
[[ $(cat "$work/arguments") == 'check infra/main.tf --format github --fail-on none --select MLS-SEC --ignore MLS-SEC-002' ]] ||
  fail "arguments: $(cat "$work/arguments")"

# Globs and several paths (spaces and new lines) reach mlscale as typed, never expanded by bash.
: >"$work/arguments"
check globs MLSCALE_PATHS=$'infra/*.tf\ninfra/plan.json  infra/c*.yaml' MLSCALE_SUMMARY=false MLSCALE_FORMAT=junit \
  MLSCALE_OUTPUT=junit.xml
grep -qx 'check infra/\*.tf infra/plan.json infra/c\*.yaml --format junit --fail-on high -o junit.xml' "$work/arguments" ||
  fail "arguments: $(cat "$work/arguments")"
grep -q '<testsuites name="mlscale check"' "$workspace/junit.xml" || fail "no JUnit report in junit.xml"

# Unreadable input: exit-code 2, still exit 0 from the step so that the SARIF is uploaded first.
check missing MLSCALE_PATHS=infra/nothing.json
[[ $(output_of "$work/missing.out" exit-code) == 2 ]] || { cat "$work/missing.log"; fail "a missing path should give exit-code 2"; }
# A wrong input value stops the step with a message.
rc=0
check bad MLSCALE_FAIL_ON=severe || rc=$?
{ [[ $rc -eq 1 ]] && grep -q "fail-on: 'severe' is not one of" "$work/bad.log"; } || fail "fail-on: severe accepted"
echo "action-install and action-check behave as action.yml expects"
