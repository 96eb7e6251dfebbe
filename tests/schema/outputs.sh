#!/usr/bin/env bash
# Validates every JSON golden of `advise` against docs/output.schema.json with ajv.
# Usage: outputs.sh SOURCE_DIR
set -uo pipefail
root=$1
files=()
for golden in "$root"/tests/cli/golden/*.json; do
  # Only advise outputs carry the contract's top-level keys.
  grep -q '"ladder"' "$golden" && files+=("$golden")
done
[[ ${#files[@]} -gt 0 ]] || { echo "no advise JSON goldens found" >&2; exit 1; }
out=$(node "$root/tests/schema/validate.js" "$root/docs/output.schema.json" "${files[@]}")
echo "$out"
! grep -q ' invalid$' <<< "$out"
