#!/usr/bin/env bash
# Parley needs a Swift 6.1 or newer toolchain (swift.org ships them for Debian 12).
set -euo pipefail
if ! command -v swift >/dev/null 2>&1; then
  for d in /opt/swift/usr/bin /usr/share/swift/usr/bin; do
    [ -x "$d/swift" ] && { echo "Swift is at $d but not on PATH: export PATH=$d:\$PATH" >&2; exit 1; }
  done
  echo "Swift is not installed. Install a Swift 6.1+ toolchain for Debian 12 from swift.org and put it on PATH." >&2
  exit 1
fi
