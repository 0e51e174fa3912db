#!/usr/bin/env bash
# Builds Parley's libFuzzer targets (the separate package in Fuzz/) and runs each
# for a while, starting from its seed corpus.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]
#
# SECONDS per target defaults to 60; TARGETs default to all of them (FuzzTOML,
# FuzzLocalDateTime, FuzzRecurrenceRule, FuzzICalendar, FuzzSTUN, FuzzRTP, FuzzRTCP, FuzzSDP, FuzzDTLS,
# FuzzPhoneSDP, FuzzDialplan, FuzzMatroskaScan, FuzzDepacketizers, FuzzRFC4571, FuzzPipeWire). Each run works on a copy
# of Fuzz/Corpus/<TARGET>, so new inputs never land in the repository. Crash,
# timeout and out-of-memory inputs are written to Fuzz/crashes/<TARGET>/
# (ignored by git: Fuzz/.gitignore; not under .build, whose artifacts/ SwiftPM
# prunes); the script prints their paths and exits non-zero if any
# target failed. FUZZ_KEEP_CORPUS=1 keeps the grown corpora (the path is printed).
# Extra libFuzzer flags can be passed in FUZZ_FLAGS, e.g. FUZZ_FLAGS=-jobs=2.
#
# Reproduce a crash:  Fuzz/.build/debug/<TARGET> <crash-file>
# Explain it:         FUZZ_VERBOSE=1 Fuzz/.build/debug/<TARGET> <crash-file>
set -euo pipefail

cd "$(dirname "$0")/.."
scripts/check-swift.sh

ALL_TARGETS=(FuzzTOML FuzzLocalDateTime FuzzRecurrenceRule FuzzICalendar FuzzSTUN FuzzRTP FuzzRTCP FuzzSDP FuzzDTLS FuzzPhoneSDP FuzzDialplan FuzzMatroskaScan FuzzDepacketizers FuzzRFC4571 FuzzPipeWire)
SECONDS_PER_TARGET=60
if [ $# -gt 0 ] && [[ $1 =~ ^[0-9]+$ ]]; then
  SECONDS_PER_TARGET=$1
  shift
fi
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=("${ALL_TARGETS[@]}")
for target in "${TARGETS[@]}"; do
  if [[ ! " ${ALL_TARGETS[*]} " =~ \ $target\  ]]; then
    echo "fuzz.sh: unknown target '$target' (known: ${ALL_TARGETS[*]})" >&2
    exit 2
  fi
done

# Swift 6.3 on Linux: -sanitize=fuzzer instruments for coverage and links
# libFuzzer; -parse-as-library because the targets use @main (see
# Fuzz/Sources/FuzzSupport/FuzzDriver.swift). The gold linker warns about every
# ASan-local symbol it cannot export; those lines are noise and are dropped.
BUILD=(swift build --package-path Fuzz --scratch-path Fuzz/.build -c debug
       -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library)
echo "==> ${BUILD[*]}"
build_status=0
for target in "${TARGETS[@]}"; do
  set +e
  "${BUILD[@]}" --product "$target" 2>&1 | grep -v "warning: Cannot export local symbol"
  [ "${PIPESTATUS[0]}" -eq 0 ] || build_status=1
  set -e
done
[ $build_status -eq 0 ] || { echo "fuzz.sh: the build failed" >&2; exit 1; }
BIN=Fuzz/.build/debug

# Swift's own crash backtracer reads the stack in a way ASan reports as an
# overflow and then hangs; libFuzzer's handler prints the stack instead.
export SWIFT_BACKTRACE=enable=no

WORK=$(mktemp -d -t parley-fuzz.XXXXXX)
if [ "${FUZZ_KEEP_CORPUS:-0}" = 1 ]; then
  trap 'echo "corpora kept in $WORK"' EXIT
else
  trap 'rm -rf "$WORK"' EXIT
fi

failed=()
summary=()
for target in "${TARGETS[@]}"; do
  corpus="$WORK/$target"
  artifacts="Fuzz/crashes/$target"
  mkdir -p "$corpus" "$artifacts"
  cp Fuzz/Corpus/"$target"/* "$corpus"/
  flags=(-max_total_time="$SECONDS_PER_TARGET" -timeout=20 -rss_limit_mb=4096
         -print_final_stats=1 -artifact_prefix="$artifacts/")
  [ -f "Fuzz/Dictionaries/$target.dict" ] && flags+=(-dict="Fuzz/Dictionaries/$target.dict")
  # shellcheck disable=SC2206
  flags+=(${FUZZ_FLAGS:-})
  log="$WORK/$target.log"
  before=$(find "$artifacts" -type f ! -name '*.log' | sort)
  echo "==> $target for ${SECONDS_PER_TARGET}s (log: $log)"
  status=0
  "$BIN/$target" "${flags[@]}" "$corpus" >"$log" 2>&1 || status=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  if [ -z "$execs" ]; then # -fork=N prints progress lines "#N: cov: … exec/s: R …" instead
    execs=$(sed -n 's/^#\([0-9]*\): cov:.*/\1/p' "$log" | tail -1)
    rate=$(sed -n 's/^#[0-9]*: cov:.* exec\/s: \([0-9]*\).*/\1/p' "$log" | tail -1)
  fi
  summary+=("$target: ${execs:-?} executions (${rate:-?}/s), exit $status")
  # With -fork=N -ignore_crashes=1 libFuzzer exits 0 after saving crashes, so
  # new artifacts count as a failure too.
  new=$(comm -13 <(echo "$before") <(find "$artifacts" -type f ! -name '*.log' | sort))
  if [ $status -ne 0 ] || [ -n "$new" ]; then
    failed+=("$target")
    echo "!!! $target failed (exit $status):"
    grep -E "FUZZ PROPERTY BROKEN|Fatal error|ERROR: (libFuzzer|AddressSanitizer)|SUMMARY:" "$log" | sort -u | head -5 || true
    # A seed that crashes is written again under its old name, so also take
    # the paths libFuzzer reports.
    written=$(sed -n 's/.*Test unit written to \([^ ]*\)$/\1/p' "$log")
    for input in $(printf '%s\n' $new $written | sort -u); do
      echo "    input:     $input"
      echo "    reproduce: $BIN/$target $input"
    done
    echo "    full log:  $artifacts/$target.log"
    cp "$log" "$artifacts/$target.log"
  fi
done

echo
echo "==> summary"
printf '    %s\n' "${summary[@]}"
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz.sh: ${failed[*]} found a crash; inputs are in Fuzz/crashes/" >&2
  exit 1
fi
