#!/usr/bin/env bash
# The pre-commit hook (.pre-commit-hooks.yaml) as pre-commit itself runs it (`pre-commit try-repo`
# on this source tree, uncommitted changes included): in a repository holding proposals and the
# usual files of other tools, mlscale receives the proposals and nothing else, and the hook fails
# the commit on their findings (exit 1 from mlscale), naming them; and every real proposal of
# ../shared/corpus/real (when it is there) reaches mlscale.
# Usage: pre_commit.sh SOURCE_DIR MLSCALE_BINARY WORKDIR   (exit 77: skipped, see below)
set -euo pipefail
root=$1 binary=$2 work=$3
command -v pre-commit >/dev/null || { echo "pre-commit is not installed (Debian: apt-get install pre-commit)"; exit 77; }
git -C "$root" rev-parse --git-dir >/dev/null 2>&1 || { echo "$root is not a git work tree: try-repo needs one"; exit 77; }
pre-commit validate-manifest "$root/.pre-commit-hooks.yaml"

rm -rf "$work" && mkdir -p "$work/bin" "$work/repo"
# An mlscale on PATH that records the files it was given, then runs the real one.
cat >"$work/bin/mlscale" <<SH
#!/usr/bin/env bash
printf '%s\n' "\$@" >>"$work/arguments"
exec "$binary" "\$@"
SH
chmod +x "$work/bin/mlscale"

cd "$work/repo"
git init -q .
proposals="$root/tests/data/proposals"
mkdir -p infra/cfn charts/app/templates .github/workflows .vscode schemas
cp "$proposals/main.tf" "$proposals/plan.json" "$proposals/ctj-spot-no-checkpoint.json" infra/
cp "$proposals/cfn-notebook.yaml" infra/cfn/notebook.template
# Files of other tools, each of which mlscale would report as "cannot tell which kind of proposal".
echo '{"name": "web", "version": "1.0.0"}' >package.json
printf '{\n  // comments: JSON for TypeScript only\n  "compilerOptions": {}\n}\n' >tsconfig.json
printf 'name: ci\non: push\njobs: {}\n' >.github/workflows/ci.yml
printf 'repos: []\n' >.pre-commit-config.yaml
printf 'apiVersion: v2\nname: app\nversion: 0.1.0\n' >charts/app/Chart.yaml
printf 'replicas: 1\n' >charts/app/values.yaml
printf '{{- if .Values.replicas }}\napiVersion: v1\nkind: ConfigMap\n{{- end }}\n' >charts/app/templates/config.yaml
printf 'services:\n  web:\n    image: nginx:1.25\n' >docker-compose.yml
echo '{"editor.tabSize": 2}' >.vscode/settings.json
echo '{"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object"}' >schemas/job.schema.json
echo '# infra' >README.md
git add -A

rc=0
PRE_COMMIT_HOME=$work/cache PATH="$work/bin:$PATH" pre-commit try-repo "$root" mlscale-check --all-files --color never \
  >"$work/hook.log" 2>&1 || rc=$?
cat "$work/hook.log"
[[ $rc -eq 1 ]] || { echo "expected the hook to fail on the proposals' findings (pre-commit exit 1), got $rc" >&2; exit 1; }
grep -q 'mlscale check.*Failed' "$work/hook.log"
grep -q 'infra/ctj-spot-no-checkpoint.json' "$work/hook.log"
grep -q 'cannot tell which kind of proposal' "$work/hook.log" && { echo "a file that is no proposal reached mlscale" >&2; exit 1; }
# Exactly the proposals, and each once.
expected=$'infra/cfn/notebook.template\ninfra/ctj-spot-no-checkpoint.json\ninfra/main.tf\ninfra/plan.json'
actual=$(grep -v -e '^check$' -e '^--fail-on$' -e '^high$' "$work/arguments" | sort)
[[ $actual == "$expected" ]] || { printf 'mlscale was given:\n%s\nexpected:\n%s\n' "$actual" "$expected" >&2; exit 1; }
echo "the hook passed the 4 proposals and none of the 11 other files"

# Real proposals (../shared/corpus/real, when it is there): the hook's patterns keep every one.
corpus=$root/../shared/corpus/real
[[ -d $corpus ]] || exit 0
mkdir -p "$work/real" && cd "$work/real"
git init -q .
find "$corpus" -maxdepth 1 -type f \( -name '*.json' -o -name '*.yaml' -o -name '*.yml' -o -name '*.tf' -o -name '*.template' \) \
  -exec cp {} . \;
git add -A
: >"$work/arguments"
PRE_COMMIT_HOME=$work/cache PATH="$work/bin:$PATH" pre-commit try-repo "$root" mlscale-check --all-files --color never \
  >"$work/real.log" 2>&1 || true
expected=$(git ls-files | sort)
actual=$(grep -v -e '^check$' -e '^--fail-on$' -e '^high$' "$work/arguments" | sort)
[[ -n $expected && $actual == "$expected" ]] ||
  { diff <(echo "$expected") <(echo "$actual") >&2; echo "the hook did not pass every real proposal" >&2; exit 1; }
echo "the hook passed all $(wc -l <<<"$expected") real proposals of $corpus"
