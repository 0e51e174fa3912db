#!/usr/bin/env bash
# One meeting across two nodes (issue 14, rooms that span nodes): two nodes
# on one PostgreSQL (127.0.0.2 and 127.0.0.3, in a private network
# namespace), one meeting of `parley loadtest` participants, all joined
# through alpha, measured twice:
#   1. alpha keeps everyone's media (its capacity is the default 300);
#   2. alpha is full past 12 people (cluster.node_capacity=12,
#      media_spill_percent=100): the rest have their media on beta, each
#      publisher's tracks cross to beta once.
# Prints, for each, the generator's report (every track received? loss,
# delay) and the CPU seconds each node used over the run (from /proc).
#   Benchmarks/spanning_bench.sh [--binary PATH] [loadtest flags...]
set -euo pipefail
if [ "${PARLEY_IN_NETNS:-}" != 1 ]; then
  export PARLEY_IN_NETNS=1
  exec "$(dirname "$0")/../scripts/in-private-netns.sh" "$0" "$@"
fi
if [ -z "${PARLEY_TEST_POSTGRES_URL:-}" ]; then
  exec "$(dirname "$0")/../scripts/with-postgres.sh" 5440 "$0" "$@"
fi
binary=.build-release/release/parley
if [ "${1:-}" = --binary ]; then binary=$2; shift 2; fi
[ -x "$binary" ] || { echo "no binary at $binary (make bench-spanning builds it)" >&2; exit 2; }
work=$(mktemp -d /tmp/parley-spanning-bench.XXXXXX)
pids=()
stop_nodes() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; pids=(); }
trap 'stop_nodes; rm -rf "$work"' EXIT
shape=(--rooms 1 --publishers 2 --subscribers 22 --ramp-rate 8 --duration 20 --warmup 2 "$@")
ticks=$(getconf CLK_TCK)

wait_for() { for _ in $(seq 1 300); do curl -sf "$1" > /dev/null && return 0; sleep 0.1; done; return 1; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
node() {  # name address [more serve flags]
  local name=$1 address=$2; shift 2
  mkdir -p "$work/$name"
  "$binary" serve --http "$address:8080" --media "$address:0" --sip off --data-dir "$work/$name" \
    --database-url "$PARLEY_TEST_POSTGRES_URL" --set accounts.bcrypt_cost=4 --set "cluster.node_name=$name" \
    --set cluster.heartbeat_seconds=1 "$@" > "$work/$name/parley.log" 2>&1 &
  pids+=($!)
  wait_for "http://$address:8080/readyz"
}

measure() {  # label [alpha's extra flags]
  local label=$1; shift
  node alpha 127.0.0.2 "$@"; local alpha=${pids[0]}
  node beta 127.0.0.3; local beta=${pids[1]}
  local a0 b0; a0=$(cpu_ticks "$alpha"); b0=$(cpu_ticks "$beta")
  "$binary" loadtest --server http://127.0.0.2:8080 --quiet "${shape[@]}" > "$work/report.txt"
  local a1 b1; a1=$(cpu_ticks "$alpha"); b1=$(cpu_ticks "$beta")
  local spilled; spilled=$(grep -c "participant's media attached to another node" "$work/alpha/parley.log" || true)
  echo "== $label"
  grep -E "^(load|tracks|loss|join):|^one-way delay" "$work/report.txt" | sed 's/^/   /'
  awk -v a=$((a1 - a0)) -v b=$((b1 - b0)) -v t="$ticks" -v s="$spilled" \
    'BEGIN { printf "   CPU over the run: alpha %.1f s, beta %.1f s (total %.1f s); media on beta: %d participants\n", a/t, b/t, (a+b)/t, s }'
  stop_nodes
  rm -rf "$work/alpha" "$work/beta"
}

echo "one meeting, loadtest ${shape[*]} through alpha (release build, 2 cores shared with the generator)"
measure "alpha holds everyone's media"
measure "alpha full past 12 people: the rest on beta" --set cluster.node_capacity=12 --set cluster.media_spill_percent=100
