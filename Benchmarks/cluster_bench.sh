#!/usr/bin/env bash
# Participants a cluster of 1, 2 and 3 nodes carries (issue 14: capacity
# should grow in proportion to the nodes).
#
# This machine has 2 cores for the nodes and the generator together, so
# each node is given the same slice of CPU with a cgroup (v1 `cpu`
# controller, CFS quota: NODE_CPU of a core, in 10 ms periods so a node
# that hits its quota stalls for milliseconds, not tens), as if each ran
# on its own small machine; `parley loadtest` runs outside the cgroups.
# Nodes: 127.0.0.2-4 on one PostgreSQL, in a private network namespace.
# The generator joins every room through alpha's front door; each meeting
# starts on the least stressed node and media goes straight to it.
#
# One node first: rooms (6 people each) grow by STEP_ROOMS until a run
# fails the bar (every participant joins, every track arrives, loss under
# MAX_LOSS %, one-way delay p95 under MAX_DELAY_MS); the last run that held
# is its capacity. Every node of the bigger clusters is then told that
# capacity (`cluster.node_capacity`, as an operator would set it from this
# very measurement), and each size starts at the 1-node capacity times one
# node fewer and grows (or, if that fails, shrinks) by STEP_ROOMS.
#   Benchmarks/cluster_bench.sh [--binary PATH]
# Environment: NODE_CPU (default 0.15), NODES (default "1 2 3"), START_ROOMS
# (default 2), STEP_ROOMS (default 2), MAX_ROOMS (default 40), DURATION (15),
# NODE_CAPACITY (default: what one node held).
set -euo pipefail
if [ "${PARLEY_IN_NETNS:-}" != 1 ]; then
  export PARLEY_IN_NETNS=1
  exec "$(dirname "$0")/../scripts/in-private-netns.sh" "$0" "$@"
fi
if [ -z "${PARLEY_TEST_POSTGRES_URL:-}" ]; then
  exec "$(dirname "$0")/../scripts/with-postgres.sh" 5441 "$0" "$@"
fi
binary=.build-release/release/parley
if [ "${1:-}" = --binary ]; then binary=$2; shift 2; fi
[ -x "$binary" ] || { echo "no binary at $binary (make bench-cluster builds it)" >&2; exit 2; }
cgroot=/sys/fs/cgroup/cpu
[ -w "$cgroot" ] || { echo "needs the cgroup v1 cpu controller at $cgroot, writable (root)" >&2; exit 2; }

node_cpu=${NODE_CPU:-0.15}
sizes=${NODES:-"1 2 3"}
start_rooms=${START_ROOMS:-2}
step_rooms=${STEP_ROOMS:-2}
max_rooms=${MAX_ROOMS:-40}
duration=${DURATION:-15}
max_loss=${MAX_LOSS:-1}
max_delay=${MAX_DELAY_MS:-100}
shape=(--publishers 2 --subscribers 4 --ramp-rate 10 --warmup 2 --duration "$duration")
people_per_room=6
period=10000
quota=$(awk -v c="$node_cpu" -v p="$period" 'BEGIN { printf "%d", c * p }')

work=$(mktemp -d /tmp/parley-cluster-bench.XXXXXX)
pids=()
stop_nodes() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  pids=()
  for g in "$cgroot"/parley-bench-*; do [ -d "$g" ] && rmdir "$g" 2>/dev/null || true; done
}
trap 'stop_nodes; rm -rf "$work"' EXIT

wait_for() { for _ in $(seq 1 300); do curl -sf "$1" > /dev/null && return 0; sleep 0.1; done; return 1; }

node() {  # name address
  local name=$1 address=$2 group="$cgroot/parley-bench-$1"
  mkdir -p "$work/$name" "$group"
  echo "$period" > "$group/cpu.cfs_period_us"
  echo "$quota" > "$group/cpu.cfs_quota_us"
  # The shell enters the cgroup first, so the node starts (and stays) in it.
  ( echo $BASHPID > "$group/cgroup.procs"
    exec "$binary" serve --http "$address:8080" --media "$address:0" --sip off --data-dir "$work/$name" \
      --database-url "$PARLEY_TEST_POSTGRES_URL" --set accounts.bcrypt_cost=4 --set "cluster.node_name=$name" \
      --set cluster.heartbeat_seconds=1 --set media.threads=1 ${node_capacity:+--set cluster.node_capacity=$node_capacity} \
      ) > "$work/$name/parley.log" 2>&1 &
  pids+=($!)
  wait_for "http://$address:8080/readyz"
}

cluster() {  # size
  local names=(alpha beta gamma) i
  for ((i = 0; i < $1; i++)); do node "${names[$i]}" "127.0.0.$((i + 2))"; done
  sleep 2  # every node has heartbeaten: placement sees them all
}

# Runs one load; prints "rooms people held|failed details".
run() {  # rooms size
  /usr/bin/time -f "%e %U %S" -o "$work/generator-time" \
    "$binary" loadtest --server http://127.0.0.2:8080 --quiet --json --rooms "$1" "${shape[@]}" > "$work/report.json" &
  local generator=$! i
  # Mid-run: the media rooms (routers) each node carries; a meeting whose
  # media spans nodes counts on each of them.
  sleep $(( $1 * people_per_room / 10 + 2 + duration / 2 ))
  : > "$work/spread"
  for ((i = 0; i < $2; i++)); do
    echo -n "127.0.0.$((i + 2)):$(curl -s "http://127.0.0.$((i + 2)):8080/metrics" | awk '$1 == "parley_media_rooms" { print $2 }') " >> "$work/spread"
  done
  wait "$generator" || true
  python3 - "$work/report.json" "$1" "$people_per_room" "$max_loss" "$max_delay" "$work/generator-time" <<'PY'
import json, sys
path, rooms, per, max_loss, max_delay = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
try:
    wall, user, system = map(float, open(sys.argv[6]).read().split()[-3:])
    generator = f"generator {100 * (user + system) / wall:.0f} % of a core"
except Exception:
    generator = "generator ?"
try:
    r = json.load(open(path))
except Exception as e:
    print(f"{rooms} {rooms * per} failed no-report"); sys.exit()
delay = r.get("delayP95ms")
held = (r["participantsFailed"] == 0 and r["tracksReceived"] == r["tracksExpected"] and r["lossPercent"] < max_loss
        and delay is not None and delay < max_delay)
print(f"{rooms} {rooms * per} {'held' if held else 'failed'} tracks {r['tracksReceived']}/{r['tracksExpected']} "
      f"loss {r['lossPercent']:.2f}% delay-p95 {delay if delay is None else round(delay, 1)} ms "
      f"failed-joins {r['participantsFailed']} pkt/s-in {r['packetsReceivedPerSecond']:.0f}, {generator}")
PY
}

echo "cluster capacity: each node ${node_cpu} of a core (cgroup), rooms of $people_per_room (2 publishers, 4 subscribers),"
echo "bar: all join, all tracks, loss < ${max_loss} %, delay p95 < ${max_delay} ms; $(nproc) cores shared with the generator"
declare -A capacity
node_capacity=${NODE_CAPACITY:-}
one_node_rooms=0
for size in $sizes; do
  echo "== $size node(s)${node_capacity:+, node_capacity=$node_capacity}"
  best=0
  rooms=$(( size == 1 || one_node_rooms == 0 ? start_rooms : one_node_rooms * (size - 1) ))
  direction=up
  while [ "$rooms" -ge 1 ] && [ "$rooms" -le "$max_rooms" ]; do
    cluster "$size"
    line=$(run "$rooms" "$size")
    echo "   $line   [media rooms per node: $(cat "$work/spread")]"
    stop_nodes
    rm -rf "$work/alpha" "$work/beta" "$work/gamma"
    case "$line" in
      *" held "*)
        best=$(( rooms * people_per_room ))
        [ "$direction" = down ] && break ;;
      *)
        [ "$best" -gt 0 ] && break
        direction=down ;;
    esac
    if [ "$direction" = up ]; then rooms=$(( rooms + step_rooms )); else rooms=$(( rooms - step_rooms )); fi
  done
  capacity[$size]=$best
  echo "   capacity: $best participants"
  if [ "$size" = 1 ]; then
    one_node_rooms=$(( best / people_per_room ))
    node_capacity=${node_capacity:-$best}
  fi
done
echo
echo "== participants held, by cluster size (each node ${node_cpu} core)"
for size in $sizes; do echo "   $size node(s): ${capacity[$size]}"; done
