"""Media files for Chromium's fake capture devices: solid-colour Y4M clips and sine WAVs.

Chromium plays them through `--use-file-for-fake-video-capture=/abs/clip.y4m`
and `--use-file-for-fake-audio-capture=/abs/tone.wav` (both loop); one browser
process per pair of files.
"""

from __future__ import annotations

import math
import struct
import wave
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class FakeMedia:
    name: str
    rgb: tuple[int, int, int]  # the colour the camera shows
    tone_hz: float  # the microphone's sine
    video: Path
    audio: Path


def rgb_to_yuv(rgb: tuple[int, int, int]) -> tuple[int, int, int]:
    """BT.601 limited range, as Chromium converts I420 to RGB for display."""
    r, g, b = rgb
    y = 16 + (65.481 * r + 128.553 * g + 24.966 * b) / 255
    u = 128 + (-37.797 * r - 74.203 * g + 112.0 * b) / 255
    v = 128 + (112.0 * r - 93.786 * g - 18.214 * b) / 255
    return tuple(max(0, min(255, round(c))) for c in (y, u, v))  # type: ignore[return-value]


def write_y4m(path: Path, rgb: tuple[int, int, int], width: int, height: int, fps: int = 30, frames: int = 3) -> None:
    """A solid-colour 4:2:0 YUV4MPEG2 clip."""
    assert width % 2 == 0 and height % 2 == 0
    y, u, v = rgb_to_yuv(rgb)
    frame = b"FRAME\n" + bytes([y]) * (width * height) + bytes([u]) * (width * height // 4) + bytes([v]) * (width * height // 4)
    with open(path, "wb") as f:
        f.write(f"YUV4MPEG2 W{width} H{height} F{fps}:1 Ip A1:1 C420\n".encode())
        for _ in range(frames):
            f.write(frame)


def write_sine_wav(path: Path, freq: float, seconds: float = 1.0, rate: int = 48_000, amplitude: float = 0.5) -> None:
    """16-bit mono sine; a whole number of cycles so that the loop is seamless."""
    n = int(rate * seconds)
    cycles = round(freq * seconds)
    samples = (int(amplitude * 32767 * math.sin(2 * math.pi * cycles * i / n)) for i in range(n))
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(b"".join(struct.pack("<h", s) for s in samples))


# Tones far from each other's harmonics; colours easy to tell apart.
PEOPLE_MEDIA = {
    "red": ((220, 30, 30), 440.0),
    "green": ((30, 200, 30), 700.0),
    "blue": ((30, 30, 220), 1100.0),
    # The recording test's second participant (issue 5: blue camera, 880 Hz).
    "blue880": ((30, 30, 220), 880.0),
}


def make_fake_media(directory: Path, width: int = 640, height: int = 360) -> dict[str, FakeMedia]:
    out = {}
    for name, (rgb, hz) in PEOPLE_MEDIA.items():
        video = directory / f"{name}.y4m"
        audio = directory / f"{name}-{int(hz)}.wav"
        write_y4m(video, rgb, width, height)
        write_sine_wav(audio, hz)
        out[name] = FakeMedia(name=name, rgb=rgb, tone_hz=hz, video=video.resolve(), audio=audio.resolve())
    return out
