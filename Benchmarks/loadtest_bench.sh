#!/usr/bin/env bash
# Browserless media load (issue 13), the same shape against a release `parley`
# and, when Debian's `janus` is installed, against Janus's VideoRoom plugin:
# the server pinned to CPU 0 and `parley loadtest` pinned to CPU 1, in a
# private network namespace. Prints each report and the two side by side.
# Any flags go to `parley loadtest` (default shape: 2 rooms × 2 publishers ×
# 4 subscribers, 20 s). Parley gets one media loop: it has one CPU here.
# `--server-set KEY=VALUE` (repeatable) passes a setting to Parley, e.g.
# `--server-set media.udp_segmentation=false` for an A/B run of one binary.
#   Benchmarks/loadtest_bench.sh [--binary PATH] [--no-janus] [--server-set K=V]... [loadtest flags...]
set -euo pipefail
if [ "${PARLEY_IN_NETNS:-}" != 1 ]; then
  export PARLEY_IN_NETNS=1
  exec "$(dirname "$0")/../scripts/in-private-netns.sh" "$0" "$@"
fi
binary=.build-release/release/parley
janus=yes
server_settings=()
while [ $# -gt 0 ]; do
  case "$1" in
    --binary) binary=$2; shift 2 ;;
    --no-janus) janus=no; shift ;;
    --server-set) server_settings+=(--set "$2"); shift 2 ;;
    *) break ;;
  esac
done
[ -x "$binary" ] || { echo "no binary at $binary (make bench-loadtest builds it)" >&2; exit 2; }
command -v janus > /dev/null || janus=no
work=$(mktemp -d /tmp/parley-loadtest-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
cores=$(nproc)
server_cpus=0; generator_cpus=$(( cores > 1 ? 1 : 0 ))
shape=(--rooms 2 --publishers 2 --subscribers 4 --duration 20 "$@")
echo "server on CPU $server_cpus, generator on CPU $generator_cpus ($cores cores); loadtest ${shape[*]}"

wait_for() { for _ in $(seq 1 300); do curl -sf "$1" > /dev/null && return 0; sleep 0.1; done; return 1; }

taskset -c "$server_cpus" "$binary" serve --http 127.0.0.1:8080 --data-dir "$work/data" --media 127.0.0.1:40000 \
  --sip off --set accounts.bcrypt_cost=4 --set media.threads=1 "${server_settings[@]}" > "$work/parley.log" 2>&1 &
pid=$!
wait_for http://127.0.0.1:8080/healthz
echo; echo "== Parley (pid $pid)"
taskset -c "$generator_cpus" "$binary" loadtest --server http://127.0.0.1:8080 --server-pid "$pid" --quiet "${shape[@]}" --json \
  > "$work/parley.json"
kill -TERM "$pid"; wait "$pid" || true
python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print("\n".join(f"{k}: {r[k]}" for k in sorted(r) if k not in ("counters",)))' "$work/parley.json"

if [ "$janus" = yes ]; then
  # libnice gathers no loopback candidates: give Janus an address on a veth
  # inside this namespace (traffic to it is still local) and only that one.
  ip link add veth0 type veth peer name veth1
  ip addr add 10.99.0.1/24 dev veth0
  ip link set veth1 up; ip link set veth0 up
  cp -r /etc/janus "$work/janus-conf"
  sed -i 's|^\t#ice_enforce_list = "eth0"$|\tice_enforce_list = "veth0"|' "$work/janus-conf/janus.jcfg"
  taskset -c "$server_cpus" janus -F "$work/janus-conf" -L "$work/janus.log" > /dev/null 2>&1 &
  jpid=$!
  wait_for http://127.0.0.1:8088/janus/info
  echo; echo "== Janus $(janus --version 2>/dev/null | head -1) (pid $jpid)"
  taskset -c "$generator_cpus" "$binary" loadtest --target janus --bind 10.99.0.1 --server-pid "$jpid" --quiet \
    "${shape[@]}" --json > "$work/janus.json"
  kill -TERM "$jpid"; wait "$jpid" || true
  python3 - "$work/parley.json" "$work/janus.json" <<'PY'
import json, sys
p, j = (json.load(open(f)) for f in sys.argv[1:3])
rows = [("tracks received", "tracksReceived"), ("packets received/s", "packetsReceivedPerSecond"),
        ("loss %", "lossPercent"), ("join p95 ms", "joinP95ms"), ("delay p50 ms", "delayP50ms"),
        ("delay p95 ms", "delayP95ms"), ("server CPU %", "serverCPUPercent"),
        ("server µs per forwarded packet", "serverMicrosecondsPerForwardedPacket"), ("server RSS MiB", "serverRSSMiB"),
        ("server RSS idle MiB", "serverIdleRSSMiB"), ("server KiB per participant", "serverKiBPerParticipant")]
def fmt(v): return "-" if v is None else (f"{v:.2f}" if isinstance(v, float) else str(v))
print(f"\n{'':34} {'Parley':>10} {'Janus':>10} {'ratio':>7}")
for label, key in rows:
    a, b = p.get(key), j.get(key)
    ratio = f"{a / b:.2f}" if isinstance(a, (int, float)) and isinstance(b, (int, float)) and b else ""
    print(f"{label:34} {fmt(a):>10} {fmt(b):>10} {ratio:>7}")
# What a core carries at that cost: forwarded packets per CPU-second, and
# 720p-like streams (150 packets/s each) per core.
def per_core(r):
    us = r.get("serverMicrosecondsPerForwardedPacket")
    return (1e6 / us, 1e6 / us / 150) if us else (None, None)
(pp, ps), (jp, js) = per_core(p), per_core(j)
print(f"{'packets per CPU-second':34} {fmt(pp and round(pp)):>10} {fmt(jp and round(jp)):>10}")
print(f"{'150-packet/s streams per core':34} {fmt(ps and round(ps)):>10} {fmt(js and round(js)):>10}")
PY
fi
