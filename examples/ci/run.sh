#!/usr/bin/env bash
# Runs what each CI example runs, locally, against the proposal fixtures: the mlscale action's
# check step with the inputs of github-actions.yml, the commands of github-actions-release.yml and
# of the GitLab job, and the pre-commit hook's entry (.pre-commit-hooks.yaml), with their outputs
# checked for shape. (tests/release covers the action's install step, the hook's file selection
# under pre-commit itself, and the validity of the workflows.)
# Usage: examples/ci/run.sh MLSCALE_BINARY [WORKDIR]
set -euo pipefail
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
work=${2:-$(mktemp -d)}
root=$(cd "$(dirname "$0")/../.." && pwd)
infra="$root/tests/data/proposals"
# The work directory stands for the repository a CI job checks out (check reports paths from its top).
mkdir -p "$work/infra" "$work/.git"
cp "$infra/main.tf" "$infra/plan.json" "$infra/cfn-notebook.yaml" "$infra/ctj-spot-no-checkpoint.json" "$work/infra/"
cd "$work"
# The sample infrastructure has real problems (spot without checkpoints, a notebook on the
# internet): with --fail-on high the gate must close (exit 1), never error (2) or crash (3).
expect_findings() { local rc=0; "$@" || rc=$?; [[ $rc -eq 1 ]] || { echo "expected exit 1 (findings), got $rc: $*" >&2; exit 1; }; }
# The action (github-actions.yml): its check step with the example's inputs.
action_input() { sed -n "s/^ *$1: //p" "$root/examples/ci/github-actions.yml"; }
grep -q 'uses: mlscale/mlscale@v' "$root/examples/ci/github-actions.yml"
[[ $(action_input paths) == infra/ && $(action_input fail-on) == high ]]
rm -f action.out
MLSCALE_BINARY="$bin" MLSCALE_PATHS=$(action_input paths) MLSCALE_FAIL_ON=$(action_input fail-on) GITHUB_OUTPUT=action.out \
  "$root/scripts/action-check" >action.log
grep -qx 'exit-code=1' action.out
grep -q '^::error file=infra/' action.log
node -e 'const s=JSON.parse(require("fs").readFileSync("mlscale.sarif"));if(s.version!=="2.1.0")process.exit(1)'
# The commands, as written in the examples.
rm -f mlscale.sarif
grep -q 'mlscale check infra/ --format sarif -o mlscale.sarif --fail-on none' "$root/examples/ci/github-actions-release.yml"
"$bin" check infra/ --format sarif -o mlscale.sarif --fail-on none
node -e 'const s=JSON.parse(require("fs").readFileSync("mlscale.sarif"));if(s.version!=="2.1.0")process.exit(1)'
grep -q 'mlscale check infra/ --format github --fail-on high' "$root/examples/ci/github-actions-release.yml"
expect_findings "$bin" check infra/ --format github --fail-on high >annotations.txt
grep -q '^::error file=infra/' annotations.txt
grep -q 'mlscale check infra/ --format junit -o mlscale-junit.xml --fail-on high' "$root/examples/ci/gitlab-ci.yml"
expect_findings "$bin" check infra/ --format junit -o mlscale-junit.xml --fail-on high
grep -q '<testsuites name="mlscale check"' mlscale-junit.xml
grep -q '<failure' mlscale-junit.xml
# pre-commit passes the changed files as arguments.
PATH="$(dirname "$bin"):$PATH"
entry=$(grep -m 1 '^  entry: ' "$root/.pre-commit-hooks.yaml" | sed 's/^  entry: //')
expect_findings $entry infra/main.tf infra/plan.json >/dev/null
echo "CI examples ran in $work"
