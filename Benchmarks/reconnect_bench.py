#!/usr/bin/env python3
"""Parley reconnection benchmark: from the network's return to video flowing again.

    scripts/in-private-netns.sh .venv/bin/python Benchmarks/reconnect_bench.py [--cuts 5,20] [--repeats 5]

Two guests join one meeting through the real meeting page (headless Chromium,
fake camera and microphone) and receive each other's video. Then, --repeats
times for each cut length in --cuts (seconds), everything on loopback is
dropped inside this private network namespace (`iptables -I INPUT -j DROP`),
and restored. The clock starts when the rule is removed and stops, for each
guest, when the other's video is being decoded again (framesDecoded grows on
the page's current subscribe connection). Per cut length it prints p50, p95
and max of the slower guest, and how each came back (resume keeping media,
resume with fresh media, ICE restart). Figures are printed, never asserted.

A cut shorter than the page's and Parley's silence limits (12 s and 15 s)
heals on the same sockets and ICE pairs; longer ones go through a resume.
"""

from __future__ import annotations

import argparse
import atexit
import json
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from host import default_binary, stay_on_loopback
from media_bench import Meeting, fail, launch_chromium, make_server, note

FRAMES_FLOWING_JS = """
async (pid) => {
  const frames = async () => {
    const room = window.parleyRoom;
    if (!room || !room.subscribePC || !room.subscriber) return -1;
    let n = -1;
    (await room.subscribePC.getStats()).forEach((s) => {
      if (s.type !== 'inbound-rtp' || s.kind !== 'video') return;
      const slot = room.subscriber.slotFor({ mid: s.mid, trackIdentifier: s.trackIdentifier });
      if (slot && slot.participantId === pid) n = Math.max(n, s.framesDecoded || 0);
    });
    return n;
  };
  const a = await frames();
  await new Promise((r) => setTimeout(r, 150));
  const b = await frames();
  return a >= 0 && b > a;
}
"""


def iptables(*args: str) -> None:
    subprocess.run(["iptables", "-w", *args], check=True, capture_output=True)


def join_ui(browser, base: str, code: str, name: str):
    context = browser.new_context(viewport={"width": 960, "height": 600})
    page = context.new_page()
    page.goto(f"{base}/m/{code}")
    page.get_by_label("Your name").fill(name, timeout=30_000)
    page.get_by_role("button", name="Join", exact=True).click(timeout=30_000)
    page.wait_for_function("() => window.parleyRoom && window.parleyRoom.state === 'joined'", timeout=30_000)
    return context, page


def wait_flowing(page, pid: str, timeout: float) -> float | None:
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        try:
            if page.evaluate(FRAMES_FLOWING_JS, pid):
                return time.monotonic() - start
        except Exception:  # noqa: BLE001 — a page mid-reconnect may throw once
            pass
        time.sleep(0.05)
    return None


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--binary", type=Path, default=None, help="parley executable (default: release build if present)")
    p.add_argument("--port", type=int, default=18091)
    p.add_argument("--cuts", default="5,20", help="cut lengths in seconds (default 5,20)")
    p.add_argument("--repeats", type=int, default=5, help="cuts per length (default 5)")
    p.add_argument("--json", type=Path, default=None)
    p.add_argument("--allow-host-network", action="store_true")
    args = p.parse_args()
    stay_on_loopback("reconnect_bench", args.allow_host_network)
    from playwright.sync_api import sync_playwright

    binary = (args.binary or default_binary()).absolute()
    if not binary.exists():
        fail(f"no parley binary at {binary}")
    if "/debug/" in str(binary):
        note("WARNING: a debug build")
    work = Path(tempfile.mkdtemp(prefix="parley-reconnect-bench."))
    atexit.register(shutil.rmtree, work, ignore_errors=True)
    server = make_server(binary, args.port, work, [])
    results: dict[str, dict] = {}
    try:
        server.start()
        with sync_playwright() as pw:
            browser = launch_chromium(pw)
            meeting = Meeting(server.base, "Reconnect bench")
            ca, a = join_ui(browser, server.base, meeting.code, "Ada")
            cb, b = join_ui(browser, server.base, meeting.code, "Ben")
            ida = a.evaluate("() => window.parleyRoom.participantId")
            idb = b.evaluate("() => window.parleyRoom.participantId")
            if wait_flowing(a, idb, 30) is None or wait_flowing(b, ida, 30) is None:
                fail("video did not flow between the two guests")
            for cut in [float(c) for c in args.cuts.split(",") if c.strip()]:
                times: list[float] = []
                how: list[dict] = []
                for i in range(args.repeats):
                    before = [pg.evaluate("() => ({...window.parleyRoom.session.counters})") for pg in (a, b)]
                    iptables("-I", "INPUT", "-j", "DROP")
                    time.sleep(cut)
                    iptables("-D", "INPUT", "-j", "DROP")
                    ta = wait_flowing(a, idb, 60)
                    tb = wait_flowing(b, ida, 60)
                    if ta is None or tb is None:
                        fail(f"cut {cut:g} s #{i + 1}: video did not come back within 60 s (Ada {ta}, Ben {tb})")
                    same = (a.evaluate("() => window.parleyRoom.participantId"), b.evaluate("() => window.parleyRoom.participantId"))
                    if same != (ida, idb):
                        fail(f"cut {cut:g} s #{i + 1}: came back as someone else: {same}")
                    after = [pg.evaluate("() => ({...window.parleyRoom.session.counters})") for pg in (a, b)]
                    delta = {k: sum(x[k] - y[k] for x, y in zip(after, before)) for k in after[0]}
                    times.append(max(ta, tb))
                    how.append(delta)
                    print(f"cut {cut:>4g} s #{i + 1}: back in {max(ta, tb):.2f} s (Ada {ta:.2f}, Ben {tb:.2f}); {delta}", flush=True)
                    time.sleep(5)
                results[f"{cut:g}"] = {
                    "p50": statistics.median(times), "p95": percentile(times, 0.95), "max": max(times),
                    "runs": times, "how": how,
                }
            ca.close()
            cb.close()
            browser.close()
    finally:
        server.stop()
    print("\nnetwork cut | network back → video flowing again: p50 | p95 | max | runs")
    for cut, r in results.items():
        print(f"{cut:>6} s    | {r['p50']:.2f} s | {r['p95']:.2f} s | {r['max']:.2f} s | {len(r['runs'])}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
