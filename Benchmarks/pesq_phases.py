"""The PESQ phases of gateway_bench.py: a phone's speech as a headless Chromium guest on the
meeting page hears it, narrowband (PCMU, P.862) and wideband (G.722, P.862.2), per loss rate
and fixed loss pattern, beside the codec alone with the same frames zeroed; and an Opus
softphone's wideband speech, which the gateway forwards without transcoding.
"""

from __future__ import annotations

import math
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from chromium_guest import Guest, record_guest
from sipcaller import (SENTENCES, align, frames_of, g722_decode, g722_frames, lag_drift_ms, opus_frames, pesq_nb, pesq_wb,
                       read_wav, resample, speech_8k, ulaw_decode, write_wav)

if TYPE_CHECKING:
    from gateway_bench import Parley, Phones


def note(message: str) -> None:
    print(f"gateway_bench: {message}", file=sys.stderr, flush=True)


def dbfs(x: np.ndarray) -> float:
    return 20 * math.log10(max(1e-9, float(np.sqrt(np.mean((x / 32768.0) ** 2)))))


def zero_frames(pcm: np.ndarray, dropped: frozenset[int], first: int, size: int) -> np.ndarray:
    """`pcm` with the frames the loss pattern dropped set to 0 (payload index `first` holds
    the speech's first frame of `size` samples)."""
    out = pcm.copy()
    for i in dropped:
        j = i - first
        if 0 <= j * size < len(out):
            out[j * size:(j + 1) * size] = 0
    return out


def loss_runs(args) -> list[tuple[float, int]]:
    return [(float(x) / 100, seed) for x in args.losses.split(",") for seed in range(1, args.seeds + 1)]


def pesq_through_browser(parley: Parley, phones: Phones, work: Path, args, *, label: str, codec: str, rate: int,
                         speech: np.ndarray, signal: list[bytes], silence: list[bytes], reference: np.ndarray,
                         runs: list[tuple[float, int]], score) -> list[dict]:
    """A phone on `codec` plays `signal` (1 s of quiet, `speech`, 1 s of quiet, as payloads)
    into a meeting once per (loss, seed) in `runs` while a Chromium guest records it; each
    recording is resampled to `rate`, aligned and scored with `score(ref, deg)`, beside
    `reference` (the codec alone) with the same frames zeroed."""
    from playwright.sync_api import sync_playwright

    frame = rate // 50
    speech_frames = -(-len(speech) // frame)
    alone = score(speech, reference)
    m = parley.meeting(f"Gateway {label} PESQ")
    phone = phones.caller(label.lower(), m["dialInCode"], f"{label} Phone", silence, codec=codec)
    out: list[dict] = []
    with sync_playwright() as pw:
        guest = Guest(pw, parley, m, stamp_frames=True)
        try:
            errors = phones.dial([phone], 1)
            if errors:
                raise RuntimeError(errors[0])
            pid = guest.participant(f"{label} Phone")
            time.sleep(args.settle)
            for loss, seed in runs:
                dropped = phones.play(phone, signal, lead=10, loss=loss, seed=seed)[1]  # speech 1.2 s from now
                name = f"browser-heard-{'' if codec == 'PCMU' else codec.lower() + '-'}{loss:.0%}-{seed}.wav"
                got = record_guest(guest, pid, len(signal) * 0.020 + 1.5, work, name)
                phones.play(phone, silence)
                if isinstance(got, str):
                    raise RuntimeError(got)
                heard = resample(got[0], got[1], rate, work)
                deg, lag = align(speech, heard, rate)
                out.append({
                    "loss": loss, "seed": seed, "pesq": score(speech, deg),
                    "dropped": sum(1 for i in dropped if 50 <= i < 50 + speech_frames), "frames": speech_frames,
                    "zeroed": score(speech, zero_frames(reference, dropped, 50, frame)) if dropped else alone,
                    "lag_s": lag, "stretch_ms": lag_drift_ms(speech, heard, rate), "rms_dbfs": dbfs(deg), **got[2],
                    "recording": got})
                note(f"{label} PESQ {loss:.0%} seed {seed}: {out[-1]['pesq']:.2f}")
        finally:
            guest.close()
    phones.hang_up([phone])
    return out


def means(runs: list[dict]) -> dict:
    """Mean score per loss rate."""
    return {f"{loss:.0%}": float(np.mean([r["pesq"] for r in runs if r["loss"] == loss]))
            for loss in dict.fromkeys(r["loss"] for r in runs)}


def browser_pesq(parley: Parley, phones: Phones, speech: np.ndarray, work: Path, args) -> dict:
    """Narrowband PESQ of a PCMU phone's speech as a Chromium guest hears it, per loss rate and
    loss pattern (seed), beside µ-law with the same frames zeroed."""
    pad = np.zeros(8000, dtype=np.int16)  # 1 s = 50 frames before and after the speech
    ulaw = np.concatenate([ulaw_decode(f) for f in frames_of(speech)])[: len(speech)]
    try:
        runs = pesq_through_browser(parley, phones, work, args, label="PCMU", codec="PCMU", rate=8000, speech=speech,
                                    signal=frames_of(np.concatenate([pad, speech, pad])),
                                    silence=frames_of(np.zeros(160, dtype=np.int16)), reference=ulaw,
                                    runs=loss_runs(args), score=pesq_nb)
    except RuntimeError as err:
        return {"error": str(err)}
    for r in runs:
        r["ulaw_zeroed"] = r.pop("zeroed")
        r.pop("recording")
    return {"ulaw_only": pesq_nb(speech, ulaw), "runs": runs, "mean": means(runs)}


def kitchen_noise(count: int, rms: float, seed: int = 12345) -> np.ndarray:
    """Steady noise, lightly low-passed like a room's hum and hiss (one pole at 0.6), at `rms`."""
    white = np.random.default_rng(seed).standard_normal(count)
    out = np.empty(count)
    previous = 0.0
    for i, w in enumerate(white):
        previous = 0.6 * previous + 0.4 * w
        out[i] = previous
    return out * rms / np.sqrt(np.mean(out ** 2))


def active_level_db(ref: np.ndarray, sig: np.ndarray, frame: int = 160) -> float:
    """dBFS of `sig` over the 20 ms frames where `ref` (the clean speech, aligned) is on."""
    n = min(len(ref), len(sig)) // frame * frame
    r = ref[:n].astype(np.float64).reshape(-1, frame)
    x = sig[:n].astype(np.float64).reshape(-1, frame)
    on = np.mean(r ** 2, axis=1) > np.mean(r ** 2) / 4
    return 10 * math.log10(np.mean(x[on] ** 2) / 32768 ** 2 + 1e-12)


def noisy_caller(parley: Parley, phones: Phones, speech: np.ndarray, work: Path, args) -> dict:
    """A PCMU caller in a loud kitchen (steady noise 10 dB under the speech's active level, on
    the line all along) as a Chromium guest hears it: how much lower the noise comes out
    relative to the speech (the gateway's voice cleaning; the noise alone is taken just before
    and just after the speech), and PESQ against the clean speech
    beside the same noisy speech through µ-law alone (no cleaning)."""
    speech_db = active_level_db(speech, speech)
    noise_rms = 32768 * 10 ** ((speech_db - 10) / 20)
    pad = 8000
    noise = kitchen_noise(len(speech) + 2 * pad, noise_rms)
    clean = np.concatenate([np.zeros(pad), speech.astype(np.float64), np.zeros(pad)])
    noisy = np.clip(clean + noise, -32768, 32767).astype(np.int16)
    signal = frames_of(noisy)
    loop = frames_of(kitchen_noise(8000, noise_rms, seed=7).astype(np.int16))  # between runs: the kitchen alone
    sent = np.concatenate([ulaw_decode(f) for f in signal])
    uncleaned = sent[pad:pad + len(speech)]
    sent_noise_db = 10 * math.log10(np.mean(sent[:pad].astype(np.float64) ** 2) / 32768 ** 2)
    sent_speech_db = active_level_db(speech, uncleaned)
    try:
        runs = pesq_through_browser(parley, phones, work, args, label="Kitchen", codec="PCMU", rate=8000, speech=speech,
                                    signal=signal, silence=loop, reference=uncleaned,
                                    runs=[(0.0, s) for s in range(1, args.seeds + 1)], score=pesq_nb)
    except RuntimeError as err:
        return {"error": str(err)}
    for r in runs:
        r["uncleaned"] = r.pop("zeroed")
        heard, rate = r.pop("recording")[:2]
        heard8 = resample(heard, rate, 8000, work)
        start, end = int(r["lag_s"] * 8000), int(r["lag_s"] * 8000) + len(speech)
        # The kitchen alone: 0.8-0.2 s before the speech and 0.2-0.8 s after it.
        quiet = np.concatenate([heard8[max(0, start - 6400):max(0, start - 1600)], heard8[end + 1600:end + 6400]])
        deg, _ = align(speech, heard8, 8000)
        rx_noise_db = 10 * math.log10(np.mean(quiet.astype(np.float64) ** 2) / 32768 ** 2 + 1e-12) if len(quiet) else float("nan")
        rx_speech_db = active_level_db(speech, deg)
        r["noise_lower_db"] = (sent_noise_db - sent_speech_db) - (rx_noise_db - rx_speech_db)
        r["speech_level_db"] = rx_speech_db
    return {"uncleaned": pesq_nb(speech, uncleaned), "noise_under_speech_db": sent_speech_db - sent_noise_db,
            "runs": runs, "mean": means(runs),
            "noise_lower_db": float(np.mean([r["noise_lower_db"] for r in runs]))}


def wideband_speech(work: Path, args) -> tuple[np.ndarray, str]:
    """16 kHz speech for the wideband runs: a recorded human voice when one is at hand
    (--wb-speech; Debian's linphone package ships hello16000.wav, 10.6 s), else espeak-ng.
    espeak-ng's synthetic voice is a poor wideband reference: G.722 alone scores 3.07 on
    it, against 4.38 on the recording."""
    path = Path(args.wb_speech)
    if path.exists():
        s, rate = read_wav(path)
        if rate != 16000:
            s = resample(s, rate, 16000, work)
        return s.astype(np.int16), str(path)
    return speech_8k(work, SENTENCES, 16000), "espeak-ng"


def wideband_pesq(parley: Parley, phones: Phones, work: Path, args) -> dict:
    """Wideband PESQ (P.862.2) of a G.722 phone's 16 kHz speech as a Chromium guest hears it."""
    speech, source = wideband_speech(work, args)
    write_wav(work / "speech-16k.wav", speech, 16000)
    pad = np.zeros(16000, dtype=np.int16)  # 1 s = 50 frames
    signal = g722_frames(np.concatenate([pad, speech, pad]), work)
    # The offline reference: ffmpeg's G.722 encode + decode, aligned for its codec delay.
    g722, _ = align(speech, g722_decode(signal, work), 16000)
    # The last frame is the codec's digital silence, the encoder settled: what the phone sends between runs.
    runs = wideband_runs(parley, phones, work, args, label="G722", codec="G722", speech=speech, signal=signal,
                         reference=g722, zeroed_key="g722_zeroed")
    if isinstance(runs, str):
        return {"error": runs}
    return {"g722_only": pesq_wb(speech, g722), "speech": source, "runs": runs, "mean": means(runs)}


def wideband_runs(parley: Parley, phones: Phones, work: Path, args, *, label: str, codec: str, speech: np.ndarray,
                  signal: list[bytes], reference: np.ndarray, zeroed_key: str) -> list[dict] | str:
    """`pesq_through_browser` at 16 kHz, scored P.862.2, at --wb-losses with --seeds patterns each;
    each recording also scored narrowband (to compare with the PCMU caller). An error's text on failure."""
    speech8 = resample(speech, 16000, 8000, work)
    try:
        runs = pesq_through_browser(parley, phones, work, args, label=label, codec=codec, rate=16000, speech=speech,
                                    signal=signal, silence=[signal[-1]], reference=reference, score=pesq_wb,
                                    runs=[(float(x) / 100, s) for x in args.wb_losses.split(",") for s in range(1, args.seeds + 1)])
    except RuntimeError as err:
        return str(err)
    for r in runs:
        r[zeroed_key] = r.pop("zeroed")
        rec = r.pop("recording")
        r["pesq_nb"] = pesq_nb(speech8, align(speech8, resample(rec[0], rec[1], 8000, work), 8000)[0])
    return runs


def opus_wideband_pesq(parley: Parley, phones: Phones, work: Path, args) -> dict:
    """Wideband PESQ (P.862.2) of an Opus softphone's 16 kHz speech (libopus, 32 kbit/s, VoIP
    mode) as a Chromium guest hears it: the gateway forwards an Opus caller's packets to the
    room as they are (no transcoding), so this is the codec, the SFU and the browser."""
    speech, source = wideband_speech(work, args)
    pad = np.zeros(16000, dtype=np.int16)
    signal, decoded = opus_frames(np.concatenate([pad, speech, pad]), work)
    opus, _ = align(speech, decoded, 16000)
    runs = wideband_runs(parley, phones, work, args, label="Opus", codec="opus", speech=speech, signal=signal,
                         reference=opus, zeroed_key="opus_zeroed")
    if isinstance(runs, str):
        return {"error": runs}
    return {"opus_only": pesq_wb(speech, opus), "speech": source, "runs": runs, "mean": means(runs)}


FRAME_COLUMNS = ("'rx frames', 'ts≠20ms', 'gap max': the caller's Opus frames at the guest's receiver (encoded "
                 "transform, before NetEq) while recording: how many, RTP timestamp steps other than 20 ms, the longest "
                 "gap between two arrivals (ms)")


def print_pesq_table(runs: list[dict], reference_key: str, reference_name: str, extra: str | None = None,
                     extra_key: str = "pesq_nb") -> None:
    head = (f"{'loss':>5} {'seed':>4} {'dropped':>9} {'PESQ':>5} {reference_name:>{max(5, len(reference_name))}} {'level dBFS':>10} "
            f"{'stretch ms':>10} {'rx frames':>9} {'ts≠20ms':>7} {'gap max':>7}")
    if extra:
        head += f" {extra:>{max(8, len(extra))}}"
    print(head + "\n" + "-" * len(head))
    for r in runs:
        line = (f"{r['loss']:>5.0%} {r['seed']:>4} {r['dropped']:>4}/{r['frames']:<4} {r['pesq']:>5.2f} "
                f"{r[reference_key]:>{max(5, len(reference_name))}.2f} {r['rms_dbfs']:>10.1f} {r['stretch_ms']:>+10.0f} "
                f"{r['rx_frames']:>9} {r['ts_steps_not_20ms']:>7} {r['gap_max_ms']:>7.1f}")
        if extra:
            line += f" {r[extra_key]:>{max(8, len(extra))}.2f}"
        print(line)
    for loss in dict.fromkeys(r["loss"] for r in runs):
        these = [r for r in runs if r["loss"] == loss]
        print(f"mean at {loss:.0%}: {np.mean([r['pesq'] for r in these]):.2f} (seeds "
              f"{', '.join(format(r['pesq'], '.2f') for r in these)}); {reference_name} "
              f"{np.mean([r[reference_key] for r in these]):.2f}")


def print_pesq_phase(result: dict, title: str, path, reference_key: str, reference_name: str,
                     extra: str | None = None, extra_key: str = "pesq_nb") -> None:
    """A PESQ phase's heading, what its path and columns are (`path()`), and its table."""
    print(f"\n== {title} ==")
    if "error" in result:
        print("failed:", result["error"])
        return
    print(path() + FRAME_COLUMNS)
    print_pesq_table(result["runs"], reference_key, reference_name, extra=extra, extra_key=extra_key)
