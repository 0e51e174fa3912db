#!/usr/bin/env bash
# Runs a command in a new network namespace whose only interface is loopback,
# so nothing it starts (Parley, Chromium, PostgreSQL) can reach another address.
set -euo pipefail
exec unshare --net -- sh -c 'ip link set lo up && exec "$@"' sh "$@"
