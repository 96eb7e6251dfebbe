#!/usr/bin/env bash
# -o writes atomically: a successful run replaces the file; a failed run leaves an existing file
# untouched and creates none; two runs give identical bytes.
# Usage: atomic_output.sh MLSCALE_BINARY SOURCE_DIR
set -euo pipefail
binary=$1
root=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

echo "precious" > "$dir/advice.json"
if "$binary" --quiet advise "$root/tests/cli/bad/wrong-type.json" -o "$dir/advice.json" 2>/dev/null; then
  echo "a bad job must fail"; exit 1
fi
[[ "$(cat "$dir/advice.json")" == precious ]] || { echo "failed run changed the existing file"; exit 1; }
if "$binary" --quiet advise "$root/tests/cli/bad/wrong-type.json" -o "$dir/new.json" 2>/dev/null; then
  echo "a bad job must fail"; exit 1
fi
[[ ! -e "$dir/new.json" ]] || { echo "failed run created a file"; exit 1; }

"$binary" advise "$root/examples/imagenet-resnet50.json" --format json -o "$dir/advice.json"
"$binary" advise "$root/examples/imagenet-resnet50.json" --format json > "$dir/stdout.json"
cmp "$dir/advice.json" "$dir/stdout.json" || { echo "-o and stdout differ"; exit 1; }
"$binary" advise "$root/examples/imagenet-resnet50.json" --format json -o "$dir/again.json"
cmp "$dir/advice.json" "$dir/again.json" || { echo "two runs differ"; exit 1; }
LC_ALL=C.UTF-8 TZ=Pacific/Chatham "$binary" advise "$root/examples/imagenet-resnet50.json" --format json -o "$dir/tz.json"
cmp "$dir/advice.json" "$dir/tz.json" || { echo "output depends on locale or time zone"; exit 1; }
[[ $(ls "$dir" | wc -l) -eq 4 ]] || { echo "temporary files left behind: $(ls "$dir")"; exit 1; }
echo "atomic output: ok"
