#!/usr/bin/env bash
# The release files that only their hosts run, checked with the linters those hosts' users run
# (npm, installed by scripts/install-test-tools):
#   lint.sh action SOURCE_DIR WORKDIR      action.yml and every GitHub workflow (examples/ci,
#                                          .github/workflows) pass @action-validator/cli; every
#                                          input of action.yml reaches a step, and every input a
#                                          step uses is declared; a broken action is rejected
#   lint.sh dockerfile SOURCE_DIR WORKDIR  the Dockerfile passes dockerfilelint; a bad one does not
#   lint.sh docs SOURCE_DIR WORKDIR        docs/install.md passes markdownlint-cli2 (the project's
#                                          settings) and names the artefacts (package.sh checks
#                                          that scripts/release makes them under these names)
set -euo pipefail
mode=$1 root=$2 work=$3
tools=$root/tests/tools/node_modules
fail() { echo "FAIL: $*" >&2; exit 1; }
rm -rf "$work" && mkdir -p "$work"

case "$mode" in
  action)
    validator=$tools/.bin/action-validator
    [[ -x $validator ]] || fail "@action-validator/cli is not installed: run scripts/install-test-tools"
    files=("$root/action.yml" "$root"/examples/ci/github-actions*.yml "$root"/.github/workflows/*.yml)
    for file in "${files[@]}"; do
      "$validator" "$file" || fail "${file#"$root"/} does not validate"
      echo "valid: ${file#"$root"/}"
    done
    # The validator rejects what GitHub would: a step without shell, an unknown key.
    sed 's/^      shell: bash$/      shel: bash/' "$root/action.yml" >"$work/action.yml"
    "$validator" "$work/action.yml" >"$work/broken.log" 2>&1 && fail "action-validator accepted a step without shell"
    grep -q "Additional property 'shel' is not allowed" "$work/broken.log" || { cat "$work/broken.log"; fail "unexpected error"; }
    # Inputs and steps agree (what the validator cannot see).
    node - "$tools" "$root/action.yml" <<'JS'
const [tools, file] = process.argv.slice(2);
const yaml = require(`${tools}/js-yaml`);
const action = yaml.load(require("fs").readFileSync(file, "utf8"));
const steps = JSON.stringify(action.runs.steps);
const declared = Object.keys(action.inputs);
const used = [...new Set([...steps.matchAll(/inputs\.([a-z-]+)/g)].map(m => m[1]))];
const problems = [
  ...declared.filter(name => !used.includes(name)).map(name => `input ${name} is declared but no step uses it`),
  ...used.filter(name => !declared.includes(name)).map(name => `a step uses input ${name}, which is not declared`),
  ...declared.filter(name => !action.inputs[name].description).map(name => `input ${name} has no description`),
];
for (const [name, output] of Object.entries(action.outputs)) {
  const step = /steps\.([a-z-]+)\.outputs/.exec(output.value);
  if (!step || !action.runs.steps.some(s => s.id === step[1])) problems.push(`output ${name} names no step`);
}
problems.forEach(p => console.error(p));
process.exit(problems.length ? 1 : 0);
JS
    # Every MLSCALE_ variable the steps set is one that their script reads.
    for variable in $(grep -o 'MLSCALE_[A-Z_]*:' "$root/action.yml" | tr -d : | sort -u); do
      grep -q "$variable" "$root/scripts/action-install" "$root/scripts/action-check" ||
        fail "action.yml sets $variable, which neither script reads"
    done
    echo "action.yml: inputs, outputs and steps agree"
    ;;
  dockerfile)
    lint=$tools/.bin/dockerfilelint
    [[ -x $lint ]] || fail "dockerfilelint is not installed: run scripts/install-test-tools"
    "$lint" "$root/Dockerfile" || fail "the Dockerfile has lint issues"
    printf 'FROM debian\nRUN apt-get update && apt-get install curl\n' >"$work/Dockerfile"
    "$lint" "$work/Dockerfile" >"$work/bad.log" 2>&1 && fail "dockerfilelint accepted an untagged base and an interactive apt-get"
    grep -q "Base Image Missing" "$work/bad.log" || { cat "$work/bad.log"; fail "unexpected dockerfilelint output"; }
    # What the Dockerfile builds with must be in the build context (.dockerignore keeps it out otherwise).
    grep -qx 'scripts' "$root/.dockerignore" && fail ".dockerignore leaves out scripts/"
    grep -q '^RUN scripts/release ' "$root/Dockerfile" || fail "the Dockerfile does not build with scripts/release"
    ;;
  docs)
    lint=$tools/.bin/markdownlint-cli2
    [[ -x $lint ]] || fail "markdownlint-cli2 is not installed: run scripts/install-test-tools"
    (cd "$root" && "$lint" --config .markdownlint-cli2.jsonc docs/install.md)
    for artefact in 'mlscale-VERSION-linux-x86_64.tar.gz' 'mlscale_VERSION-1_amd64.deb' SHA256SUMS; do
      grep -qF "$artefact" "$root/docs/install.md" || fail "docs/install.md does not name $artefact"
    done
    ;;
  *) fail "unknown mode $mode (action, dockerfile or docs)" ;;
esac
