#!/usr/bin/env bash
# Proves that docs/job.schema.json and the job loader agree: every example and every bad-input
# case gets the same verdict (valid or not) from mlscale and from ajv, an independent JSON Schema
# 2020-12 validator. The few inputs where mlscale is stricter than any JSON Schema can be are
# listed below, each with the reason; for those mlscale must reject and ajv must accept.
# Usage: agree.sh MLSCALE_BINARY SOURCE_DIR
set -uo pipefail
binary=$1
root=$2
if [[ ! -d "$root/tests/tools/node_modules/ajv" ]]; then
  echo "ajv is not installed: run scripts/install-test-tools (scripts/test does)" >&2
  exit 1
fi

declare -A stricter=(
  [duplicate-key.json]="JSON allows duplicate keys (JSON.parse keeps the last); mlscale refuses them"
  [deep-nesting.json]="x- fields are free in the schema; mlscale refuses nesting deeper than 64 levels"
  [unknown-instance.json]="the instance type is well-formed; it is unknown to the catalogue, not to the schema"
  [invalid-utf8.json]="Node's reader replaces invalid UTF-8 with U+FFFD; mlscale refuses the bytes"
  [split-over-100.json]="each share is within 0-100; their sum is a rule across fields (src/core/job.cpp)"
  [largest-file-above-dataset.json]="each size is valid; one larger than the other is a rule across fields (src/core/job.cpp)"
  [notebook-internet-contradiction.json]="each flag is valid; two that disagree are a rule across fields (src/core/job.cpp)"
  [observed-above-peak.json]="a valid rate; above the named instance's physical peak per the catalogue (src/model/plausibility.cpp)"
  [observed-above-peak-one-gpu.json]="a valid rate; above the named instance's physical peak per the catalogue (src/model/plausibility.cpp)"
  [observed-hours-beyond-peak.json]="valid hours; meaning a rate above the named instance's physical peak per the catalogue (src/model/plausibility.cpp)"
  [gpu-memory-above-gpu.json]="a valid size; above the named instance's GPU memory per the catalogue (src/model/plausibility.cpp)"
  [inference-only-instance.json]="well-formed instance types; inference-only per the catalogue (src/model/plausibility.cpp)"
  [fp8-without-fp8.json]="a valid precision; not one the named instance's GPU has (src/model/plausibility.cpp)"
  [bf16-on-v100.json]="a valid precision; not one the named instance's GPU has (src/model/plausibility.cpp)"
  [unknown-family.json]="a well-formed family; unknown to the catalogue, not to the schema"
  [unknown-model-moe.json]="a well-formed model name; unknown to the catalogue, not to the schema"
  [efs-elastic-max-io.json]="each mode is valid; Elastic with Max I/O is a rule across fields (src/model/plausibility.cpp)"
  [fsx-hdd-scratch.json]="each value is valid; the combination is not one the catalogue's FSx rows offer (src/model/plausibility.cpp)"
  [ebs-iops-on-gp2.json]="a valid count; gp2 takes none, a rule across fields (src/model/plausibility.cpp)"
  [ebs-throughput-on-io1.json]="a valid MiB/s; only gp3 provisions throughput, a rule across fields (src/model/plausibility.cpp)"
  [experts-per-token-above-experts.json]="each count is valid; a top-k above the experts is a rule across fields (src/core/job.cpp)"
  [mean-seq-len-above-seq-len.json]="each length is valid; a mean above the longest is a rule across fields (src/core/job.cpp)"
  [context-parallel-above-gpus.json]="a valid degree; above the GPUs of today's instances per the catalogue (src/model/plausibility.cpp)"
  [model-split-data-parallel.json]="a valid degree and a valid distribution; a pipeline split under data parallelism is a rule across fields (src/model/plausibility.cpp)"
  [model-split-above-gpus.json]="valid degrees; their product above the GPUs of today's instances per the catalogue (src/model/plausibility.cpp)"
)

files=()
for file in "$root"/examples/*.json "$root"/tests/cli/bad/*.json "$root"/tests/schema/cases/*.json; do
  [[ -f "$file" ]] && files+=("$file")
done
# One Node process validates every file with ajv; it prints "FILE valid" or "FILE invalid".
declare -A ajv_verdict=()
while read -r path verdict; do
  ajv_verdict[$path]=$verdict
done < <(node "$root/tests/schema/validate.js" "$root/docs/job.schema.json" "${files[@]}")

failures=0
checked=0
for file in "${files[@]}"; do
  name=$(basename "$file")
  "$binary" --quiet validate "$file" >/dev/null 2>&1
  mlscale_valid=$([[ $? -eq 0 ]] && echo yes || echo no)
  case "${ajv_verdict[$file]:-}" in
    valid) ajv_valid=yes ;;
    invalid) ajv_valid=no ;;
    *) ajv_valid=no ;; # ajv could not even parse it
  esac
  checked=$((checked + 1))
  if [[ -n "${stricter[$name]:-}" ]]; then
    if [[ $mlscale_valid != no || $ajv_valid != yes ]]; then
      echo "FAIL $name: expected mlscale to reject and ajv to accept (${stricter[$name]}); mlscale valid=$mlscale_valid, ajv valid=$ajv_valid"
      failures=$((failures + 1))
    fi
  elif [[ $mlscale_valid != "$ajv_valid" ]]; then
    echo "FAIL $name: mlscale valid=$mlscale_valid, ajv valid=$ajv_valid"
    failures=$((failures + 1))
  fi
done
echo "schema agreement: $checked files, $failures disagreements"
[[ $checked -gt 0 && $failures -eq 0 ]]
