#!/usr/bin/env bash
# Every Markdown report mlscale produced in the goldens, and the rendered example report in docs/,
# must be markdownlint-clean (markdownlint-cli2 with the project's .markdownlint-cli2.jsonc).
# Usage: markdown_lint.sh SOURCE_DIR
set -euo pipefail
root=$1
lint="$root/tests/tools/node_modules/.bin/markdownlint-cli2"
[[ -x "$lint" ]] || { echo "markdownlint-cli2 is not installed: run scripts/install-test-tools" >&2; exit 1; }
cd "$root"
files=(tests/cli/golden/*.md)
[[ -f docs/example-report.md ]] && files+=(docs/example-report.md)
[[ -e "${files[0]}" ]] || { echo "no Markdown goldens found" >&2; exit 1; }
"$lint" --config .markdownlint-cli2.jsonc "${files[@]}"
