#!/usr/bin/env bash
# Validates the SARIF of `mlscale check` with Microsoft's SARIF multitool (npm
# @microsoft/sarif-multitool, installed by scripts/install-test-tools): any error fails. The SARIF
# comes from the library over the proposal fixtures (sarif_samples) and from the binary itself on
# the ways a CI names its inputs: a relative directory, an absolute one, a path through "..", an
# absolute path with ".." segments, and standard input with and without --stdin-filename, plus a
# run with a baseline and --verbose (baselineState, notes for skipped files).
# Usage: sarif_validate.sh SAMPLES_BINARY SOURCE_DIR OUTDIR MLSCALE_BINARY
set -euo pipefail
samples=$1 root=$2 out=$3 bin=${4:-}
tool="$root/tests/tools/node_modules/.bin/sarif-multitool"
if [[ ! -x "$tool" ]]; then
  echo "sarif-multitool is not installed: run scripts/install-test-tools" >&2
  exit 1
fi
rm -rf "$out" && mkdir -p "$out"
"$samples" "$out" "$root"/tests/data/proposals/*

# validate NAME...: the multitool over $out/NAME.sarif (one run for all: it starts slowly); fails
# on any error-level result, naming the file.
validate() {
  local report="$out/validation-$1.sarif" files=()
  for name in "$@"; do files+=("$out/$name.sarif"); done
  "$tool" validate "${files[@]}" --output "$report" --log ForceOverwrite >"$out/validation-$1.log" 2>&1 || { cat "$out/validation-$1.log"; exit 1; }
  local errors
  errors=$(node -e '
    const log = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const results = log.runs.flatMap(r => r.results || []);
    const bad = results.filter(r => (r.level || "warning") === "error");
    for (const r of bad) console.error(r.locations[0].physicalLocation.artifactLocation.uri, r.ruleId, JSON.stringify(r.message));
    console.log(bad.length);' "$report")
  if [[ "$errors" != 0 ]]; then
    echo "$errors SARIF validation error(s) in $*" >&2
    exit 1
  fi
  for name in "$@"; do echo "$name.sarif: 0 errors ($(grep -c '"ruleId"' "$out/$name.sarif") results)"; done
}
validate check

if [[ -n "$bin" ]]; then
  proposals="$root/tests/data/proposals"
  # The fixtures hold bad files on purpose: exit 2 is expected, the SARIF is still written.
  run() { local name=$1; shift; "$bin" check --quiet --fail-on none --format sarif -o "$out/$name.sarif" "$@" 2>/dev/null || [[ $? == 2 ]]; }
  (cd "$proposals" && run relative .)
  run absolute "$proposals"
  (cd "$root/tests/cli" && run dotdot ../data/proposals)
  run absolute-dotdot "$root/tests/cli/../data/proposals"
  run stdin - <"$proposals/plan.json"
  run stdin-named --stdin-filename infra/plan.json - <"$proposals/plan.json"
  (cd "$root/tests/check/repo" && "$bin" check --quiet --fail-on none --write-baseline "$out/baseline.json" . >/dev/null &&
    run baseline-verbose --baseline "$out/baseline.json" --verbose . 2>/dev/null)
  validate relative absolute dotdot absolute-dotdot stdin stdin-named baseline-verbose
  # Relative inputs are relative URIs under %SRCROOT%, and none of the URIs has a ".." segment.
  grep -q '"uriBaseId": "%SRCROOT%"' "$out/dotdot.sarif" || { echo "dotdot.sarif: no %SRCROOT% URI" >&2; exit 1; }
  if grep -h '"uri": ' "$out"/{relative,absolute,dotdot,absolute-dotdot,stdin,stdin-named}.sarif | grep -q '\.\./'; then
    echo "a URI has a .. segment" >&2; exit 1
  fi
  grep -q '"baselineState": "unchanged"' "$out/baseline-verbose.sarif" || { echo "baseline-verbose.sarif: no unchanged result" >&2; exit 1; }
fi

node "$root/tests/check/sarif_schema.js" "$root/tests/tools/node_modules/@microsoft/sarif-multitool-linux/sarif-2.1.0.json" \
  "$out/check.sarif" "$root/tests/check/bad.sarif" >"$out/schema.log" 2>&1 && { echo "the schema check accepted tests/check/bad.sarif" >&2; exit 1; }
grep -q "must be equal to one of the allowed values" "$out/schema.log" || { cat "$out/schema.log"; exit 1; }
checked=("$out/check.sarif")
[[ -n "$bin" ]] && for name in relative absolute dotdot absolute-dotdot stdin stdin-named baseline-verbose; do checked+=("$out/$name.sarif"); done
node "$root/tests/check/sarif_schema.js" "$root/tests/tools/node_modules/@microsoft/sarif-multitool-linux/sarif-2.1.0.json" "${checked[@]}"
echo "SARIF valid"
