#!/usr/bin/env bash
# Builds the fuzz targets with libFuzzer and AddressSanitizer, replays every committed
# regression input, then fuzzes each reader for SECONDS (default 60) from the seed corpus with
# its dictionary. Fails on any crash, sanitizer report, leak, timeout (5 s per input) or
# out-of-memory (2 GB). `.ci/run` runs it; see README.md here.
#
#   Fuzz/fuzz.sh [SECONDS] [TARGET ...]      (targets: gzip idx safetensors model-file csv keras-file hdf5)
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(gzip idx safetensors model-file csv keras-file hdf5)

# SwiftPM hands `--sanitize=fuzzer --sanitize=address` to the compiler as separate flags in an
# order that varies from run to run, and the Swift frontend then keeps only one of them: some
# builds came out without coverage. Passing both in one compiler flag as well makes every build
# instrumented; `--sanitize` still links libFuzzer and the sanitizer runtimes.
swift build -c release --sanitize=fuzzer --sanitize=address -Xswiftc -sanitize=fuzzer,address \
  --product strata-fuzz --scratch-path .build-fuzz 2>&1 |
  grep -v "Cannot export local symbol '__asan_extra_spill_area'"
fuzzer="$(swift build -c release --sanitize=fuzzer --sanitize=address --scratch-path .build-fuzz \
  --show-bin-path)/strata-fuzz"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
options=(-rss_limit_mb=2048 -timeout=5 -artifact_prefix="$work/")

for target in "${targets[@]}"; do
  export STRATA_FUZZ_TARGET=$target
  regressions=(regressions/"$target"-*)
  if [ -e "${regressions[0]}" ]; then
    echo "== $target: ${#regressions[@]} regression inputs"
    "$fuzzer" "${options[@]}" "${regressions[@]}" > "$work/replay.log" 2>&1 ||
      { cat "$work/replay.log"; echo "fuzz target $target crashed on a regression input" >&2; exit 1; }
  fi
  echo "== $target: fuzzing for $seconds s"
  mkdir -p "$work/$target"
  cp corpus/"$target"/* "$work/$target/"
  if ! "$fuzzer" "${options[@]}" -max_total_time="$seconds" -print_final_stats=1 \
    -dict="dictionaries/$target.dict" "$work/$target" > "$work/$target.log" 2>&1; then
    tail -60 "$work/$target.log"
    for artifact in "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-*; do
      [ -e "$artifact" ] || continue
      echo "reproducer ($(basename "$artifact")), base64:" >&2
      base64 "$artifact" | head -c 20000 >&2
    done
    echo "fuzz target $target failed" >&2
    exit 1
  fi
  if grep -q "Is the code instrumented for coverage" "$work/$target.log"; then
    echo "fuzz target $target saw no coverage: the build is not instrumented (remove Fuzz/.build-fuzz and retry)" >&2
    exit 1
  fi
  runs=$(grep -m1 "stat::number_of_executed_units" "$work/$target.log" | awk '{print $2}')
  coverage=$(grep -E "^#[0-9]+.*(DONE|cov:)" "$work/$target.log" | tail -1 | sed -E 's/.*cov: ([0-9]+).*/\1/')
  echo "$target: $runs runs, $coverage coverage points (edges), no findings"
done
