#!/usr/bin/env bash
# Churn soak (issue 13): one release `parley` serves waves of browserless
# participants (`parley loadtest`) for an hour by default. Each wave joins
# fresh meetings, sends and receives media for --wave-seconds, then everyone
# leaves. After each wave, and a settle, the script samples the server's
# resident memory (VmRSS), open file descriptors, TCP/UDP sockets and the
# parley_media_transports / parley_media_rooms gauges.
#
# The baseline is the sample after the first --warmup-waves waves (allocators
# and caches fill); the last samples are compared with it. Checks:
#   - VmRSS (the median of the last three samples) grows less than
#     --max-rss-growth % (default 2);
#   - open fds, TCP and UDP sockets are back to the baseline or below;
#   - transports and rooms are back to 0;
#   - every wave received all its expected tracks, no participant failed;
#   - the server is still alive, answers /healthz, and its log shows no crash.
# Prints one row per sample and a verdict; exits non-zero if a check fails.
#
# Runs in a private network namespace (loopback only), the server pinned to
# CPU 0 and the generator to CPU 1 when there are two cores or more.
#   Benchmarks/soak.sh [--minutes N] [--binary PATH] [--rooms N] [--publishers N]
#                      [--subscribers N] [--wave-seconds S] [--settle S]
#                      [--warmup-waves N] [--max-rss-growth PCT]
# e.g. a short check: Benchmarks/soak.sh --minutes 3
set -euo pipefail
if [ "${PARLEY_IN_NETNS:-}" != 1 ]; then
  export PARLEY_IN_NETNS=1
  exec "$(dirname "$0")/../scripts/in-private-netns.sh" "$0" "$@"
fi

binary=.build-release/release/parley
minutes=60
rooms=2; publishers=2; subscribers=3
wave_seconds=20
settle=5              # seconds after a wave before sampling (at least)
warmup_waves=5        # the baseline is the sample after this many waves
max_rss_growth=2      # percent
while [ $# -gt 0 ]; do
  case "$1" in
    --minutes) minutes=$2; shift 2 ;;
    --binary) binary=$2; shift 2 ;;
    --rooms) rooms=$2; shift 2 ;;
    --publishers) publishers=$2; shift 2 ;;
    --subscribers) subscribers=$2; shift 2 ;;
    --wave-seconds) wave_seconds=$2; shift 2 ;;
    --settle) settle=$2; shift 2 ;;
    --warmup-waves) warmup_waves=$2; shift 2 ;;
    --max-rss-growth) max_rss_growth=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown flag $1 (see --help)" >&2; exit 2 ;;
  esac
done
[ -x "$binary" ] || { echo "no binary at $binary (swift build -c release --product parley --scratch-path .build-release)" >&2; exit 2; }

work=$(mktemp -d /tmp/parley-soak.XXXXXX)
pid=
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2> /dev/null; then
    kill -TERM "$pid"
    for _ in $(seq 1 100); do kill -0 "$pid" 2> /dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2> /dev/null || true   # e.g. still writing a crash backtrace
    wait "$pid" 2> /dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cores=$(nproc)
generator_cpus=$(( cores > 1 ? 1 : 0 ))
base=http://127.0.0.1:8080
# Swift's backtracer keeps a crashing process around while it writes the
# backtrace (its event loops may even go on answering): read the log too.
crash_re='^\*\*\* (Signal|Program crashed)|Fatal error:|Backtracing from'
server_up() { kill -0 "$pid" 2> /dev/null && ! grep -Eq "$crash_re" "$work/parley.log"; }
wait_for() { for _ in $(seq 1 300); do curl -sf "$1" > /dev/null && return 0; sleep 0.1; done; return 1; }

taskset -c 0 "$binary" serve --http 127.0.0.1:8080 --data-dir "$work/data" --media 127.0.0.1:40000 \
  --sip off --set accounts.bcrypt_cost=4 --set media.threads=1 > "$work/parley.log" 2>&1 &
pid=$!
wait_for "$base/healthz" || { echo "server did not come up" >&2; tail -20 "$work/parley.log" >&2; exit 1; }

# One line of samples.tsv: wave, seconds since start, then what /proc and
# /metrics say. Sockets are the pid's socket fds matched by inode against
# its namespace's /proc/PID/net tables.
sample() {  # wave
  local wave=$1 metrics
  metrics=$(curl -sf "$base/metrics" || true)
  python3 - "$pid" "$wave" "$(( SECONDS - start ))" "$metrics" >> "$work/samples.tsv" <<'PY'
import os, re, sys
pid, wave, elapsed, metrics = sys.argv[1:5]
status = dict(l.split(":", 1) for l in open(f"/proc/{pid}/status"))
kib = lambda k: int(status[k].split()[0]) if k in status else 0
inodes = set()
fds = 0
for fd in os.listdir(f"/proc/{pid}/fd"):
    fds += 1
    try:
        m = re.match(r"socket:\[(\d+)\]", os.readlink(f"/proc/{pid}/fd/{fd}"))
    except OSError:
        continue
    if m: inodes.add(m.group(1))
def table(*names):  # inode -> local port
    rows = {}
    for name in names:
        try: lines = open(f"/proc/{pid}/net/{name}").read().splitlines()[1:]
        except FileNotFoundError: continue
        for line in lines:
            f = line.split()
            rows[f[9]] = int(f[1].rsplit(":", 1)[1], 16)
    return rows
tcp, udp = table("tcp", "tcp6"), table("udp", "udp6")
tcp_ports = sorted(tcp[i] for i in inodes if i in tcp)
udp_ports = sorted(udp[i] for i in inodes if i in udp)
other = len(inodes) - len(tcp_ports) - len(udp_ports)
def gauge(name):
    m = re.search(rf"^{name} (\S+)$", metrics, re.M)
    return str(int(float(m.group(1)))) if m else "-"
print("\t".join(map(str, [wave, elapsed, kib("VmRSS"), kib("RssAnon"), fds, len(tcp_ports), len(udp_ports), other,
                          gauge("parley_media_transports"), gauge("parley_media_rooms"),
                          ",".join(map(str, tcp_ports)) or "-", ",".join(map(str, udp_ports)) or "-"])))
PY
}

echo "soak: ${minutes} min of waves of $rooms rooms × $publishers publishers × $subscribers subscribers," \
  "${wave_seconds} s each, ${settle} s settle; baseline after wave $warmup_waves"
echo "server pid $pid on CPU 0, generator on CPU $generator_cpus ($cores cores); $binary built $(date -u -r "$binary" '+%F %H:%M UTC')"
start=$SECONDS
sample 0
total=$(( minutes * 60 ))
wave=0; last_wave_length=0; alive=yes
# Start another wave while it would end in time (the first warmup+1 always run).
while [ "$wave" -le "$warmup_waves" ] || [ $(( SECONDS - start + last_wave_length )) -le "$total" ]; do
  wave=$(( wave + 1 )); wave_start=$SECONDS
  taskset -c "$generator_cpus" "$binary" loadtest --server "$base" --server-pid "$pid" --quiet --json \
    --rooms "$rooms" --publishers "$publishers" --subscribers "$subscribers" --duration "$wave_seconds" \
    > "$work/wave-$wave.json" 2> "$work/wave-$wave.err" || echo "wave $wave: loadtest exited $?" >&2
  server_up || { alive=no; echo "wave $wave: the server crashed or is gone" >&2; break; }
  # Settle: at least $settle s, then up to 30 s more for the gauges to reach 0.
  sleep "$settle"
  for _ in $(seq 1 30); do
    curl -sf "$base/metrics" | grep -Eq '^parley_media_(transports|rooms) [1-9]' || break
    sleep 1
  done
  server_up || { alive=no; echo "wave $wave: the server crashed or is gone" >&2; break; }
  sample "$wave"
  last_wave_length=$(( SECONDS - wave_start ))
  tail -1 "$work/samples.tsv" | awk -F'\t' -v w="$wave" '{printf "  wave %d done at %d s: RSS %.1f MiB, %d fds, transports %s\n", w, $2, $3/1024, $5, $9}'
done
if [ "$alive" = yes ] && ! curl -sf "$base/healthz" > /dev/null; then alive=no; echo "server no longer answers /healthz" >&2; fi
if [ "$alive" = no ] && ! kill -0 "$pid" 2> /dev/null; then
  wait "$pid" && code=0 || code=$?; pid=
  echo "server exited with status $code$( [ "$code" -gt 128 ] && echo " (signal $(( code - 128 )))")" >&2
fi
if grep -Eq "$crash_re" "$work/parley.log"; then
  alive=no; echo "the server log shows a crash:" >&2; grep -E -m3 "$crash_re" "$work/parley.log" >&2
fi

status=0
python3 - "$work" "$wave" "$warmup_waves" "$max_rss_growth" "$alive" <<'PY' || status=1
import json, sys, pathlib
work, waves, warmup, max_growth, alive = pathlib.Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), sys.argv[5] == "yes"
cols = ["wave", "t", "rss", "anon", "fds", "tcp", "udp", "other", "transports", "rooms", "tcp_ports", "udp_ports"]
samples = [dict(zip(cols, l.split("\t"))) for l in (work / "samples.tsv").read_text().splitlines()]
for s in samples:
    for k in cols[:8]: s[k] = int(s[k])
def report(w):
    p = work / f"wave-{w}.json"
    try: return json.loads(p.read_text())
    except Exception: return None
by_wave = {s["wave"]: s for s in samples}
base = by_wave.get(warmup)
print(f"\n{'wave':>4} {'time':>6} {'RSS MiB':>8} {'vs base':>8} {'anon MiB':>9} {'fds':>4} {'tcp':>4} {'udp':>4} {'other':>5}"
      f" {'transp':>6} {'rooms':>5} {'tracks rcvd/exp':>15} {'loss %':>7} {'joined/failed':>13}")
for s in samples:
    r = report(s["wave"]) if s["wave"] else None
    vs = f"{(s['rss'] - base['rss']) / base['rss'] * 100:+.2f}%" if base else "-"
    if s["wave"] == 0: vs = "start"
    elif base and s["wave"] == warmup: vs = "base"
    tracks = f"{r['tracksReceived']}/{r['tracksExpected']}" if r else ("-" if not s["wave"] else "no report")
    loss = f"{r['lossPercent']:.2f}" if r else "-"
    joined = f"{r['participantsJoined']}/{r['participantsFailed']}" if r else "-"
    print(f"{s['wave']:>4} {s['t'] // 60:>3}:{s['t'] % 60:02d} {s['rss'] / 1024:>8.1f} {vs:>8} {s['anon'] / 1024:>9.1f} {s['fds']:>4}"
          f" {s['tcp']:>4} {s['udp']:>4} {s['other']:>5} {s['transports']:>6} {s['rooms']:>5} {tracks:>15} {loss:>7} {joined:>13}")

checks = []
def check(ok, text): checks.append(ok); print(f"  {'PASS' if ok else 'FAIL'}  {text}")
print(f"\nverdict ({waves} waves):")
check(alive, "server alive at the end (no crash, /healthz answers)")
last = samples[-1]
if not base or last["wave"] <= warmup:
    check(False, f"at least {warmup + 1} waves sampled (baseline after wave {warmup}, then more to compare)")
else:
    after = [s for s in samples if s["wave"] >= warmup]
    # The end's RSS: the median of the last three samples (one sample can sit
    # on a ~1 MiB allocator blip that the next wave gives back).
    tail = sorted(s["rss"] for s in after[1:][-3:])
    end_rss = tail[len(tail) // 2]
    growth = (end_rss - base["rss"]) / base["rss"] * 100
    # Least-squares slope of RSS over the waves after the baseline, for the trend.
    n = len(after); mx = sum(s["wave"] for s in after) / n; my = sum(s["rss"] for s in after) / n
    den = sum((s["wave"] - mx) ** 2 for s in after)
    slope = sum((s["wave"] - mx) * (s["rss"] - my) for s in after) / den if den else 0
    peak = max(s["rss"] for s in after)
    check(growth < max_growth, f"RSS {base['rss'] / 1024:.1f} -> {end_rss / 1024:.1f} MiB (median of the last {len(tail)}): {growth:+.2f}% (< {max_growth:g}%);"
          f" peak {peak / 1024:.1f} MiB, trend {slope:+.0f} KiB per wave; anon {base['anon'] / 1024:.1f} -> {last['anon'] / 1024:.1f} MiB")
    check(last["fds"] <= base["fds"], f"open fds {base['fds']} -> {last['fds']} (start {samples[0]['fds']})")
    check(last["tcp"] <= base["tcp"] and last["udp"] <= base["udp"],
          f"sockets tcp {base['tcp']} -> {last['tcp']}, udp {base['udp']} -> {last['udp']}"
          f" (ports tcp {last['tcp_ports']}, udp {last['udp_ports']}; at base tcp {base['tcp_ports']}, udp {base['udp_ports']})")
    check(last["transports"] == "0" and last["rooms"] == "0",
          f"parley_media_transports {last['transports']}, parley_media_rooms {last['rooms']} (0 wanted)")
    stuck = [s["wave"] for s in samples[1:] if s["transports"] != "0" or s["rooms"] != "0"]
    if stuck: print(f"        (transports or rooms not 0 after waves {stuck})")
short = []
for w in range(1, waves + 1):
    r = report(w)
    if not r or r["tracksReceived"] < r["tracksExpected"] or r["participantsFailed"] or r.get("errors"):
        short.append(w)
reports = [r for r in map(report, range(1, waves + 1)) if r]
lost = max((r["lossPercent"] for r in reports), default=0)
check(not short, f"every wave received all its tracks, no participant failed"
      f" ({len(reports)} reports, {sum(r['tracksReceived'] for r in reports)}/{sum(r['tracksExpected'] for r in reports)} tracks,"
      f" worst loss {lost:.2f}%)" + (f"; short or failed waves: {short}" if short else ""))
print("\nPASS" if all(checks) else "\nFAIL")
sys.exit(0 if all(checks) else 1)
PY
if [ "$status" != 0 ]; then
  for w in $(seq 1 "$wave"); do
    [ -s "$work/wave-$w.err" ] && { echo "--- wave $w loadtest stderr:"; tail -5 "$work/wave-$w.err"; }
    python3 -c 'import json,sys; e=json.load(open(sys.argv[1])).get("errors"); e and print("--- wave", sys.argv[2], "errors:", e[:5])' \
      "$work/wave-$w.json" "$w" 2> /dev/null || true
  done
  echo "--- server log (last 20 lines):"; tail -20 "$work/parley.log" || true
fi
exit "$status"
