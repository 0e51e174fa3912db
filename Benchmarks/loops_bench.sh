#!/usr/bin/env bash
# One media loop against two (issue 13), the same browserless load each time,
# in a private network namespace, with the server pinned to CPU 0 and
# `parley loadtest` to CPU 1:
#   1 loop             one room (the baseline);
#   2 loops, 2 rooms   the rooms on different loops, nothing piped;
#   2 loops, 1 room    one room spread over both loops (media.loop_capacity
#                      at half its transports), each track piped once.
# The server gets one CPU in every run, so the figure to compare is CPU per
# forwarded packet: what spreading a room costs. (How far two loops scale on
# two cores needs the generator on another machine; this one has two cores.)
#   Benchmarks/loops_bench.sh [--binary PATH] [--publishers N] [--subscribers N] [--duration S]
set -euo pipefail
if [ "${PARLEY_IN_NETNS:-}" != 1 ]; then
  export PARLEY_IN_NETNS=1
  exec "$(dirname "$0")/../scripts/in-private-netns.sh" "$0" "$@"
fi
binary=.build-release/release/parley
publishers=4; subscribers=20; duration=20
while [ $# -gt 0 ]; do
  case "$1" in
    --binary) binary=$2; shift 2 ;;
    --publishers) publishers=$2; shift 2 ;;
    --subscribers) subscribers=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    *) echo "unknown flag $1" >&2; exit 2 ;;
  esac
done
[ -x "$binary" ] || { echo "no binary at $binary (swift build -c release --product parley --scratch-path .build-release)" >&2; exit 2; }
work=$(mktemp -d /tmp/parley-loops-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
cores=$(nproc)
generator_cpus=$(( cores > 1 ? 1 : 0 ))
# Each publisher has a publish and a subscribe transport, each subscriber one.
transports=$(( publishers * 2 + subscribers ))
wait_for() { for _ in $(seq 1 300); do curl -sf "$1" > /dev/null && return 0; sleep 0.1; done; return 1; }

run() {  # name, rooms, then server --set pairs
  local name=$1 rooms=$2; shift 2
  local sets=()
  for s in "$@"; do sets+=(--set "$s"); done
  rm -rf "$work/data"
  taskset -c 0 "$binary" serve --http 127.0.0.1:8080 --data-dir "$work/data" --media 127.0.0.1:40000 \
    --sip off --set accounts.bcrypt_cost=4 "${sets[@]}" > "$work/$name.log" 2>&1 &
  local pid=$!
  wait_for http://127.0.0.1:8080/healthz
  taskset -c "$generator_cpus" "$binary" loadtest --server http://127.0.0.1:8080 --server-pid "$pid" --quiet \
    --rooms "$rooms" --publishers "$publishers" --subscribers "$subscribers" --duration "$duration" --json > "$work/$name.json"
  curl -sf http://127.0.0.1:8080/metrics > "$work/$name.metrics" || true
  kill -TERM "$pid"; wait "$pid" || true
}

echo "server on CPU 0, generator on CPU $generator_cpus ($cores cores); per room $publishers publishers × $subscribers subscribers, ${duration} s"
run one-loop 1 media.threads=1
run two-rooms 2 media.threads=2
run spread 1 media.threads=2 media.loop_capacity=$(( transports / 2 ))
python3 - "$work" <<'PY'
import json, re, sys, pathlib
work = pathlib.Path(sys.argv[1])
runs = [("1 loop, 1 room", "one-loop"), ("2 loops, 2 rooms", "two-rooms"), ("2 loops, 1 room spread", "spread")]
def piped(name):
    text = (work / f"{name}.metrics").read_text() if (work / f"{name}.metrics").exists() else ""
    return sum(int(v) for v in re.findall(r'^parley_media_loop_packets_piped_total\{[^}]*\} (\d+)', text, re.M))
rows = [("tracks expected/received", lambda r, n: f"{r['tracksExpected']}/{r['tracksReceived']}"),
        ("packets received/s", lambda r, n: f"{r['packetsReceivedPerSecond']:.0f}"),
        ("loss %", lambda r, n: f"{r['lossPercent']:.2f}"),
        ("server CPU %", lambda r, n: f"{r.get('serverCPUPercent') or 0:.1f}"),
        ("server µs per forwarded packet", lambda r, n: f"{r.get('serverMicrosecondsPerForwardedPacket') or 0:.1f}"),
        ("packets piped between loops", lambda r, n: str(piped(n))),
        ("join p95 ms", lambda r, n: f"{r.get('joinP95ms') or 0:.0f}"),
        ("delay p50 / p95 ms", lambda r, n: f"{r.get('delayP50ms') or 0:.1f} / {r.get('delayP95ms') or 0:.1f}"),
        ("server RSS MiB", lambda r, n: f"{r.get('serverRSSMiB') or 0:.0f}")]
reports = {name: json.load(open(work / f"{name}.json")) for _, name in runs}
print(f"\n{'':32}" + "".join(f"{label:>24}" for label, _ in runs))
for label, value in rows:
    print(f"{label:32}" + "".join(f"{value(reports[name], name):>24}" for _, name in runs))
PY
