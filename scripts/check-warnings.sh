#!/usr/bin/env bash
# Fails when the compiler warned about Parley's own code (Sources/, Tests/,
# Benchmarks/, Fuzz/) in a build log; dependencies' warnings (.build/checkouts)
# do not count. `make build` writes the log; a cold build (CI's fresh clone)
# compiles every file, so nothing hides in it. An incremental build only
# re-reports the files it recompiled.
#   scripts/check-warnings.sh BUILD_LOG
set -euo pipefail
log="${1:?usage: scripts/check-warnings.sh BUILD_LOG}"
root="$(cd "$(dirname "$0")/.." && pwd)"
# "path:line:col: warning: text", for files of this checkout outside .build.
own=$(grep -E "^(/[^:]*):[0-9]+:[0-9]+: warning: " "$log" \
  | grep -F "$root/" | grep -vF "$root/.build" | sort -u || true)
if [ -n "$own" ]; then
  count=$(printf '%s\n' "$own" | wc -l)
  printf '%s\n' "$own" | sed "s|$root/||" >&2
  echo "The build printed $count warning(s) from Parley's own code (above). Fix them: a warning hides the next one that matters." >&2
  exit 1
fi
echo "No compiler warnings from Parley's own code."
