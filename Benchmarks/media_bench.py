#!/usr/bin/env python3
"""Parley media benchmark: join time and the SFU's cost per forwarded stream, with headless Chromium.

    scripts/in-private-netns.sh .venv/bin/python Benchmarks/media_bench.py [--json FILE]

What it measures (figures are printed, never asserted):
  1. join time    one participant is in the room publishing camera + microphone; a
                  guest opens /m/<code> (the real meeting page), types a name, presses
                  "Join"; the time from opening the page to the first decoded remote
                  video frame (window.parleyRoom.subscribePC.getStats(): inbound-rtp
                  video framesDecoded > 0), also from the press (the form's submit
                  event, on the page's clock), with the steps in between. --joins times
                  (default 10), each in a fresh browser context. --join-client raw
                  measures the same with the bare signaling client instead of the UI.
  2. forwarding   2, 4 and 8 participants (--sizes), each publishing camera (640x480
                  VP8 from Chromium's fake camera) + microphone and receiving everyone
                  else: n*(n-1)*2 forwarded streams. After a warm-up, Parley's CPU
                  (utime+stime from /proc/<pid>/stat) and memory (VmRSS from
                  /proc/<pid>/status) over --window seconds (default 20), and the
                  packets per second the subscribers received (their inbound-rtp
                  packetsReceived), i.e. what Parley forwarded.

One Chromium process with one browser context per participant (about 60-65 MiB
each). Chromium runs on the same machine and takes most of its CPUs: Parley's
share is read from its own /proc entry, so the "parley" columns are Parley's
CPU only; Chromium's processes (the browser's process tree) and the rest of
the machine are listed beside it. A saturated machine makes Chromium encode
fewer frames, so compare "CPU µs per forwarded packet" rather than CPU% across
machines.

Run inside a private network namespace that has only loopback (the script
re-runs itself through scripts/in-private-netns.sh otherwise). Needs Playwright
for Python (Tests/Browser/requirements.txt) and Debian's chromium.
"""

from __future__ import annotations

import argparse
import atexit
import datetime as dt
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from host import busy_percent, default_binary, machine_busy_seconds, stay_on_loopback, proc_cpu_seconds, proc_status_kib, udp_sockets
from host import machine_description as host_description
from parley_server import ParleyServer, print_shutdown_and_log

REPO = Path(__file__).resolve().parent.parent
RAW_CLIENT = REPO / "Tests" / "Browser" / "rawclient.js"
CHROMIUM = os.environ.get("PARLEY_TEST_CHROMIUM", "/usr/bin/chromium")
PASSWORD = "bench-password-1"

# The flags of Tests/Browser/conftest.py (see ../shared/TESTING.md); the
# --disable-features list is merged with Playwright's own at launch, since
# Chromium honours only the last --disable-features switch.
CHROMIUM_ARGS = [
    "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream", "--no-sandbox", "--disable-gpu",
    "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-default-apps", "--disable-extensions", "--no-first-run", "--no-default-browser-check",
    "--allow-loopback-in-peer-connection", "--autoplay-policy=no-user-gesture-required",
    # Background pages must not be throttled: every participant is a page in one browser.
    "--disable-background-timer-throttling", "--disable-renderer-backgrounding",
    "--disable-backgrounding-occluded-windows",
]
OUR_DISABLED_FEATURES = ["WebRtcHideLocalIpsWithMdns", "WebUIOmniboxPopup", "WebUIOmniboxAimPopup"]

# Page-side wait for the first decoded remote video frame; returns the epoch
# milliseconds of that moment (performance.timeOrigin is the page's epoch origin).
FIRST_FRAME_JS = """
async ([timeoutMs, raw]) => {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    const pc = raw ? window.rawSub : (window.parleyRoom && window.parleyRoom.subscribePC);
    if (pc) {
      const stats = await pc.getStats();
      let decoded = 0;
      stats.forEach((r) => { if (r.type === 'inbound-rtp' && r.kind === 'video') decoded += r.framesDecoded || 0; });
      if (decoded > 0) return performance.timeOrigin + performance.now();
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return null;
}
"""

# When each step of a join through the meeting page happened (epoch ms): the
# room made (join token received), joined (signaling), the first subscribe
# offer applied, ICE and DTLS up on the subscribe connection, the first video
# packet and the first decoded frame. Polls every 2 ms (stats only once DTLS
# is up, they cost more).
JOIN_STEPS_JS = """
async ([timeoutMs]) => {
  const t = {};
  const at = () => performance.timeOrigin + performance.now();
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    const room = window.parleyRoom;
    if (room && !t.room) t.room = at();
    const session = room && room.session;
    if (session && session.state === 'joined' && !t.joined) t.joined = at();
    if (session && session.subscriber && session.subscriber.slots.size && !t.offer) t.offer = at();
    const pc = room && room.subscribePC;
    if (pc && ['connected', 'completed'].includes(pc.iceConnectionState) && !t.ice) t.ice = at();
    if (pc && pc.connectionState === 'connected' && !t.dtls) t.dtls = at();
    if (t.dtls) {
      let packets = 0, frames = 0;
      (await pc.getStats()).forEach((r) => {
        if (r.type === 'inbound-rtp' && r.kind === 'video') { packets += r.packetsReceived || 0; frames += r.framesDecoded || 0; }
      });
      if (packets > 0 && !t.packet) t.packet = at();
      if (frames > 0) { t.frame = at(); return t; }
    }
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  return null;
}
"""

JOIN_STEPS = ["room", "joined", "offer", "ice", "dtls", "packet", "frame"]

# Totals of a raw client's subscribe connection.
RECEIVED_JS = """
async () => {
  const out = { streams: 0, audio: 0, video: 0, packets: 0, bytes: 0, frames: 0, lost: 0 };
  if (!window.rawSub) return out;
  const stats = await window.rawSub.getStats();
  stats.forEach((r) => {
    if (r.type !== 'inbound-rtp') return;
    if ((r.packetsReceived || 0) > 0) { out.streams += 1; out[r.kind] += 1; }
    out.packets += r.packetsReceived || 0;
    out.bytes += r.bytesReceived || 0;
    out.frames += r.framesDecoded || 0;
    out.lost += Math.max(0, r.packetsLost || 0);
  });
  return out;
}
"""


# --------------------------------------------------------------------------- helpers

def fail(message: str) -> "NoReturn":  # type: ignore[name-defined]
    print(f"media_bench: {message}", file=sys.stderr)
    sys.exit(2)


def note(message: str) -> None:
    print(f"media_bench: {message}", file=sys.stderr, flush=True)


def descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        children.setdefault(int(stat.rsplit(")", 1)[1].split()[1]), []).append(int(entry))
    out, stack = [], [root]
    while stack:
        for child in children.get(stack.pop(), []):
            out.append(child)
            stack.append(child)
    return out


def chromium_pids() -> list[int]:
    """Chromium's processes started by this script (not Playwright's driver, not Parley)."""
    out = []
    for pid in descendants(os.getpid()):
        try:
            if Path(f"/proc/{pid}/comm").read_text().strip().startswith("chrom"):
                out.append(pid)
        except OSError:
            pass
    return out


def wait_for_quiet(limit_pct: float, patience: float) -> float:
    """Waits (at most `patience` s) until the machine is below `limit_pct` busy; returns the last reading."""
    deadline = time.monotonic() + patience
    busy = busy_percent(1.0)
    if busy > limit_pct:
        note(f"the machine is {busy:.0f}% busy (other processes); waiting up to {patience:.0f} s for it to calm down")
    while busy > limit_pct and time.monotonic() < deadline:
        busy = busy_percent(2.0)
    return busy


def tree_cpu_seconds(pids: list[int]) -> float:
    total = 0.0
    for pid in pids:
        try:
            total += proc_cpu_seconds(pid)
        except (OSError, IndexError, ValueError):
            pass
    return total


def tree_rss_mib(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            total += proc_status_kib(pid, "VmRSS")
        except OSError:
            pass
    return total / 1024


def machine_description() -> dict:
    chromium = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True).stdout.strip()
    return {**host_description(), "chromium": chromium}


# --------------------------------------------------------------------------- server

def make_server(binary: Path, port: int, work: Path, settings: list[str]) -> ParleyServer:
    args = [str(binary), "serve", "--http", f"127.0.0.1:{port}", "--data-dir", str(work / "data"),
            "--media", "127.0.0.1:0", "--set", "accounts.bcrypt_cost=4"]
    for s in settings:
        args += ["--set", s]
    return ParleyServer(args, f"http://127.0.0.1:{port}", work / "parley.log", "media_bench")


class Meeting:
    """A host account (API only), one meeting, and join tokens for it."""

    def __init__(self, base: str, title: str):
        import requests

        self.base = base
        self.http = requests.Session()
        r = self.http.post(f"{base}/api/v1/auth/register", json={
            "username": f"bench_{uuid.uuid4().hex[:8]}", "displayName": "Bench Host", "password": PASSWORD}, timeout=10)
        if r.status_code != 201:
            fail(f"register: {r.status_code} {r.text}")
        r = self.http.post(f"{base}/api/v1/meetings", json={"title": title}, timeout=10)
        if r.status_code != 201:
            fail(f"create meeting: {r.status_code} {r.text}")
        self.code = r.json()["code"]

    def host_token(self) -> str:
        r = self.http.post(f"{self.base}/api/v1/join/{self.code}", json={}, timeout=10)
        r.raise_for_status()
        return r.json()["joinToken"]

    def guest_token(self, name: str) -> str:
        import requests

        r = requests.post(f"{self.base}/api/v1/join/{self.code}", json={"displayName": name}, timeout=10)
        r.raise_for_status()
        return r.json()["joinToken"]


# --------------------------------------------------------------------------- browser

def launch_chromium(pw):
    """Chromium with the test flags and one merged --disable-features list (as conftest.py does)."""
    before = set(descendants(os.getpid()))
    probe = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
    defaults: list[str] = []
    for pid in set(descendants(os.getpid())) - before:
        try:
            argv = [a.decode(errors="replace") for a in Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0") if a]
        except OSError:
            continue
        if argv and "chrom" in Path(argv[0]).name and not any(a.startswith("--type=") for a in argv):
            defaults += [a for a in argv if a.startswith("--disable-features=")]
    probe.close()
    features: list[str] = []
    for switch in defaults:
        for name in switch.split("=", 1)[1].split(","):
            if name and name not in features:
                features.append(name)
    features += [f for f in OUR_DISABLED_FEATURES if f not in features]
    return pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                              args=CHROMIUM_ARGS + ["--disable-features=" + ",".join(features)],
                              ignore_default_args=sorted(set(defaults)))


def raw_participant(browser, base: str, token: str, raw_js: str):
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    page.goto(base + "/healthz")
    page.add_script_tag(content=raw_js)
    page.evaluate("(t) => rawJoin(t)", token)
    return context, page


def wait_receiving(pages, streams_each: int, timeout: float) -> tuple[bool, list[int]]:
    """Waits until every page receives `streams_each` streams; (all did, streams per page)."""
    deadline = time.monotonic() + timeout
    while True:
        got = [p.evaluate(RECEIVED_JS) for p in pages]
        if all(g["streams"] >= streams_each and g["frames"] > 0 for g in got):
            return True, [g["streams"] for g in got]
        if time.monotonic() > deadline:
            return False, [g["streams"] for g in got]
        time.sleep(0.5)


def wait_publishing(page, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while page.evaluate("() => !!(window.rawPub && rawPub.connectionState === 'connected')") is not True:
        if time.monotonic() > deadline:
            fail(f"the first participant's publish connection did not connect: {page.evaluate('rawState.errors')}")
        time.sleep(0.2)


# --------------------------------------------------------------------------- phase 1: join time

def join_once_ui(browser, base: str, code: str, name: str, timeout_ms: int) -> dict:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        page = context.new_page()
        opened = time.time() * 1000
        page.goto(f"{base}/m/{code}")
        page.get_by_label("Your name").fill(name, timeout=timeout_ms)
        join = page.get_by_role("button", name="Join", exact=True)
        join.wait_for(state="visible", timeout=timeout_ms)
        # The page's own clock for the press: Playwright's click() spends tens of
        # milliseconds on its actionability checks before the browser sees it.
        page.evaluate("() => document.addEventListener('submit', () => { window.__submitAt = performance.timeOrigin + performance.now(); }, true)")
        clicked = time.time() * 1000
        join.click(timeout=timeout_ms)
        steps = page.evaluate(JOIN_STEPS_JS, [timeout_ms])
        submitted = page.evaluate("() => window.__submitAt || null")
        if submitted:
            clicked = submitted
        if steps is None:
            raise TimeoutError(f"no decoded remote frame within {timeout_ms} ms after Join")
        frame = steps["frame"]
        return {"total_ms": frame - opened, "after_click_ms": frame - clicked,
                "steps_ms": {k: steps[k] - clicked for k in JOIN_STEPS if k in steps}}
    finally:
        context.close()


def join_once_raw(browser, base: str, token: str, raw_js: str, timeout_ms: int) -> dict:
    context = browser.new_context(bypass_csp=True)
    try:
        page = context.new_page()
        opened = time.time() * 1000
        page.goto(base + "/healthz")
        page.add_script_tag(content=raw_js)
        clicked = time.time() * 1000
        page.evaluate("(t) => { rawJoin(t); return true; }", token)
        frame = page.evaluate(FIRST_FRAME_JS, [timeout_ms, True])
        if frame is None:
            raise TimeoutError(f"no decoded remote frame within {timeout_ms} ms")
        return {"total_ms": frame - opened, "after_click_ms": frame - clicked}
    finally:
        context.close()


def join_phase(browser, server: ParleyServer, args, raw_js: str) -> dict:
    busy_before = wait_for_quiet(args.max_busy, args.patience)
    meeting = Meeting(server.base, "Join time")
    anchor_ctx, anchor = raw_participant(browser, server.base, meeting.host_token(), raw_js)
    client = args.join_client
    samples: list[dict] = []
    fallback_reason = None
    try:
        wait_publishing(anchor, 20)
        time.sleep(2)  # a steady stream, as from someone who has been in the room for a while
        for i in range(args.joins):
            note(f"join {i + 1}/{args.joins} ({client} client) …")
            try:
                if client == "raw":
                    s = join_once_raw(browser, server.base, meeting.guest_token(f"Joiner {i}"), raw_js, 20_000)
                else:
                    s = join_once_ui(browser, server.base, meeting.code, f"Joiner {i}", 20_000)
            except Exception as err:  # noqa: BLE001 - the UI may be mid-change; fall back, say so
                if client != "auto" or samples:
                    fail(f"join {i + 1} failed: {err}")
                fallback_reason = f"{type(err).__name__}: {str(err).splitlines()[0][:160]}"
                note(f"the meeting page did not work ({fallback_reason}); measuring with the raw client")
                client = "raw"
                s = join_once_raw(browser, server.base, meeting.guest_token(f"Joiner {i}"), raw_js, 20_000)
            if client == "auto":
                client = "ui"
            samples.append(s)
            time.sleep(args.join_pause)
    finally:
        anchor_ctx.close()
    totals = [s["total_ms"] for s in samples]
    clicks = [s["after_click_ms"] for s in samples]
    return {"client": client, "fallback_reason": fallback_reason, "samples": samples, "busy_before_pct": busy_before,
            "total": {"median": statistics.median(totals), "min": min(totals), "max": max(totals)},
            "after_click": {"median": statistics.median(clicks), "min": min(clicks), "max": max(clicks)}}


# --------------------------------------------------------------------------- phase 2: forwarding cost

def load_phase(browser, server: ParleyServer, n: int, args, raw_js: str) -> dict:
    time.sleep(args.settle)
    busy_before = wait_for_quiet(args.max_busy, args.patience)
    idle_rss = server.rss_mib()
    c0, w0 = server.cpu(), time.perf_counter()
    time.sleep(2)
    idle_cpu_pct = 100 * (server.cpu() - c0) / (time.perf_counter() - w0)

    meeting = Meeting(server.base, f"{n} participants")
    contexts, pages = [], []
    try:
        for i in range(n):
            token = meeting.host_token() if i == 0 else meeting.guest_token(f"P{i}")
            ctx, page = raw_participant(browser, server.base, token, raw_js)
            contexts.append(ctx)
            pages.append(page)
        streams_each = 2 * (n - 1)
        complete, received = wait_receiving(pages, streams_each, 60)
        if complete:
            note(f"{n} participants: everyone receives {streams_each} streams; warming up {args.warmup:.0f} s …")
        else:
            states = [p.evaluate("() => [window.rawPub && rawPub.connectionState, window.rawSub && rawSub.connectionState]")
                      for p in pages]
            note(f"{n} participants: after 60 s not everyone receives {streams_each} streams ({received}; "
                 f"publish/subscribe states {states}); measuring anyway, the row is marked")
        time.sleep(args.warmup)
        udp0 = udp_sockets(server.pid)

        browser_pids = chromium_pids()
        before = [p.evaluate(RECEIVED_JS) for p in pages]
        p_cpu0, b_cpu0, m0, w0 = server.cpu(), tree_cpu_seconds(browser_pids), machine_busy_seconds(), time.perf_counter()
        self0 = os.times()
        rss, intervals = [], []
        last_cpu, last_wall = p_cpu0, w0
        while time.perf_counter() - w0 < args.window:
            time.sleep(min(1.0, max(0.05, args.window - (time.perf_counter() - w0))))
            cpu, now = server.cpu(), time.perf_counter()
            intervals.append(100 * (cpu - last_cpu) / (now - last_wall))
            last_cpu, last_wall = cpu, now
            rss.append(server.rss_mib())
        wall = time.perf_counter() - w0
        parley_cpu = server.cpu() - p_cpu0
        browser_cpu = tree_cpu_seconds(browser_pids) - b_cpu0
        self1 = os.times()
        own = (self1.user + self1.system) - (self0.user + self0.system)
        machine = machine_busy_seconds() - m0
        after = [p.evaluate(RECEIVED_JS) for p in pages]
        browser_rss = tree_rss_mib(browser_pids)
        udp1 = udp_sockets(server.pid)
    finally:
        for ctx in contexts:
            ctx.close()

    packets = sum(a["packets"] - b["packets"] for a, b in zip(after, before))
    bytes_ = sum(a["bytes"] - b["bytes"] for a, b in zip(after, before))
    frames = sum(a["frames"] - b["frames"] for a, b in zip(after, before))
    lost = sum(a["lost"] - b["lost"] for a, b in zip(after, before))
    streams = n * (n - 1) * 2
    video_streams = n * (n - 1)
    cpu_pct = 100 * parley_cpu / wall
    rss_mean = statistics.mean(rss)
    return {
        "participants": n, "streams": streams, "window_s": wall,
        "parley_cpu_pct": cpu_pct, "parley_cpu_pct_min": min(intervals), "parley_cpu_pct_max": max(intervals),
        "parley_idle_cpu_pct": idle_cpu_pct,
        "cpu_pct_per_stream": cpu_pct / streams,
        "rss_mib": rss_mean, "rss_max_mib": max(rss), "rss_idle_mib": idle_rss,
        "rss_per_stream_kib": 1024 * (rss_mean - idle_rss) / streams,
        "packets_per_s": packets / wall, "mbit_per_s": 8 * bytes_ / wall / 1e6,
        "video_fps_per_stream": frames / wall / video_streams, "packets_lost": lost,
        "cpu_us_per_packet": 1e6 * parley_cpu / packets if packets else float("nan"),
        "chromium_cpu_pct": 100 * browser_cpu / wall, "chromium_rss_mib": browser_rss,
        "other_cpu_pct": max(0.0, 100 * (machine - parley_cpu - browser_cpu - own) / wall),
        "busy_before_pct": busy_before,
        "complete": complete, "streams_received": [a["streams"] for a in after],
        "udp_drops": udp1["drops"] - udp0["drops"], "udp_rx_queue_bytes": udp1["rx_queue_bytes"],
    }


# --------------------------------------------------------------------------- report

def print_report(info: dict, join: dict | None, rows: list[dict]) -> None:
    m = info["machine"]
    print()
    print(f"Parley media benchmark — binary {info['binary']} ({info['build']}), {m['chromium']}")
    print(f"machine: {m['nproc']} CPUs, {m['cpu']}, {m['memory']} RAM, Linux {m['kernel']}; before start: "
          f"load average {m['loadavg']}, CPUs {m['busy_pct']:.0f}% busy; Chromium (one process, a context per "
          "participant) on the same machine")
    if join:
        print()
        how = ("the meeting page /m/<code> (guest: name typed, Join pressed)" if join["client"] == "ui"
               else "the raw signaling client (Tests/Browser/rawclient.js), not the meeting page")
        print(f"join time, {len(join['samples'])} joins through {how}, one participant already publishing "
              f"(machine {join['busy_before_pct']:.0f}% busy just before):")
        if join["fallback_reason"]:
            print(f"  (the meeting page failed: {join['fallback_reason']})")
        t, c = join["total"], join["after_click"]
        first = "opening the page" if join["client"] == "ui" else "opening a page"
        second = "pressing Join" if join["client"] == "ui" else "sending join"
        print(f"  {first} → first decoded remote frame:  median {t['median']:.0f} ms, min {t['min']:.0f} ms, max {t['max']:.0f} ms")
        print(f"  {second} → first decoded remote frame:{' ' * (len(first) - len(second))}  median {c['median']:.0f} ms, "
              f"min {c['min']:.0f} ms, max {c['max']:.0f} ms")
        print("  each: " + ", ".join(f"{s['total_ms']:.0f}" for s in join["samples"]) + " ms")
        with_steps = [s["steps_ms"] for s in join["samples"] if "steps_ms" in s]
        if with_steps:
            names = {"room": "join token, room made", "joined": "joined (signaling)", "offer": "first subscribe offer applied",
                     "ice": "ICE connected (subscribe)", "dtls": "DTLS connected (subscribe)",
                     "packet": "first video packet", "frame": "first decoded frame"}
            print("  where the time goes (median ms after pressing Join, by the page's clock: the form's submit event):")
            for k in JOIN_STEPS:
                values = [st[k] for st in with_steps if k in st]
                if values:
                    print(f"    {names[k]:<32} {statistics.median(values):6.0f}")
    if rows:
        print()
        print(f"forwarding: each participant publishes camera (640x480 VP8, fake device) + microphone (Opus); "
              f"{info['warmup']:.0f} s warm-up, then {info['window']:.0f} s measured")
        header = (f"{'n':>2} {'streams':>7} {'pkt/s':>7} {'Mbit/s':>7} {'fps/vid':>7} {'lost':>5} "
                  f"{'parley CPU%':>11} {'(min-max)':>11} {'CPU%/stream':>11} {'µs/packet':>9} "
                  f"{'RSS MiB':>7} {'ΔRSS KiB/stream':>15} {'rx drops':>8} {'chromium CPU%':>13} {'chromium MiB':>12} "
                  f"{'other%':>6}")
        print(header)
        print("-" * len(header))
        for r in rows:
            print(f"{r['participants']:>2} {r['streams']:>7} {r['packets_per_s']:>7.0f} {r['mbit_per_s']:>7.1f} "
                  f"{r['video_fps_per_stream']:>7.1f} {r['packets_lost']:>5} {r['parley_cpu_pct']:>11.1f} "
                  f"{r['parley_cpu_pct_min']:>5.0f}-{r['parley_cpu_pct_max']:<5.0f} {r['cpu_pct_per_stream']:>11.2f} "
                  f"{r['cpu_us_per_packet']:>9.1f} {r['rss_mib']:>7.1f} {r['rss_per_stream_kib']:>15.0f} "
                  f"{r['udp_drops']:>8} {r['chromium_cpu_pct']:>13.0f} {r['chromium_rss_mib']:>12.0f} "
                  f"{r['other_cpu_pct']:>6.0f}" + ("" if r["complete"] else
                  f"  INCOMPLETE: streams received per participant {r['streams_received']}"))
        print(f"(streams = n*(n-1)*2 forwarded audio+video streams; pkt/s, Mbit/s: RTP the subscribers received, i.e. what "
              f"Parley forwarded; fps/vid: decoded frames per second per forwarded video; CPU%: CPU time / wall time, "
              f"100 = one core of {m['nproc']}, Parley's own from /proc/<pid>/stat, sampled every second (min-max); "
              f"µs/packet: Parley's CPU time / forwarded packets (packets it received are not counted separately); "
              f"ΔRSS: mean VmRSS during the window minus VmRSS idle before the participants joined; rx drops: datagrams "
              f"the kernel dropped at Parley's UDP sockets in the window (receive buffer full, /proc/net/udp); chromium: "
              f"the browser's whole process tree; other%: the rest of the machine)")
        idle = ", ".join(f"{r['parley_idle_cpu_pct']:.1f}% before n={r['participants']}" for r in rows)
        print(f"parley idle CPU: {idle}")
        busy = ", ".join(f"{r['busy_before_pct']:.0f}% before n={r['participants']}" for r in rows)
        print(f"machine busy with other work just before each size: {busy}")
    print_shutdown_and_log(info["shutdown"], info["log_problems"])


# --------------------------------------------------------------------------- main

def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--binary", type=Path, default=None,
                   help="parley executable (default: .build-release/release/parley if present, else .build/debug/parley)")
    p.add_argument("--port", type=int, default=18090, help="HTTP port for parley on 127.0.0.1 (default 18090)")
    p.add_argument("--joins", type=int, default=10, help="joins to time (default 10; 0 skips the phase)")
    p.add_argument("--join-client", choices=["auto", "ui", "raw"], default="auto",
                   help="the meeting page (ui), the raw signaling client (raw), or the page with a fallback "
                        "to the raw client if the page does not work (auto, default)")
    p.add_argument("--join-pause", type=float, default=1.0, help="seconds between joins (default 1)")
    p.add_argument("--sizes", default="2,4,8", help="participant counts for the forwarding phase (default 2,4,8; "
                                                    "empty skips it)")
    p.add_argument("--warmup", type=float, default=8.0, help="seconds after media flows before measuring (default 8)")
    p.add_argument("--window", type=float, default=20.0, help="seconds measured per size (default 20)")
    p.add_argument("--settle", type=float, default=3.0, help="seconds of quiet before each size (default 3)")
    p.add_argument("--max-busy", type=float, default=20.0,
                   help="before each phase, wait until other processes keep the machine below this %% busy "
                        "(default 20; 100 = all CPUs)")
    p.add_argument("--patience", type=float, default=120.0,
                   help="how long to wait for that at most, in seconds, before measuring anyway (default 120)")
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="pass a setting to parley serve")
    p.add_argument("--json", type=Path, default=None, help="also write every figure to this JSON file")
    p.add_argument("--allow-host-network", action="store_true",
                   help="run even outside a private network namespace (traffic is still on 127.0.0.1)")
    return p.parse_args()


def main() -> None:
    args = parse_args()
    stay_on_loopback("media_bench", args.allow_host_network)
    try:
        import requests  # noqa: F401
        from playwright.sync_api import sync_playwright
    except ImportError as e:
        fail(f"{e}; install the Python packages of Tests/Browser/requirements.txt (make .venv)")
    if not Path(CHROMIUM).exists():
        fail(f"no Chromium at {CHROMIUM}: apt-get install -y chromium")
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    if any(n < 2 for n in sizes):
        fail("--sizes: a room needs at least 2 participants to forward anything")

    binary = (args.binary or default_binary()).absolute()
    if not binary.exists():
        fail(f"no parley binary at {binary}; build one: swift build -c release --product parley --scratch-path .build-release")
    build = "release" if "/release/" in str(binary) else "debug" if "/debug/" in str(binary) else "unknown build"
    if build == "debug":
        note("WARNING: a debug build; its figures say little about production speed")

    raw_js = RAW_CLIENT.read_text()
    work = Path(tempfile.mkdtemp(prefix="parley-media-bench."))
    atexit.register(shutil.rmtree, work, ignore_errors=True)
    server = make_server(binary, args.port, work, args.set)
    info = {
        "binary": str(binary.relative_to(REPO) if binary.is_relative_to(REPO) else binary), "build": build,
        "machine": machine_description(), "settings": args.set, "warmup": args.warmup, "window": args.window,
        "started": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
    }
    join = None
    rows: list[dict] = []
    try:
        server.start()
        with sync_playwright() as pw:
            browser = launch_chromium(pw)
            try:
                if args.joins > 0:
                    join = join_phase(browser, server, args, raw_js)
                for n in sizes:
                    note(f"forwarding with {n} participants …")
                    rows.append(load_phase(browser, server, n, args, raw_js))
            finally:
                browser.close()
    finally:
        server.stop()
    info["shutdown"] = server.shutdown
    info["log_problems"] = server.log_problems()
    print_report(info, join, rows)
    if args.json:
        args.json.write_text(json.dumps({"info": info, "join": join, "forwarding": rows}, indent=2))


if __name__ == "__main__":
    main()
