"""A real SIP phone for tests: baresip, driven over its ctrl_tcp socket.

Each `Phone` has its own config directory, plays a WAV it is given (aufile;
the WAV must match the codec's rate: 8 kHz mono for PCMU, 48 kHz for Opus)
and records what it hears to a WAV (sndfile writes `dump-*-dec.wav`).
See ../shared/TESTING.md for the recipe.
"""

from __future__ import annotations

import json
import math
import shutil
import socket
import struct
import subprocess
import time
import wave
from pathlib import Path

import numpy as np

from conftest import free_port, free_port_run

BARESIP = shutil.which("baresip") or "/usr/bin/baresip"


def write_tone(path: Path, freq: float, rate: int, seconds: float = 2.0, channels: int = 1, amplitude: float = 0.4) -> Path:
    n = int(rate * seconds)
    t = np.arange(n) / rate
    mono = (amplitude * 32767 * np.sin(2 * np.pi * freq * t)).astype("<i2")
    frames = np.repeat(mono, channels).tobytes()
    with wave.open(str(path), "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(frames)
    return path


DTMF = {"1": (697, 1209), "2": (697, 1336), "3": (697, 1477), "4": (770, 1209), "5": (770, 1336),
        "6": (770, 1477), "7": (852, 1209), "8": (852, 1336), "9": (852, 1477), "*": (941, 1209),
        "0": (941, 1336), "#": (941, 1477)}


def write_dtmf_then_tone(path: Path, keys: str, lead_seconds: float = 2.0, rate: int = 8000, seconds: float = 40) -> Path:
    """Silence, then the keys as in-band DTMF tones (ITU-T Q.23: 100 ms on, 100 ms off), then 1 kHz."""
    parts = [np.zeros(int(rate * lead_seconds))]
    t = np.arange(int(rate * 0.1)) / rate
    for k in keys:
        low, high = DTMF[k]
        parts.append(0.25 * (np.sin(2 * np.pi * low * t) + np.sin(2 * np.pi * high * t)))
        parts.append(np.zeros(int(rate * 0.1)))
    rest = seconds - sum(len(p) for p in parts) / rate
    t = np.arange(int(rate * rest)) / rate
    parts.append(0.4 * np.sin(2 * np.pi * 1000 * t))
    samples = (np.concatenate(parts) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(samples.tobytes())
    return path


def dominant_frequency(samples: np.ndarray, rate: int) -> float:
    if len(samples) < rate // 10:
        return 0.0
    windowed = samples * np.hanning(len(samples))
    spectrum = np.abs(np.fft.rfft(windowed))
    spectrum[: int(100 * len(samples) / rate)] = 0  # below 100 Hz: hum and DC
    return float(np.argmax(spectrum) * rate / len(samples))


def band_level(samples: np.ndarray, rate: int, freq: float, width: float = 30.0) -> float:
    """The share of the signal's energy within ±width Hz of freq (0..1)."""
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples)))) ** 2
    freqs = np.fft.rfftfreq(len(samples), 1 / rate)
    total = spectrum[freqs > 100].sum()
    if total == 0:
        return 0.0
    return float(spectrum[(freqs > freq - width) & (freqs < freq + width)].sum() / total)


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    with wave.open(str(path), "rb") as w:
        rate = w.getframerate()
        channels = w.getnchannels()
        data = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float64)
    if channels > 1:
        data = data.reshape(-1, channels).mean(axis=1)
    return data, rate


class Phone:
    """One baresip user agent, on loopback, with its own ports and files."""

    def __init__(self, directory: Path, name: str, source_wav: Path, codec: str = "PCMU", display_name: str | None = None,
                 account_params: str = "", cafile: Path | None = None, certificate: Path | None = None):
        self.dir = directory / name
        self.dir.mkdir(parents=True, exist_ok=True)
        self.record_dir = self.dir / "heard"
        self.record_dir.mkdir(exist_ok=True)
        # baresip binds SIP over TLS on the SIP port + 1 (TCP), so both must be free.
        self.sip_port = free_port_run(2)
        self.ctrl_port = free_port()
        self.name = name
        modules = "g711.so g722.so opus.so srtp.so aufile.so sndfile.so"
        (self.dir / "config").write_text("\n".join([
            "poll_method epoll",
            f"sip_listen 127.0.0.1:{self.sip_port}",
            "net_interface 127.0.0.1",
            # SIP over TLS: the certificate the server presents is trusted, and
            # baresip's own TLS listener has one (the server's BYE connects to it).
            *([f"sip_cafile {cafile}"] if cafile else []),
            *([f"sip_certificate {certificate}"] if certificate else []),
            "audio_player alsa,null",
            f"audio_source aufile,{source_wav}",
            "audio_alert alsa,null",
            "module_path /usr/lib/baresip/modules",
            *[f"module {m}" for m in modules.split()],
            "module_app account.so",
            "module_app menu.so",
            "module_app ctrl_tcp.so",
            f"ctrl_tcp_listen 127.0.0.1:{self.ctrl_port}",
            f"snd_path {self.record_dir}",
            "rtp_timeout 0",
            "",
        ]))
        shown = f'"{display_name}" ' if display_name else ""
        (self.dir / "accounts").write_text(
            f"{shown}<sip:{name}@127.0.0.1>;regint=0;audio_codecs={codec};audio_source=aufile,{source_wav}{account_params}\n")
        self.log = open(self.dir / "baresip.log", "wb")
        self.proc = subprocess.Popen([BARESIP, "-4", "-f", str(self.dir)], stdout=self.log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL)
        self.events: list[dict] = []
        self.sock = self._connect()
        self._buffer = b""

    def _connect(self) -> socket.socket:
        deadline = time.monotonic() + 10
        while True:
            try:
                return socket.create_connection(("127.0.0.1", self.ctrl_port), timeout=1)
            except OSError:
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    raise RuntimeError(f"baresip did not start: {self.log_text()}")
                time.sleep(0.1)

    def command(self, command: str, params: str = "") -> None:
        body = json.dumps({"command": command, "params": params, "token": str(time.monotonic())}).encode()
        self.sock.sendall(f"{len(body)}:".encode() + body + b",")

    def _read(self, timeout: float) -> None:
        self.sock.settimeout(timeout)
        try:
            chunk = self.sock.recv(65536)
        except socket.timeout:
            return
        if not chunk:
            return
        self._buffer += chunk
        while b":" in self._buffer:
            length, _, rest = self._buffer.partition(b":")
            if not length.isdigit() or len(rest) < int(length) + 1:
                break
            n = int(length)
            message, self._buffer = rest[:n], rest[n + 1:]
            try:
                self.events.append(json.loads(message))
            except ValueError:
                pass

    def wait_event(self, kind: str, timeout: float = 15) -> dict:
        deadline = time.monotonic() + timeout
        seen = 0
        while time.monotonic() < deadline:
            for e in self.events[seen:]:
                if e.get("type") == kind:
                    return e
            seen = 0
            self._read(0.2)
        raise AssertionError(f"{self.name}: no {kind} within {timeout} s; events: {self.events[-10:]}\n{self.log_text()}")

    def has_event(self, kind: str) -> bool:
        self._read(0.05)
        return any(e.get("type") == kind for e in self.events)

    def dial(self, uri: str) -> None:
        self.command("dial", uri)

    def send_digits(self, digits: str, gap: float = 0.25) -> None:
        for d in digits:
            self.command("sndcode", d)
            time.sleep(gap)

    def hang_up(self) -> None:
        self.command("hangup")

    def heard(self) -> tuple[np.ndarray, int]:
        """What the phone received (sndfile's decoded dump), as mono samples."""
        files = sorted(self.record_dir.glob("*dec*.wav")) or sorted(self.record_dir.glob("*.wav"))
        if not files:
            raise AssertionError(f"{self.name} recorded nothing: {list(self.record_dir.iterdir())}")
        return read_wav(files[-1])

    def log_text(self) -> str:
        try:
            return (self.dir / "baresip.log").read_text(errors="replace")[-3000:]
        except OSError:
            return ""

    def close(self) -> None:
        try:
            self.command("quit")
        except OSError:
            pass
        try:
            self.proc.wait(timeout=3)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()
        self.sock.close()
