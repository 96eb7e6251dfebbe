#!/usr/bin/env bash
# Runs what each CI example runs, locally, against the proposal fixtures: the commands of the
# GitHub workflow, the GitLab job and the pre-commit hook, with their outputs checked for shape.
# Usage: examples/ci/run.sh MLSCALE_BINARY [WORKDIR]
set -euo pipefail
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
work=${2:-$(mktemp -d)}
root=$(cd "$(dirname "$0")/../.." && pwd)
infra="$root/tests/data/proposals"
mkdir -p "$work/infra"
cp "$infra/main.tf" "$infra/plan.json" "$infra/cfn-notebook.yaml" "$infra/ctj-spot-no-checkpoint.json" "$work/infra/"
cd "$work"
# The commands, as written in the examples.
grep -q 'mlscale check infra/ --format sarif -o mlscale.sarif --fail-on none' "$root/examples/ci/github-actions.yml"
"$bin" check infra/ --format sarif -o mlscale.sarif --fail-on none
node -e 'const s=JSON.parse(require("fs").readFileSync("mlscale.sarif"));if(s.version!=="2.1.0")process.exit(1)'
grep -q 'mlscale check infra/ --format github --fail-on high' "$root/examples/ci/github-actions.yml"
# The sample infrastructure has real problems (spot without checkpoints, a notebook on the
# internet): with --fail-on high the gate must close (exit 1), never error (2) or crash (3).
expect_findings() { local rc=0; "$@" || rc=$?; [[ $rc -eq 1 ]] || { echo "expected exit 1 (findings), got $rc: $*" >&2; exit 1; }; }
expect_findings "$bin" check infra/ --format github --fail-on high >annotations.txt
grep -q '^::error file=infra/' annotations.txt
grep -q 'mlscale check infra/ --format junit -o mlscale-junit.xml --fail-on high' "$root/examples/ci/gitlab-ci.yml"
expect_findings "$bin" check infra/ --format junit -o mlscale-junit.xml --fail-on high
grep -q '<testsuites name="mlscale check"' mlscale-junit.xml
grep -q '<failure' mlscale-junit.xml
# pre-commit passes the changed files as arguments.
PATH="$(dirname "$bin"):$PATH"
entry=$(sed -n 's/^  entry: //p' "$root/examples/ci/.pre-commit-hooks.yaml")
expect_findings $entry infra/main.tf infra/plan.json >/dev/null
echo "CI examples ran in $work"
