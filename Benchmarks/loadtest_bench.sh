#!/usr/bin/env bash
# Browserless media load on a release `parley` (issue 13): starts the server
# pinned to CPU 0 and `parley loadtest` pinned to CPU 1 in a private network
# namespace (loopback only), and prints the generator's report with the
# server's CPU per forwarded packet and RSS. Any flags go to `parley loadtest`
# (defaults below: 2 rooms × 2 publishers × 4 subscribers, 20 s).
#   Benchmarks/loadtest_bench.sh [--binary PATH] [loadtest flags...]
set -euo pipefail
if [ "${PARLEY_IN_NETNS:-}" != 1 ]; then
  export PARLEY_IN_NETNS=1
  exec "$(dirname "$0")/../scripts/in-private-netns.sh" "$0" "$@"
fi
binary=.build-release/release/parley
if [ "${1:-}" = --binary ]; then binary=$2; shift 2; fi
[ -x "$binary" ] || { echo "no binary at $binary (make bench-loadtest builds it)" >&2; exit 2; }
work=$(mktemp -d /tmp/parley-loadtest-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
cores=$(nproc)
server_cpus=0; generator_cpus=$(( cores > 1 ? 1 : 0 ))
taskset -c "$server_cpus" "$binary" serve --http 127.0.0.1:8080 --data-dir "$work/data" --media 127.0.0.1:40000 \
  --sip off --set accounts.bcrypt_cost=4 > "$work/parley.log" 2>&1 &
pid=$!
for _ in $(seq 1 300); do curl -sf http://127.0.0.1:8080/healthz > /dev/null && break; sleep 0.1; done
echo "parley pid $pid on CPU $server_cpus; generator on CPU $generator_cpus ($cores cores)"
status=0
taskset -c "$generator_cpus" "$binary" loadtest --server http://127.0.0.1:8080 --server-pid "$pid" \
  --rooms 2 --publishers 2 --subscribers 4 --duration 20 "$@" || status=$?
kill -TERM "$pid"; wait "$pid" || true
grep -ciE '\b(warning|error|critical)\b' "$work/parley.log" | xargs -I{} echo "server log: {} warning/error line(s)"
exit $status
