#!/usr/bin/env bash
# The JSON of `mlscale check` meets docs/check.schema.json (whose findings are advise's, from
# docs/output.schema.json), checked with ajv: over the fixtures, a whole repository with a baseline
# and skipped files, standard input, and the real corpus when it is there. A document with a
# finding that lacks "concept" must be rejected, so the check can fail.
# Usage: check_schema.sh MLSCALE_BINARY SOURCE_DIR OUTDIR
set -uo pipefail
bin=$1 root=$2 out=$3
rm -rf "$out" && mkdir -p "$out"
json() { local name=$1; shift; "$bin" check --quiet --fail-on none --format json "$@" >"$out/$name.json" 2>/dev/null; }
json fixtures "$root/tests/data/proposals"
(cd "$root/tests/check/repo" && "$bin" check --quiet --fail-on none --write-baseline "$out/baseline.json" infra >/dev/null &&
  json repo --baseline "$out/baseline.json" .)
json stdin --stdin-filename infra/plan.json - <"$root/tests/data/proposals/plan.json"
files=("$out/fixtures.json" "$out/repo.json" "$out/stdin.json")
if [[ -d "$root/../shared/corpus/real" ]]; then
  json corpus "$root/../shared/corpus/real"
  files+=("$out/corpus.json")
fi
node -e '
  const fs = require("fs");
  const doc = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
  const file = doc.files.find(f => f.findings.length > 0);
  delete file.findings[0].concept;
  fs.writeFileSync(process.argv[2], JSON.stringify(doc));' "$out/fixtures.json" "$out/no-concept.json"
grep -q '"baselined": true' "$out/repo.json" || { echo "repo.json: no baselined finding" >&2; exit 1; }
result=$(node "$root/tests/schema/validate.js" --ref "$root/docs/output.schema.json" "$root/docs/check.schema.json" "${files[@]}" "$out/no-concept.json")
echo "$result"
[[ $(grep -c ' valid$' <<<"$result") == "${#files[@]}" ]] || exit 1
grep -q 'no-concept.json invalid$' <<<"$result" || { echo "the schema accepted a finding without concept" >&2; exit 1; }
