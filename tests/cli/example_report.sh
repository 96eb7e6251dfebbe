#!/usr/bin/env bash
# docs/example-report.md is what `mlscale report examples/imagenet-resnet50.json` renders today.
# Usage: example_report.sh MLSCALE_BINARY SOURCE_DIR (regenerate with the command in the file's appendix)
set -euo pipefail
binary=$1
cd "$2"
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$binary" report examples/imagenet-resnet50.json -o docs/example-report.md.tmp-check
mv docs/example-report.md.tmp-check "$out"
# The appendix records the command line, which names the output file: compare everything else.
if ! diff -u <(grep -v 'mlscale report' docs/example-report.md) <(grep -v 'mlscale report' "$out"); then
  echo "docs/example-report.md is stale: run build/mlscale report examples/imagenet-resnet50.json -o docs/example-report.md" >&2
  exit 1
fi
