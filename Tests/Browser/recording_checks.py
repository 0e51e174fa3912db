"""Checks on a composited recording with the real ffprobe and ffmpeg: its
streams and duration, the tones its audio holds, and the colours of a frame."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import numpy as np


def probe(path: Path) -> dict:
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-show_streams", "-show_format", "-of", "json", str(path)],
        check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def audio(path: Path, rate: int = 16_000, start: float = 0, seconds: float | None = None) -> np.ndarray:
    """The file's audio, mono, as floats in [-1, 1]."""
    cmd = ["ffmpeg", "-v", "error", "-nostdin", "-ss", f"{start:.3f}", "-i", str(path)]
    if seconds is not None:
        cmd += ["-t", f"{seconds:.3f}"]
    cmd += ["-vn", "-ac", "1", "-ar", str(rate), "-f", "s16le", "-"]
    raw = subprocess.run(cmd, check=True, capture_output=True).stdout
    return np.frombuffer(raw, dtype="<i2").astype(np.float64) / 32768.0


def tone_levels(samples: np.ndarray, rate: int, freqs: list[float], width: float = 25.0) -> dict[float, float]:
    """Each frequency's share of the signal's energy (0…1)."""
    window = samples * np.hanning(len(samples))
    spectrum = np.abs(np.fft.rfft(window)) ** 2
    bins = np.fft.rfftfreq(len(samples), 1 / rate)
    total = spectrum.sum() or 1.0
    return {f: float(spectrum[(bins > f - width) & (bins < f + width)].sum() / total) for f in freqs}


def tones_above_noise(samples: np.ndarray, rate: int, tones: list[float], quiet: list[float]) -> dict[float, float]:
    """How far each tone stands above the spectrum at `quiet` frequencies, where
    nothing plays (in dB): a voice is in the mix when it clears the floor."""
    shares = tone_levels(samples, rate, tones + quiet)
    floor = max(np.mean([shares[q] for q in quiet]), 1e-12)
    return {t: float(10 * np.log10(max(shares[t], 1e-12) / floor)) for t in tones}


def frame(path: Path, at: float, width: int = 1280, height: int = 720) -> np.ndarray:
    """The frame shown at `at` seconds, as an array of RGB rows."""
    raw = subprocess.run(
        ["ffmpeg", "-v", "error", "-nostdin", "-ss", f"{at:.3f}", "-i", str(path), "-frames:v", "1",
         "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
        check=True, capture_output=True).stdout
    return np.frombuffer(raw, dtype=np.uint8)[: width * height * 3].reshape(height, width, 3)


def colour_share(image: np.ndarray, rgb: tuple[int, int, int], tolerance: int = 60) -> float:
    """How much of the image is close to `rgb` (0…1)."""
    close = np.all(np.abs(image.astype(np.int16) - np.array(rgb, dtype=np.int16)) <= tolerance, axis=2)
    return float(close.mean())


def colour_box(image: np.ndarray, rgb: tuple[int, int, int], tolerance: int = 60) -> tuple[int, int, int, int] | None:
    """The bounding box (x0, y0, x1, y1) of the pixels close to `rgb`."""
    close = np.all(np.abs(image.astype(np.int16) - np.array(rgb, dtype=np.int16)) <= tolerance, axis=2)
    ys, xs = np.nonzero(close)
    if len(xs) == 0:
        return None
    return int(xs.min()), int(ys.min()), int(xs.max()), int(ys.max())
