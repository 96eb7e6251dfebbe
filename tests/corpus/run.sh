#!/usr/bin/env bash
# The real-proposal corpus (../shared/corpus/real, read in place, never copied): every file is
# read; the one marked malformed is rejected with a located message; the mapped job JSON of every
# file (what rules see, with source line:column) is pinned in tests/corpus/units/, and so are the
# findings of every file (rule, severity, line:column, resource) in tests/corpus/findings/.
# UPDATE_GOLDEN=1 rewrites the pins. Usage: run.sh MLSCALE_BINARY SOURCE_DIR
set -uo pipefail
bin=$1 root=$2
cd "$root" || exit 1
corpus=../shared/corpus/real
failures=0
for path in "$corpus"/*; do
  name=$(basename "$path")
  [[ "$name" == SOURCES.md ]] && continue
  out=$("$bin" check --show-units --quiet --fail-on none "$path" 2>/tmp/mlscale-corpus-$$.err)
  rc=$?
  err=$(cat /tmp/mlscale-corpus-$$.err)
  if [[ "$name" == tf-notebook-malformed-lowercase-enabled.tf ]]; then
    if [[ $rc != 2 || "$err" != *"$path:6:28: "*'"enabled" is not a valid value of direct_internet_access'* ]]; then
      echo "FAIL $name: expected exit 2 and a message at 6:28, got $rc: $err"; failures=$((failures + 1))
    fi
  elif [[ $rc != 0 ]]; then
    echo "FAIL $name: exit $rc: $err"; failures=$((failures + 1))
  fi
  golden="tests/corpus/units/$name.json"
  if [[ -n "${UPDATE_GOLDEN:-}" ]]; then
    printf '%s\n' "$out" >"$golden"
  elif ! diff -u "$golden" <(printf '%s\n' "$out") >/tmp/mlscale-corpus-$$.diff; then
    echo "FAIL $name: mapped units differ from $golden"; head -40 /tmp/mlscale-corpus-$$.diff; failures=$((failures + 1))
  fi
  [[ "$name" == tf-notebook-malformed-lowercase-enabled.tf ]] && continue
  findings=$("$bin" check --quiet --fail-on none --format json "$path" 2>/dev/null |
    node -e 'let t="";process.stdin.on("data",d=>t+=d).on("end",()=>{const r=JSON.parse(t);for(const f of (r.files||[]))for(const x of (f.findings||[]))
      console.log([x.rule,x.severity,`${x.location.line}:${x.location.column}`,x.location.resource||"",x.location.field,x.suppressed?"suppressed":""].join(" ").trim())})')
  pin="tests/corpus/findings/$name.txt"
  if [[ -n "${UPDATE_GOLDEN:-}" ]]; then
    mkdir -p tests/corpus/findings && printf '%s\n' "$findings" >"$pin"
  elif ! diff -u "$pin" <(printf '%s\n' "$findings") >/tmp/mlscale-corpus-$$.diff; then
    echo "FAIL $name: findings differ from $pin"; head -40 /tmp/mlscale-corpus-$$.diff; failures=$((failures + 1))
  fi
done
rm -f /tmp/mlscale-corpus-$$.*
echo "corpus: $(ls "$corpus" | grep -vc SOURCES.md) files, $failures failure(s)"
[[ $failures == 0 ]]
