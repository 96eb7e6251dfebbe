#!/usr/bin/env bash
# Validates the SARIF of `mlscale check` with Microsoft's SARIF multitool (npm
# @microsoft/sarif-multitool, installed by scripts/install-test-tools): any error fails.
# Usage: sarif_validate.sh SAMPLES_BINARY SOURCE_DIR OUTDIR
set -euo pipefail
samples=$1 root=$2 out=$3
tool="$root/tests/tools/node_modules/.bin/sarif-multitool"
if [[ ! -x "$tool" ]]; then
  echo "sarif-multitool is not installed: run scripts/install-test-tools" >&2
  exit 1
fi
rm -rf "$out" && mkdir -p "$out"
"$samples" "$out" "$root"/tests/data/proposals/*
report="$out/validation.sarif"
"$tool" validate "$out/check.sarif" --output "$report" --log ForceOverwrite >"$out/validate.log" 2>&1 || { cat "$out/validate.log"; exit 1; }
errors=$(node -e '
  const log = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const results = log.runs.flatMap(r => r.results || []);
  const bad = results.filter(r => (r.level || "warning") === "error");
  for (const r of bad) console.error(r.ruleId, JSON.stringify(r.message));
  console.log(bad.length);' "$report")
if [[ "$errors" != 0 ]]; then
  cat "$out/validate.log"
  echo "SARIF has $errors validation error(s)" >&2
  exit 1
fi
node "$root/tests/check/sarif_schema.js" "$root/tests/tools/node_modules/@microsoft/sarif-multitool-linux/sarif-2.1.0.json" \
  "$out/check.sarif" "$root/tests/check/bad.sarif" >"$out/schema.log" 2>&1 && { echo "the schema check accepted tests/check/bad.sarif" >&2; exit 1; }
grep -q "must be equal to one of the allowed values" "$out/schema.log" || { cat "$out/schema.log"; exit 1; }
node "$root/tests/check/sarif_schema.js" "$root/tests/tools/node_modules/@microsoft/sarif-multitool-linux/sarif-2.1.0.json" "$out/check.sarif"
echo "SARIF valid: $(grep -c '"ruleId"' "$out/check.sarif") results"
