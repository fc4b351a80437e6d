#!/usr/bin/env bash
# Runs one libFuzzer target for a bounded time (ctest label fuzz). Seeds come from the repository
# (corpus/NAME, and every past finding in regressions/NAME); what the run discovers goes to the
# build tree. Any crash, sanitizer report, leak, timeout or broken property fails the test; the
# input that did it is left in WORK_DIR/artifacts. KASHIM_FUZZ_SECONDS overrides the time.
# Usage: run_fuzzer.sh FUZZER NAME SECONDS SOURCE_DIR WORK_DIR [extra libFuzzer flags]
set -euo pipefail
fuzzer=$1 name=$2 seconds=${KASHIM_FUZZ_SECONDS:-$3} source_dir=$4 work_dir=$5
shift 5
mkdir -p "$work_dir/corpus" "$work_dir/artifacts"
seeds=("$source_dir/corpus/$name")
[[ -d $source_dir/regressions/$name ]] && seeds+=("$source_dir/regressions/$name")
status=0
"$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=8192 -use_value_profile=1 \
  -dict="$source_dir/kashim.dict" -artifact_prefix="$work_dir/artifacts/" -print_final_stats=1 "$@" \
  "$work_dir/corpus" "${seeds[@]}" || status=$?
if ((status != 0)); then
  echo "fuzz_$name: finding (exit $status); inputs in $work_dir/artifacts:" >&2
  ls -l "$work_dir/artifacts" >&2 || true
  echo "reproduce: $fuzzer <input>; keep it as $source_dir/regressions/$name/<name> once fixed" >&2
fi
exit $status
