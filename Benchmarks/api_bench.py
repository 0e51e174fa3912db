#!/usr/bin/env python3
"""Parley API benchmark: starts a Parley binary on loopback, loads it, prints figures.

    scripts/in-private-netns.sh .venv/bin/python Benchmarks/api_bench.py [--engine sqlite|postgres]

What it measures (each phase bounded in time, see --duration):
  1. sign-in      POST /api/v1/auth/login, 4 concurrent clients (bcrypt-bound; cost printed)
  2. read path    GET /api/v1/me and GET /api/v1/occurrences (50 meetings, 30-day window),
                  8 keep-alive connections
  3. write path   POST /api/v1/meetings (a scheduled weekly meeting), 8 connections
  4. presence     WebSocket connect of user A -> friend B's socket receives {"type":"presence"}
  5. process      RSS and CPU seconds of the parley process (and of PostgreSQL's processes)

HTTP load comes from wrk (Debian package `wrk`) driven by generated Lua scripts;
Python does the setup and the WebSocket timing (needs `requests` and `websockets`).
The load generator runs on the same machine as the server and takes CPU from it:
compare figures only between runs on the same machine.

Speed is measured here, never asserted: the script prints figures and exits 0
unless the benchmark itself could not run.
"""

from __future__ import annotations

import argparse
import asyncio
import atexit
import datetime as dt
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from host import busy_percent, default_binary, machine_busy_seconds, machine_description, stay_on_loopback, proc_cpu_seconds, proc_status_kib
from parley_server import ParleyServer, print_shutdown_and_log

REPO = Path(__file__).resolve().parent.parent
PAGE = os.sysconf("SC_PAGE_SIZE")


# --------------------------------------------------------------------------- helpers

def fail(message: str) -> "NoReturn":  # type: ignore[name-defined]
    print(f"api_bench: {message}", file=sys.stderr)
    sys.exit(2)


def postgres_cpu_seconds() -> float:
    """CPU of every live process named postgres (server and backends); approximate."""
    total = 0.0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/comm") as f:
                if f.read().strip() != "postgres":
                    continue
            total += proc_cpu_seconds(int(entry))
        except OSError:
            continue
    return total


# --------------------------------------------------------------------------- server

def make_server(binary: Path, port: int, data_dir: Path, bcrypt_cost: int, database_url: str | None,
                settings: list[str]) -> ParleyServer:
    args = [
        str(binary), "serve",
        "--http", f"127.0.0.1:{port}",
        "--media", "127.0.0.1:0",
        "--data-dir", str(data_dir / "data"),
        "--set", f"accounts.bcrypt_cost={bcrypt_cost}",
    ]
    if database_url:
        args += ["--database-url", database_url]
    for setting in settings:
        args += ["--set", setting]
    return ParleyServer(args, f"http://127.0.0.1:{port}", data_dir / "parley.log", "api_bench")


# --------------------------------------------------------------------------- API setup (Python, not timed)

class Client:
    """A signed-in API client (requests.Session keeps the parley_session cookie)."""

    def __init__(self, base: str):
        import requests

        self.base = base
        self.http = requests.Session()

    def call(self, method: str, path: str, body=None, expect=(200, 201, 204)):
        r = self.http.request(method, self.base + path, json=body, timeout=30)
        if r.status_code not in expect:
            fail(f"{method} {path} -> {r.status_code} {r.text[:300]}")
        return r.json() if r.content else None

    def register(self, username: str, password: str) -> dict:
        user = self.call("POST", "/api/v1/auth/register",
                         {"username": username, "displayName": username.title(), "password": password})
        self.user = user
        return user

    @property
    def cookie(self) -> str:
        return f"parley_session={self.http.cookies.get('parley_session')}"


WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


def seed_calendar(client: Client, window_start: dt.datetime, count: int = 50) -> None:
    """`count` meetings: half one-off, a quarter weekly, a quarter daily, spread over the window."""
    for i in range(count):
        day = window_start + dt.timedelta(days=1 + (i * 7) % 27)
        start = day.replace(hour=8 + i % 9, minute=(i % 4) * 15)
        body = {
            "title": f"Bench meeting {i}",
            "start": start.strftime("%Y-%m-%dT%H:%M"),
            "timeZone": "Europe/Berlin",
            "durationMinutes": 30,
            "reminderMinutes": 0,
        }
        if i % 4 == 1:
            first = day.weekday()
            # Every other weekly series meets twice a week; a series must include its start's weekday.
            days = [first, (first + 3) % 7] if i % 8 == 1 else [first]
            weekdays = [WEEKDAYS[d] for d in sorted(days)]
            body["recurrence"] = {"frequency": "weekly", "byWeekday": weekdays}
        elif i % 4 == 3:
            body["recurrence"] = {"frequency": "daily"}
        client.call("POST", "/api/v1/meetings", body, expect=(201,))


# --------------------------------------------------------------------------- wrk

LUA_TEMPLATE = r"""
wrk.method = %(method)s
wrk.body = %(body)s
%(headers)s
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests":%%d,"duration_us":%%d,"bytes":%%d,"non2xx":%%d,"connect":%%d,"read":%%d,"write":%%d,"timeout":%%d,"p50":%%d,"p90":%%d,"p99":%%d,"max":%%d,"mean":%%.1f}\n',
    summary.requests, summary.duration, summary.bytes, e.status, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean))
end
"""


def lua_string(s: str | None) -> str:
    if s is None:
        return "nil"
    return "[==[" + s + "]==]"


def run_wrk(args, work: Path, name: str, url: str, method: str = "GET", body: str | None = None,
            headers: dict | None = None, connections: int = 8, duration: float = 10.0,
            timeout: str = "5s") -> dict:
    header_lines = "\n".join(f"wrk.headers[ {lua_string(k)} ] = {lua_string(v)}" for k, v in (headers or {}).items())
    script = work / f"{name}.lua"
    script.write_text(LUA_TEMPLATE % {"method": lua_string(method), "body": lua_string(body), "headers": header_lines})
    threads = max(1, min(args.wrk_threads, connections))
    cmd = [args.wrk, "-t", str(threads), "-c", str(connections), "-d", f"{max(1, round(duration))}s",
           "--timeout", timeout, "-s", str(script), url]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 60)
    if out.returncode != 0 or out.stderr.strip():
        fail(f"wrk failed for {name} (exit {out.returncode}):\n{out.stdout}\n{out.stderr}")
    for line in out.stdout.splitlines():
        if line.startswith("WRKJSON "):
            r = json.loads(line[len("WRKJSON "):])
            r["rps"] = r["requests"] / (r["duration_us"] / 1e6) if r["duration_us"] else 0.0
            r["socket_errors"] = r["connect"] + r["read"] + r["write"] + r["timeout"]
            return r
    fail(f"wrk gave no result for {name} (exit {out.returncode}):\n{out.stdout}\n{out.stderr}")


# --------------------------------------------------------------------------- presence

async def presence_trials(base: str, cookie_a: str, user_a: str, cookie_b: str, trials: int) -> dict:
    from websockets.asyncio.client import connect

    ws_url = base.replace("http://", "ws://") + "/api/v1/ws"
    loop = asyncio.get_running_loop()
    inbox: asyncio.Queue = asyncio.Queue()
    fanout, handshakes, timeouts = [], [], 0

    async with connect(ws_url, additional_headers={"Cookie": cookie_b}, open_timeout=10) as b:
        hello = json.loads(await asyncio.wait_for(b.recv(), 10))
        assert hello.get("type") == "hello", hello

        async def reader():
            async for raw in b:
                await inbox.put((loop.time(), json.loads(raw)))

        reader_task = asyncio.create_task(reader())

        async def wait_presence(state: str, deadline: float):
            while True:
                at, msg = await asyncio.wait_for(inbox.get(), max(0.001, deadline - loop.time()))
                if msg.get("type") == "presence" and msg.get("userId") == user_a and msg.get("presence") == state:
                    return at

        try:
            for _ in range(trials):
                t0 = loop.time()
                try:
                    async with connect(ws_url, additional_headers={"Cookie": cookie_a}, open_timeout=10) as a:
                        handshakes.append(loop.time() - t0)
                        got = await wait_presence("online", t0 + 5)
                        fanout.append(got - t0)
                    await wait_presence("offline", loop.time() + 5)
                except (asyncio.TimeoutError, TimeoutError):
                    timeouts += 1
                    while not inbox.empty():
                        inbox.get_nowait()
        finally:
            reader_task.cancel()
    return {"fanout": fanout, "handshake": handshakes, "timeouts": timeouts, "trials": trials}


# --------------------------------------------------------------------------- report

def fmt_ms(us: float) -> str:
    ms = us / 1000
    return f"{ms:.2f}" if ms < 10 else f"{ms:.1f}" if ms < 100 else f"{ms:.0f}"


def print_report(info: dict, rows: list[dict], presence: dict | None, proc: dict) -> None:
    m = info["machine"]
    print()
    print(f"Parley API benchmark — engine {info['engine']}, binary {info['binary']} ({info['build']})")
    print(f"machine: {m['nproc']} CPUs, {m['cpu']}, {m['memory']} RAM, Linux {m['kernel']}; "
          f"before start: load average {m['loadavg']}, CPUs {m['busy_pct']:.0f}% busy; load generator on the same machine (wrk {info['wrk_threads']} thread(s))")
    if info["settings"]:
        print("server settings: " + ", ".join(info["settings"]))
    print(f"bcrypt cost {info['bcrypt_cost']}; {info['duration']:.0f} s per HTTP phase "
          f"(+{info['warmup']:.0f} s warm-up for read/write); data set: {info['dataset']}")
    print()
    header = f"{'phase':<34} {'conns':>5} {'requests':>9} {'req/s':>9} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8} {'max ms':>8} {'non-2xx':>7} {'sock err':>8} {'CPU ms/req':>10} {'srv CPU%':>8} {'wrk CPU%':>8} {'pg CPU%':>7} {'other%':>6} {'runs':>4}"
    print(header)
    print("-" * len(header))
    for r in rows:
        cpu_per = (r["server_cpu"] * 1000 / r["requests"]) if r["requests"] else float("nan")
        print(f"{r['name']:<34} {r['connections']:>5} {r['requests']:>9} {r['rps']:>9.1f} {fmt_ms(r['p50']):>8} "
              f"{fmt_ms(r['p90']):>8} {fmt_ms(r['p99']):>8} {fmt_ms(r['max']):>8} {r['non2xx']:>7} "
              f"{r['socket_errors']:>8} {cpu_per:>10.3f} {r['server_cpu_pct']:>8.0f} {r['wrk_cpu_pct']:>8.0f} "
              f"{(str(round(100 * r['pg_cpu'] / (r['duration_us'] / 1e6))) if info['engine'] == 'postgres' else '-'):>7} "
              f"{r['other_cpu_pct']:>6.0f} {r['attempts']:>4}")
    print("(CPU ms/req: parley's CPU time in the phase / requests; srv, wrk, pg CPU%: CPU time / wall time, "
          f"100 = one core of {info['machine']['nproc']}; other%: the rest of the machine's CPU use, which skews figures; "
          "runs: a phase disturbed by other processes is repeated and the least disturbed run kept"
          + ("; PostgreSQL's CPU per request is listed below)" if info["engine"] == "postgres" else ")"))
    if presence:
        print()
        f, h = presence["fanout"], presence["handshake"]
        if f:
            q = statistics.quantiles(f, n=10) if len(f) >= 2 else [f[0]] * 9
            print(f"{'presence fan-out (A connects -> B gets presence)':<52} trials {presence['trials']}, "
                  f"median {statistics.median(f) * 1000:.2f} ms, p90 {q[8] * 1000:.2f} ms, "
                  f"min {min(f) * 1000:.2f} ms, max {max(f) * 1000:.2f} ms, timeouts {presence['timeouts']}, "
                  f"other% {presence['other_cpu_pct']:.0f}")
            print(f"{'  of which WebSocket handshake of A':<52} median {statistics.median(h) * 1000:.2f} ms")
        else:
            print(f"presence fan-out: no trial succeeded ({presence['timeouts']} timeouts)")
    print()
    print(f"process: startup to /healthz {proc['startup_s']:.2f} s; RSS idle after setup {proc['rss_idle_mib']:.1f} MiB, "
          f"after run {proc['rss_end_mib']:.1f} MiB, peak {proc['rss_peak_mib']:.1f} MiB; "
          f"threads {proc['threads']}")
    print(f"process CPU (user+sys): {proc['cpu_s']:.1f} s since start, of which {proc['cpu_measured_s']:.1f} s "
          f"from the first measured phase to the end ({proc['wall_s']:.0f} s wall, waits for a quiet machine included)")
    if "pg_cpu_s" in proc:
        versions = sorted(p.name for p in Path("/usr/lib/postgresql").glob("*")) if Path("/usr/lib/postgresql").exists() else []
        print(f"PostgreSQL {versions[-1] if versions else '?'} processes: CPU {proc['pg_cpu_s']:.1f} s during the measured phases "
              + ("(throwaway server from scripts/with-postgres.sh: fsync=off, full_page_writes=off)"
                 if os.environ.get("PARLEY_BENCH_PG_TRIED") else "(server given by URL)"))
        for r in rows:
            print(f"  {r['name']:<32} PostgreSQL CPU {r['pg_cpu'] * 1000 / max(1, r['requests']):.3f} ms/req")
    print_shutdown_and_log(info["shutdown"], info["log_problems"])


# --------------------------------------------------------------------------- main

def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--binary", type=Path, default=None,
                   help="parley executable (default: .build-release/release/parley if present, else .build/debug/parley)")
    p.add_argument("--engine", choices=["sqlite", "postgres"], default="sqlite")
    p.add_argument("--database-url", default=None,
                   help="PostgreSQL URL (default: $PARLEY_TEST_POSTGRES_URL; if unset, the script re-runs itself "
                        "under scripts/with-postgres.sh --pg-port)")
    p.add_argument("--pg-port", type=int, default=55433, help="port for the throwaway PostgreSQL (default 55433)")
    p.add_argument("--port", type=int, default=18080, help="HTTP port for parley on 127.0.0.1 (default 18080)")
    p.add_argument("--duration", type=float, default=10.0, help="seconds per HTTP phase (default 10)")
    p.add_argument("--warmup", type=float, default=2.0, help="warm-up seconds before read/write phases (default 2)")
    p.add_argument("--connections", type=int, default=8, help="keep-alive connections for read/write (default 8)")
    p.add_argument("--login-clients", type=int, default=4, help="concurrent sign-in clients (default 4)")
    p.add_argument("--bcrypt-cost", type=int, default=12, help="accounts.bcrypt_cost for the server (default 12)")
    p.add_argument("--meetings", type=int, default=50, help="meetings in the read-path calendar (default 50)")
    p.add_argument("--presence-trials", type=int, default=50, help="presence fan-out trials (default 50)")
    p.add_argument("--wrk", default=shutil.which("wrk") or "wrk", help="wrk executable (Debian package wrk)")
    p.add_argument("--wrk-threads", type=int, default=1, help="wrk threads (default 1: leave the CPUs to parley)")
    p.add_argument("--max-other-cpu", type=float, default=15.0,
                   help="repeat a phase when other processes used more than this %% of a CPU during it (default 15)")
    p.add_argument("--busy-retries", type=int, default=3,
                   help="how often to repeat a phase disturbed by other processes; the least disturbed run is kept "
                        "(default 3; 0 = never)")
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                   help="pass a setting to parley serve (repeatable), e.g. --set meetings.reminder_scan_seconds=3600")
    p.add_argument("--phases", default="login,me,occurrences,meetings,presence",
                   help="comma-separated subset of login,me,occurrences,meetings,presence (default: all)")
    p.add_argument("--json", type=Path, default=None, help="also write every figure to this JSON file")
    p.add_argument("--allow-host-network", action="store_true",
                   help="run even outside a private network namespace (traffic is still on 127.0.0.1)")
    return p.parse_args()


def main() -> None:
    args = parse_args()

    stay_on_loopback("api_bench", args.allow_host_network)

    phases = {p.strip() for p in args.phases.split(",") if p.strip()}
    unknown = phases - {"login", "me", "occurrences", "meetings", "presence"}
    if unknown:
        fail(f"unknown phase(s): {', '.join(sorted(unknown))}")
    database_url = None
    if args.engine == "postgres":
        database_url = args.database_url or os.environ.get("PARLEY_TEST_POSTGRES_URL")
        if not database_url:
            if os.environ.get("PARLEY_BENCH_PG_TRIED"):
                fail("scripts/with-postgres.sh did not set PARLEY_TEST_POSTGRES_URL")
            os.environ["PARLEY_BENCH_PG_TRIED"] = "1"
            helper = str(REPO / "scripts" / "with-postgres.sh")
            os.execv(helper, [helper, str(args.pg_port), sys.executable, *sys.argv])

    try:
        import requests  # noqa: F401
        import websockets  # noqa: F401
    except ImportError as e:
        fail(f"{e}; install the Python packages: .venv/bin/pip install requests websockets")
    if not shutil.which(args.wrk):
        fail("wrk not found: apt-get install -y wrk")

    binary = (args.binary or default_binary()).absolute()
    if not binary.exists():
        fail(f"no parley binary at {binary}; build one: swift build -c release --product parley --scratch-path .build-release")
    build = "release" if "/release/" in str(binary) else "debug" if "/debug/" in str(binary) else "unknown build"
    if build == "debug":
        print("api_bench: WARNING: a debug build; its figures say little about production speed", file=sys.stderr)

    work = Path(tempfile.mkdtemp(prefix="parley-bench."))
    atexit.register(shutil.rmtree, work, ignore_errors=True)
    server = make_server(binary, args.port, work, args.bcrypt_cost, database_url, args.set)
    info = {
        "engine": args.engine, "binary": str(binary.relative_to(REPO) if binary.is_relative_to(REPO) else binary),
        "build": build, "machine": machine_description(), "bcrypt_cost": args.bcrypt_cost,
        "settings": args.set, "duration": args.duration, "warmup": args.warmup, "wrk_threads": args.wrk_threads,
        "started": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
    }
    rows: list[dict] = []
    clients: list[Client] = []
    presence = None
    try:
        server.start()
        base = server.base
        suffix = uuid.uuid4().hex[:6]
        password = "bench-password-1"
        print(f"api_bench: parley {build} build up in {server.startup_seconds:.2f} s ({args.engine}); setting up data…",
              file=sys.stderr)

        reader = Client(base); reader.register(f"reader_{suffix}", password)
        writer = Client(base); writer.register(f"writer_{suffix}", password)
        friend_a = Client(base); friend_a.register(f"alice_{suffix}", password)
        friend_b = Client(base); friend_b.register(f"bob_{suffix}", password)
        clients += [reader, writer, friend_a, friend_b]
        fr = friend_a.call("POST", "/api/v1/friend-requests", {"userId": friend_b.user["id"]}, expect=(201,))
        friend_b.call("POST", f"/api/v1/friend-requests/{fr['id']}/accept")

        today = dt.datetime.now(dt.timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
        seed_calendar(reader, today, args.meetings)
        frm = (today + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
        to = (today + dt.timedelta(days=31)).strftime("%Y-%m-%dT%H:%M:%SZ")
        occ_path = f"/api/v1/occurrences?from={frm}&to={to}"
        occ = reader.call("GET", occ_path)["occurrences"]
        occ_bytes = len(reader.http.get(base + occ_path).content)
        kinds = [("one-off", "weekly", "one-off", "daily")[i % 4] for i in range(args.meetings)]
        info["dataset"] = (f"{args.meetings} meetings ({kinds.count('one-off')} one-off, {kinds.count('weekly')} weekly, "
                           f"{kinds.count('daily')} daily series), "
                           f"30-day window = {len(occ)} occurrences, {occ_bytes / 1024:.0f} KiB JSON")
        info["occurrences"] = len(occ)

        rss_idle = proc_status_kib(server.pid, "VmRSS")
        cpu_start, wall_start = server.cpu(), time.perf_counter()
        pg_total = 0.0

        def measure(name, url, method, body, headers, conns, timeout) -> dict:
            c0, w0, m0 = server.cpu(), time.perf_counter(), machine_busy_seconds()
            k0 = resource.getrusage(resource.RUSAGE_CHILDREN)
            p0 = postgres_cpu_seconds() if database_url else 0.0
            r = run_wrk(args, work, re.sub(r"\W+", "-", name), url, method, body, headers, conns, args.duration, timeout)
            r["server_cpu"] = server.cpu() - c0
            wall = time.perf_counter() - w0
            r["server_cpu_pct"] = 100 * r["server_cpu"] / wall
            k1 = resource.getrusage(resource.RUSAGE_CHILDREN)
            wrk_cpu = (k1.ru_utime + k1.ru_stime) - (k0.ru_utime + k0.ru_stime)
            r["wrk_cpu_pct"] = 100 * wrk_cpu / wall
            r["pg_cpu"] = (postgres_cpu_seconds() - p0) if database_url else 0.0
            # Everything else the machine did meanwhile (other people's builds and tests skew the figures).
            r["other_cpu_pct"] = max(0.0, 100 * (machine_busy_seconds() - m0 - r["server_cpu"] - wrk_cpu - r["pg_cpu"]) / wall)
            return r

        def phase(name, path, conns, method="GET", body=None, cookie=None, warm=True, timeout="5s"):
            nonlocal pg_total
            headers = {"Cookie": cookie} if cookie else {}
            if body is not None:
                headers["Content-Type"] = "application/json"
            if warm and args.warmup > 0:
                run_wrk(args, work, name.split()[0] + "-warm", base + path, method, body, headers, conns, args.warmup, timeout)
            best = None
            for attempt in range(1, args.busy_retries + 2):
                print(f"api_bench: {name} …" + (f" (attempt {attempt})" if attempt > 1 else ""), file=sys.stderr)
                r = measure(name, base + path, method, body, headers, conns, timeout)
                r["attempts"] = attempt
                if best is None or r["other_cpu_pct"] < best["other_cpu_pct"]:
                    best = r
                if r["other_cpu_pct"] <= args.max_other_cpu:
                    break
                print(f"api_bench: other processes used {r['other_cpu_pct']:.0f}% of a CPU meanwhile; "
                      "waiting for a quieter machine", file=sys.stderr)
                wait_until = time.perf_counter() + 60
                while time.perf_counter() < wait_until and busy_percent(2.0) > 5:
                    pass
            best["attempts"] = attempt
            pg_total += best["pg_cpu"]
            best["name"], best["connections"], best["path"] = name, conns, path
            rows.append(best)

        login_body = json.dumps({"username": f"reader_{suffix}", "password": password})
        # bcrypt dominates: 4 clients, no warm-up, generous timeout.
        if "login" in phases:
            phase(f"POST /auth/login (bcrypt {args.bcrypt_cost})", "/api/v1/auth/login", args.login_clients,
                  "POST", login_body, warm=False, timeout="30s")
        if "me" in phases:
            phase("GET /me", "/api/v1/me", args.connections, cookie=reader.cookie)
        if "occurrences" in phases:
            phase(f"GET /occurrences ({len(occ)} in 30 d)", occ_path, args.connections, cookie=reader.cookie)
        first = today + dt.timedelta(days=3)
        meeting_body = json.dumps({
            "title": "Weekly sync", "start": first.strftime("%Y-%m-%dT10:00"),
            "timeZone": "Europe/Berlin", "durationMinutes": 45,
            "recurrence": {"frequency": "weekly",
                           "byWeekday": [WEEKDAYS[d] for d in sorted({first.weekday(), (first.weekday() + 2) % 7})]},
        })
        if "meetings" in phases:
            phase("POST /meetings (weekly)", "/api/v1/meetings", args.connections, "POST", meeting_body,
                  cookie=writer.cookie)

        if "presence" in phases and args.presence_trials > 0:
            print("api_bench: presence fan-out …", file=sys.stderr)
            c0, w0, m0 = server.cpu(), time.perf_counter(), machine_busy_seconds()
            self0 = resource.getrusage(resource.RUSAGE_SELF)
            presence = asyncio.run(presence_trials(base, friend_a.cookie, friend_a.user["id"], friend_b.cookie,
                                                   args.presence_trials))
            presence["server_cpu"] = server.cpu() - c0
            self1 = resource.getrusage(resource.RUSAGE_SELF)
            own = (self1.ru_utime + self1.ru_stime) - (self0.ru_utime + self0.ru_stime)
            presence["other_cpu_pct"] = max(0.0, 100 * (machine_busy_seconds() - m0 - presence["server_cpu"] - own)
                                            / (time.perf_counter() - w0))

        proc = {
            "startup_s": server.startup_seconds,
            "rss_idle_mib": rss_idle / 1024,
            "rss_end_mib": proc_status_kib(server.pid, "VmRSS") / 1024,
            "rss_peak_mib": proc_status_kib(server.pid, "VmHWM") / 1024,
            "cpu_s": server.cpu(),
            "cpu_measured_s": server.cpu() - cpu_start,
            "wall_s": time.perf_counter() - wall_start,
            "threads": proc_status_kib(server.pid, "Threads"),
        }
        if database_url:
            proc["pg_cpu_s"] = pg_total
    finally:
        for c in clients:
            c.http.close()
        server.stop()

    info["log_problems"] = server.log_problems()
    info["shutdown"] = server.shutdown
    print_report(info, rows, presence, proc)
    if args.json:
        args.json.write_text(json.dumps({"info": info, "http": rows, "presence": presence, "process": proc}, indent=2))


if __name__ == "__main__":
    main()
