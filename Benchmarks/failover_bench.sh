#!/usr/bin/env bash
# A killed node's participants, back in their meetings (issue 14): two nodes
# on one PostgreSQL (127.0.0.2 and 127.0.0.3, in a private network namespace),
# `parley loadtest` participants joined through alpha (so their rooms run
# there), then alpha killed with SIGKILL. Each participant's socket drops and
# it comes back as the page does: `resume` through beta (as a load balancer
# would send it), retried with backoff until beta, seeing alpha dead after
# three missed heartbeats, takes the meeting. Prints the generator's report:
# "back in the meeting" and "media again" p50 and p95 are the figures.
#   Benchmarks/failover_bench.sh [--binary PATH] [loadtest flags...]
set -euo pipefail
if [ "${PARLEY_IN_NETNS:-}" != 1 ]; then
  export PARLEY_IN_NETNS=1
  exec "$(dirname "$0")/../scripts/in-private-netns.sh" "$0" "$@"
fi
if [ -z "${PARLEY_TEST_POSTGRES_URL:-}" ]; then
  exec "$(dirname "$0")/../scripts/with-postgres.sh" 5439 "$0" "$@"
fi
binary=.build-release/release/parley
if [ "${1:-}" = --binary ]; then binary=$2; shift 2; fi
[ -x "$binary" ] || { echo "no binary at $binary (make bench-failover builds it)" >&2; exit 2; }
work=$(mktemp -d /tmp/parley-failover-bench.XXXXXX)
pids=()
trap 'for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done; rm -rf "$work"' EXIT
heartbeat=1
shape=(--rooms 2 --publishers 2 --subscribers 6 --duration 35 --warmup 1 "$@")

wait_for() { for _ in $(seq 1 300); do curl -sf "$1" > /dev/null && return 0; sleep 0.1; done; return 1; }
node() {  # name address
  mkdir -p "$work/$1"
  "$binary" serve --http "$2:8080" --media "$2:0" --sip off --data-dir "$work/$1" --database-url "$PARLEY_TEST_POSTGRES_URL" \
    --set accounts.bcrypt_cost=4 --set "cluster.node_name=$1" --set "cluster.heartbeat_seconds=$heartbeat" \
    > "$work/$1/parley.log" 2>&1 &
  pids+=($!)
  wait_for "http://$2:8080/readyz"
}
node alpha 127.0.0.2; alpha=${pids[0]}
node beta 127.0.0.3
echo "two nodes (heartbeat ${heartbeat} s); loadtest ${shape[*]} through alpha, coming back through beta"

"$binary" loadtest --server http://127.0.0.2:8080 --resume-through http://127.0.0.3:8080 --quiet "${shape[@]}" \
  > "$work/report.txt" &
generator=$!
# Everyone in and media flowing (16 joins at 5/s, plus a margin), then the kill.
sleep 10
echo "killing alpha (SIGKILL)"
kill -9 "$alpha"
wait "$generator"
cat "$work/report.txt"
grep -q "^comebacks:" "$work/report.txt" || { echo "nobody came back: see $work" >&2; trap - EXIT; exit 1; }
