"""The browser half of gateway_bench.py's delay phase: one-way delay between a phone and a
headless Chromium guest on the real meeting page, both ways, at the packet level (before either
receiver's own buffers). See gateway_bench.py's docstring, phase 2b.
"""

from __future__ import annotations

import json
import math
import time
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from chromium_guest import BURST_SENDER_JS, MIC_MID_JS, Guest, big_frames, first_after_quiet
from sipcaller import burst_onsets, frames_of, pct, tone

if TYPE_CHECKING:
    from gateway_bench import Parley, Phones


def browser_delay(parley: Parley, phones: Phones, work: Path, args) -> dict:
    """One-way delay between a phone and a Chromium guest, both ways, at the packet level:
    from the moment the packet (phone) or encoded frame (browser) carrying a burst's onset
    leaves its sender to the moment the packet or frame carrying it reaches the other side
    (browser: the receiver's encoded transform, before NetEq; phone: its RTP socket)."""
    from playwright.sync_api import sync_playwright

    m = parley.meeting("Gateway browser delay")
    silence = frames_of(np.zeros(160, dtype=np.int16))
    phone = phones.caller("bdelay", m["dialInCode"], "Delay Phone", silence)
    out: dict = {}
    with sync_playwright() as pw:
        guest = Guest(pw, parley, m, "Delay Guest", stamp_frames=True)
        try:
            errors = phones.dial([phone], 1)
            if errors:
                return {"error": errors[0]}
            pid = guest.participant("Delay Phone")
            mid = guest.page.evaluate(MIC_MID_JS, pid)
            time.sleep(args.settle + 2)  # the join prompt and chimes are over
            cal0 = guest.clock_offset()

            # Phone → browser: the phone's burst packets (send times from the pacer) against the
            # arrival of the first big Opus frame after quiet at the guest's receiver transform.
            guest.take("rx")
            phones.pacer.sent.clear()
            phones.pacer.keep_send_times = True
            k0 = phones.play(phone, frames_of(tone(1000, 0.020, amplitude=0.5)) + silence * 49)[0]
            t_k0 = phones.pacer.t0
            time.sleep(args.bursts + 1.0)
            rx = [e for e in guest.take("rx") if e[3] == mid]
            phones.play(phone, silence)
            phones.pacer.keep_send_times = False
            sent = dict(phones.pacer.sent)
            phones.pacer.sent.clear()

            # Browser → phone: a WebAudio burst replaces the fake microphone; the sender transform
            # stamps the first big Opus frame after quiet, the phone the first loud PCMU packet.
            started = guest.page.evaluate(BURST_SENDER_JS, [args.bursts, 1.0])
            if "error" in started:
                return {"error": started["error"]}
            guest.take("tx")
            rec = phones.record(phone, args.bursts + 2.5)
            tx = guest.take("tx")
            cal1 = guest.clock_offset()
        finally:
            guest.close()
    phones.hang_up([phone])
    (work / "browser-delay-frames.json").write_text(json.dumps({
        "rx": rx, "tx": tx, "phone_sent": {str(k): v for k, v in sent.items() if (k - k0) % 50 == 0},
        "phone_heard": [(a, s, t, len(p)) for a, s, t, p in rec], "clock": [cal0, cal1]}))

    offset = (cal0["offset_s"] + cal1["offset_s"]) / 2
    out["clock"] = {"rtt_ms": max(cal0["rtt_ms"], cal1["rtt_ms"]),
                    "drift_ms": 1000 * (cal1["offset_s"] - cal0["offset_s"]),
                    "worker_hop_ms": max(cal0["worker_hop_ms"], cal1["worker_hop_ms"])}

    big, quiet, threshold = big_frames(rx)
    arrivals = [e[0] / 1000 - offset for e in big]
    p2b = []
    for i in first_after_quiet(arrivals):
        t = arrivals[i]
        j = math.floor((t - (t_k0 + k0 * 0.020)) / 1.0)  # the burst sent last before this arrival
        if j < 0:
            continue
        k = k0 + 50 * j
        p2b.append(t - sent.get(k, t_k0 + k * 0.020))
    out["phone_to_browser"] = {"bursts": len(p2b), "frames": len(rx), "quiet_bytes": quiet, "burst_bytes_over": threshold,
                               "p50_ms": 1000 * pct(p2b, 50), "p95_ms": 1000 * pct(p2b, 95),
                               "min_ms": 1000 * min(p2b) if p2b else float("nan"),
                               "max_ms": 1000 * max(p2b) if p2b else float("nan")}

    big, quiet, threshold = big_frames(tx)
    sends = [e[0] / 1000 - offset for e in big]
    sends = [sends[i] for i in first_after_quiet(sends)]
    b2p, onset_in_packet = [], []
    for arrival, onset in burst_onsets(rec):
        before = [s for s in sends if s <= arrival and arrival - s < 0.9]
        if before:
            b2p.append(arrival - before[-1])
            onset_in_packet.append(onset)
    out["browser_to_phone"] = {"bursts": len(b2p), "frames": len(tx), "bursts_sent": len(sends), "quiet_bytes": quiet,
                               "burst_bytes_over": threshold,
                               "p50_ms": 1000 * pct(b2p, 50), "p95_ms": 1000 * pct(b2p, 95),
                               "min_ms": 1000 * min(b2p) if b2p else float("nan"),
                               "max_ms": 1000 * max(b2p) if b2p else float("nan"),
                               "onset_in_packet_p50_ms": 1000 * pct(onset_in_packet, 50)}
    return out


def print_browser_delay(bd: dict) -> None:
    print("\n== 2b. One-way delay between a phone and a Chromium guest (the real meeting page), both ways ==")
    if "error" in bd:
        print("failed:", bd["error"])
        return
    c, p2b, b2p = bd["clock"], bd["phone_to_browser"], bd["browser_to_phone"]
    print(f"phone → browser: p50 {p2b['p50_ms']:.1f} ms, p95 {p2b['p95_ms']:.1f} ms (min {p2b['min_ms']:.1f}, "
          f"max {p2b['max_ms']:.1f}; {p2b['bursts']} bursts)")
    print("  = the phone's send of the PCMU packet that starts a 20 ms 1 kHz burst → the first Opus frame over "
          f"{p2b['burst_bytes_over']:.0f} bytes (quiet frames {p2b['quiet_bytes']:.0f}) reaching Chromium's receiver encoded "
          "transform. Includes: loopback, the gateway's input jitter buffer, the wait for its 20 ms tick, the Opus "
          "encode, the SFU, SRTP, Chromium's network thread and depacketiser. Excludes: Chromium's jitter buffer (NetEq), "
          "decode and playout, and the phone's own packetisation.")
    print(f"browser → phone: p50 {b2p['p50_ms']:.1f} ms, p95 {b2p['p95_ms']:.1f} ms (min {b2p['min_ms']:.1f}, "
          f"max {b2p['max_ms']:.1f}; {b2p['bursts']} of {b2p['bursts_sent']} bursts)")
    print("  = the first Opus frame over "
          f"{b2p['burst_bytes_over']:.0f} bytes (quiet {b2p['quiet_bytes']:.0f}) leaving Chromium's encoder (sender "
          "encoded transform; a WebAudio 20 ms 1 kHz burst every second replaces the microphone) → the first loud PCMU "
          "packet reaching the phone's socket. Includes: the transform's hop back, packetisation, SRTP, the SFU, the "
          "gateway's Opus decode, input jitter buffer, 20 ms tick, N-1 mix, PCMU encode, loopback. Excludes: "
          "Chromium's capture and encoder buffering (before the frame exists) and the phone's playout buffer. The onset "
          f"sits {b2p['onset_in_packet_p50_ms']:.1f} ms into the phone's packet (p50).")
    print(f"clock: Chromium's worker clock mapped to this script's monotonic clock by the fastest of 40 round trips "
          f"({c['rtt_ms']:.2f} ms, so within ±{c['rtt_ms'] / 2:.2f} ms); the mapping moved {c['drift_ms']:+.2f} ms "
          f"over the measurement")
