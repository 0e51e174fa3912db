"""Synthetic G.711 (or G.722) phones (and the audio helpers) for gateway_bench.py: a minimal SIP UAC over
UDP and RTP paced from a monotonic clock, on asyncio, cheap enough for hundreds.

- `SipEndpoint`: one UDP socket for every caller's SIP (dispatch by Call-ID).
  INVITE with a PCMU (or G.722, `Caller.codec`) + telephone-event offer, retransmitted until a response;
  100/180/183 noted; 2xx → ACK (To-tag, CSeq number, new branch, to the
  Contact); BYE sent at the end; a BYE, re-INVITE or OPTIONS from the gateway
  answered 200.
- `Caller`: its own RTP socket. `Pacer` sends every caller's next 20 ms PCMU
  packet on one clock (t0 + k*20 ms), so a caller's frame k is due at a known
  instant. Received RTP is counted per caller: sequence gaps (lost), arrival
  relative to the gateway's 20 ms clock (late), inter-arrival times.
- Simulated loss is reproducible: `Caller.lose(rate, seed)` drops the payloads whose
  index a `random.Random(seed)` picks (the same frames every run with that seed,
  wherever the frames fall on the pacer's clock), so an offline reference can
  zero exactly those frames.
"""

from __future__ import annotations

import asyncio
import math
import os
import random
import socket
import struct
import subprocess
import time
import uuid
import wave
from pathlib import Path

import numpy as np

# --------------------------------------------------------------------------- G.711 µ-law


def ulaw_encode(pcm: np.ndarray) -> bytes:
    """16-bit linear → µ-law bytes (ITU-T G.711, the table-free formula)."""
    x = np.clip(pcm.astype(np.int32), -32635, 32635)
    sign = np.where(x < 0, 0x80, 0)
    x = np.abs(x) + 0x84
    exponent = np.floor(np.log2(x)).astype(np.int32) - 7
    exponent = np.clip(exponent, 0, 7)
    mantissa = (x >> (exponent + 3)) & 0x0F
    return (~(sign | (exponent << 4) | mantissa) & 0xFF).astype(np.uint8).tobytes()


_ULAW_TABLE = None


def ulaw_decode(data: bytes) -> np.ndarray:
    global _ULAW_TABLE
    if _ULAW_TABLE is None:
        u = ~np.arange(256, dtype=np.int32) & 0xFF
        t = (((u & 0x0F) << 3) + 0x84) << ((u & 0x70) >> 4)
        _ULAW_TABLE = np.where(u & 0x80, 0x84 - t, t - 0x84).astype(np.int16)
    return _ULAW_TABLE[np.frombuffer(data, dtype=np.uint8)]


def frames_of(pcm8k: np.ndarray) -> list[bytes]:
    """8 kHz samples → 160-byte PCMU payloads (padded with silence)."""
    n = -(-len(pcm8k) // 160) * 160
    padded = np.zeros(n, dtype=np.int16)
    padded[: len(pcm8k)] = pcm8k
    enc = ulaw_encode(padded)
    return [enc[i:i + 160] for i in range(0, n, 160)]


# --------------------------------------------------------------------------- SIP


def _headers(msg: str) -> tuple[str, dict[str, list[str]], str]:
    head, _, body = msg.partition("\r\n\r\n")
    lines = head.split("\r\n")
    out: dict[str, list[str]] = {}
    compact = {"v": "via", "f": "from", "t": "to", "i": "call-id", "m": "contact", "l": "content-length", "c": "content-type"}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        name = name.strip().lower()
        out.setdefault(compact.get(name, name), []).append(value.strip())
    return lines[0], out, body


def _uri_of(value: str) -> str:
    if "<" in value:
        return value.split("<", 1)[1].split(">", 1)[0]
    return value.split(";", 1)[0].strip()


def _branch() -> str:
    return "z9hG4bK" + uuid.uuid4().hex[:16]


class SipEndpoint(asyncio.DatagramProtocol):
    def __init__(self, gateway: tuple[str, int]):
        self.gateway = gateway
        self.calls: dict[str, "Caller"] = {}
        self.transport: asyncio.DatagramTransport | None = None
        self.port = 0
        self.stray: list[str] = []

    async def open(self) -> None:
        loop = asyncio.get_running_loop()
        self.transport, _ = await loop.create_datagram_endpoint(lambda: self, local_addr=("127.0.0.1", 0))
        self.port = self.transport.get_extra_info("sockname")[1]

    def send(self, text: str, addr: tuple[str, int] | None = None) -> None:
        assert self.transport is not None
        self.transport.sendto(text.encode(), addr or self.gateway)

    def datagram_received(self, data: bytes, addr) -> None:
        try:
            text = data.decode("utf-8", "replace")
            first, headers, body = _headers(text)
        except Exception:  # noqa: BLE001 - a malformed datagram is noted, not fatal
            self.stray.append(repr(data[:80]))
            return
        call_id = (headers.get("call-id") or [""])[0]
        caller = self.calls.get(call_id)
        if first.startswith("SIP/2.0"):
            if caller:
                caller.on_response(int(first.split()[1]), headers, body)
            return
        method = first.split()[0]
        if method == "ACK":
            return
        reply_body = ""
        status = "200 OK"
        if caller is None:
            status = "481 Call/Transaction Does Not Exist"
        elif method == "BYE":
            caller.on_bye()
        elif method == "INVITE":
            reply_body = caller.sdp()
        to = headers["to"][0]
        if caller and ";tag=" not in to:
            to += f";tag={caller.tag}"
        lines = [f"SIP/2.0 {status}"] + [f"Via: {v}" for v in headers.get("via", [])] + [
            f"From: {headers['from'][0]}", f"To: {to}", f"Call-ID: {call_id}", f"CSeq: {headers['cseq'][0]}"]
        if caller:
            lines.append(f"Contact: <sip:{caller.user}@127.0.0.1:{self.port}>")
        if reply_body:
            lines.append("Content-Type: application/sdp")
        lines.append(f"Content-Length: {len(reply_body.encode())}")
        self.send("\r\n".join(lines) + "\r\n\r\n" + reply_body, addr)


# The codecs a Caller can offer: RTP payload type, SDP rtpmap, RTP clock rate. RFC 3551: G.722
# has an 8000 Hz RTP clock although it carries 16 kHz audio (both send 160 bytes per 20 ms);
# RFC 7587: Opus is always "opus/48000/2" (payload type dynamic; 111 as browsers use).
CODECS = {"PCMU": (0, "PCMU/8000", 8000), "G722": (9, "G722/8000", 8000), "opus": (111, "opus/48000/2", 48000)}


class Caller(asyncio.DatagramProtocol):
    """One synthetic phone: its SIP dialog and RTP socket, counters of what it hears."""

    def __init__(self, sip: SipEndpoint, user: str, target: str, name: str, codec: str = "PCMU"):
        self.sip, self.user, self.target, self.name = sip, user, target, name
        self.codec = codec
        self.pt, self.rtpmap, self.clock = CODECS[codec]
        self.call_id = uuid.uuid4().hex + "@bench"
        self.tag = uuid.uuid4().hex[:10]
        self.to_tag = ""
        self.remote_contact = ""
        self.cseq = 1
        self.invite_text = ""
        self.status = 0
        self.provisional: list[int] = []
        self.established: asyncio.Future | None = None  # made in call(), on the loop
        self.bye_done: asyncio.Future | None = None
        self.ended_by_gateway = False
        self.rtp: asyncio.DatagramTransport | None = None
        self.rtp_port = 0
        self.remote_rtp: tuple[str, int] | None = None
        self.ssrc = random.getrandbits(32)
        self.seq = random.getrandbits(16)
        self.ts = random.getrandbits(32)
        self.payloads: list[bytes] = []
        self.k0 = 0  # the pacer frame at which payloads[0] is sent
        self.drop = 0.0  # share of packets not sent (simulated loss), drawn from self.rng
        self.rng = random.Random()
        self.drop_frames: frozenset[int] | None = None  # payload indices not sent (see lose())
        self.recording: list[tuple[float, int, int, bytes]] | None = None  # (arrival, seq, ts, payload)
        self.reset_stats()

    # -------------------------------------------------- statistics of what arrives
    def reset_stats(self) -> None:
        self.rx = 0
        self.rx_late = 0
        self.first_seq: int | None = None
        self.max_ext = 0
        self.base: float | None = None  # min(arrival - ts/8000) over the first packets
        self.base_n = 0
        self.first_ts = 0
        self.ts_cycles = 0
        self.last_ts = 0
        self.last_arrival = 0.0
        self.seq_cycles = 0
        self.last_seq = 0
        self.gaps: list[float] = []

    def datagram_received(self, data: bytes, addr) -> None:
        now = time.monotonic()
        if len(data) < 12 or data[1] & 0x7F != self.pt:
            return  # not our codec (RTCP, telephone-event)
        seq, ts = struct.unpack_from("!HI", data, 2)
        if self.recording is not None:
            self.recording.append((now, seq, ts, data[12 + 4 * (data[0] & 0x0F):]))
        self.rx += 1
        if self.first_seq is None:
            self.first_seq, self.last_seq, self.first_ts, self.last_ts = seq, seq, ts, ts
            self.max_ext = 0
        else:
            if seq < self.last_seq and self.last_seq - seq > 32768:
                self.seq_cycles += 1
            self.last_seq = seq
            ext = (self.seq_cycles << 16) + seq - self.first_seq
            if ext > self.max_ext:
                self.max_ext = ext
            if ts < self.last_ts and self.last_ts - ts > 1 << 31:
                self.ts_cycles += 1
            self.last_ts = ts
            self.gaps.append(now - self.last_arrival)
        self.last_arrival = now
        # The gateway's clock: frame k is due at base + k*20 ms; base from the first packets.
        slot = ((self.ts_cycles << 32) + ts - self.first_ts) / self.clock
        offset = now - slot
        if self.base_n < 5:
            self.base = offset if self.base is None else min(self.base, offset)
            self.base_n += 1
        elif offset - self.base > 0.040:
            self.rx_late += 1

    def stats(self) -> dict:
        expected = (self.max_ext + 1) if self.first_seq is not None else 0
        return {"rx": self.rx, "late": self.rx_late, "seq_expected": expected,
                "lost": max(0, expected - self.rx)}

    # -------------------------------------------------- SIP
    def sdp(self) -> str:
        sess = random.getrandbits(31)
        return ("v=0\r\n"
                f"o=- {sess} 1 IN IP4 127.0.0.1\r\ns=bench\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                f"m=audio {self.rtp_port} RTP/AVP {self.pt} 101\r\n"
                f"a=rtpmap:{self.pt} {self.rtpmap}\r\n"
                "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\n"
                "a=ptime:20\r\na=sendrecv\r\n")

    async def call(self, timeout: float = 20.0) -> None:
        loop = asyncio.get_running_loop()
        self.established, self.bye_done = loop.create_future(), loop.create_future()
        self.rtp, _ = await loop.create_datagram_endpoint(lambda: self, local_addr=("127.0.0.1", 0))
        self.rtp_port = self.rtp.get_extra_info("sockname")[1]
        sock = self.rtp.get_extra_info("socket")
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 18)
        except OSError:
            pass
        self.sip.calls[self.call_id] = self
        body = self.sdp()
        gw = f"{self.sip.gateway[0]}:{self.sip.gateway[1]}"
        self.invite_text = "\r\n".join([
            f"INVITE sip:{self.target}@{gw} SIP/2.0",
            f"Via: SIP/2.0/UDP 127.0.0.1:{self.sip.port};branch={_branch()};rport",
            "Max-Forwards: 70",
            f'From: "{self.name}" <sip:{self.user}@127.0.0.1>;tag={self.tag}',
            f"To: <sip:{self.target}@{gw}>",
            f"Call-ID: {self.call_id}",
            "CSeq: 1 INVITE",
            f"Contact: <sip:{self.user}@127.0.0.1:{self.sip.port}>",
            "Allow: INVITE, ACK, BYE, CANCEL, OPTIONS",
            "User-Agent: parley-gateway-bench",
            "Content-Type: application/sdp",
            f"Content-Length: {len(body)}", "", body])
        interval, deadline = 0.5, loop.time() + timeout
        while not self.established.done() and loop.time() < deadline:
            if not self.provisional and self.status == 0:
                self.sip.send(self.invite_text)  # timer A: until any response
            try:
                await asyncio.wait_for(asyncio.shield(self.established), interval)
            except asyncio.TimeoutError:
                interval = min(interval * 2, 4.0)
        if not self.established.done():
            raise TimeoutError(f"{self.name}: no 200 OK within {timeout:.0f} s (status {self.status})")
        self.established.result()

    def on_response(self, status: int, headers: dict, body: str) -> None:
        cseq = headers.get("cseq", ["0 X"])[0].split()
        if cseq[1] == "BYE":
            if not self.bye_done.done():
                self.bye_done.set_result(status)
            return
        self.status = status
        if status < 200:
            self.provisional.append(status)
            return
        if status >= 300:
            if not self.established.done():
                self.established.set_exception(RuntimeError(f"{self.name}: INVITE answered {status}"))
            self.sip.send(self._request("ACK", int(cseq[0]), headers["to"][0], ruri=f"sip:{self.target}@127.0.0.1"))
            return
        to = headers["to"][0]
        self.to_tag = to.split(";tag=", 1)[1].split(";")[0] if ";tag=" in to else ""
        self.remote_contact = _uri_of(headers.get("contact", [f"<sip:{self.target}@127.0.0.1>"])[0])
        self.sip.send(self._request("ACK", int(cseq[0])))  # also for a retransmitted 200
        if not self.established.done():
            addr, port = "127.0.0.1", 0
            for line in body.splitlines():
                if line.startswith("c=IN IP4 "):
                    addr = line[9:].strip()
                elif line.startswith("m=audio "):
                    port = int(line.split()[1])
            self.remote_rtp = (addr, port)
            self.established.set_result(True)

    def _request(self, method: str, cseq: int, to: str | None = None, ruri: str | None = None) -> str:
        gw = f"{self.sip.gateway[0]}:{self.sip.gateway[1]}"
        to = to or (f"<sip:{self.target}@{gw}>" + (f";tag={self.to_tag}" if self.to_tag else ""))
        return "\r\n".join([
            f"{method} {ruri or self.remote_contact} SIP/2.0",
            f"Via: SIP/2.0/UDP 127.0.0.1:{self.sip.port};branch={_branch()};rport",
            "Max-Forwards: 70",
            f'From: "{self.name}" <sip:{self.user}@127.0.0.1>;tag={self.tag}',
            f"To: {to}", f"Call-ID: {self.call_id}", f"CSeq: {cseq} {method}",
            "Content-Length: 0", "", ""])

    @property
    def connected(self) -> bool:
        return bool(self.established and self.established.done() and self.established.exception() is None)

    def on_bye(self) -> None:
        self.ended_by_gateway = True
        if self.bye_done and not self.bye_done.done():
            self.bye_done.set_result(0)

    async def hang_up(self, timeout: float = 5.0) -> None:
        if self.connected and not self.ended_by_gateway:
            self.cseq += 1
            bye = self._request("BYE", self.cseq)
            for wait in (0.5, 1.0, 2.0, 2.0):
                self.sip.send(bye)
                try:
                    await asyncio.wait_for(asyncio.shield(self.bye_done), wait)
                    break
                except asyncio.TimeoutError:
                    pass
        self.sip.calls.pop(self.call_id, None)
        if self.rtp:
            self.rtp.close()

    # -------------------------------------------------- RTP out
    @staticmethod
    def loss_pattern(rate: float, seed: int, frames: int) -> frozenset[int]:
        """The payload indices (of `frames`) that a loss of `rate` with `seed` drops."""
        rng = random.Random(seed)
        return frozenset(i for i in range(frames) if rng.random() < rate)

    def lose(self, rate: float, seed: int | None) -> frozenset[int]:
        """Reproducible loss for the current payloads: each payload index is dropped when
        random.Random(seed) says so (the same indices every run with that seed); a rate
        of 0 sends everything. Returns the dropped indices."""
        self.drop = 0.0
        self.drop_frames = self.loss_pattern(rate, seed or 0, len(self.payloads)) if rate > 0 else None
        return self.drop_frames or frozenset()

    def next_packet(self, k: int) -> bytes | None:
        index = (k - self.k0) % len(self.payloads)
        payload = self.payloads[index]
        packet = struct.pack("!BBHII", 0x80, self.pt, self.seq, self.ts, self.ssrc) + payload
        self.seq = (self.seq + 1) & 0xFFFF
        self.ts = (self.ts + self.clock // 50) & 0xFFFFFFFF
        if self.drop_frames is not None:
            if index in self.drop_frames:
                return None
        elif self.drop and self.rng.random() < self.drop:
            return None
        return packet


class Pacer:
    """Sends every active caller's frame k at t0 + k*20 ms (monotonic clock).
    Notes how late the sender itself ran, so an overloaded load generator shows."""

    def __init__(self):
        self.callers: list[Caller] = []
        self.sent: dict[int, float] = {}  # frame k → monotonic send time (for delay probes)
        self.k = 0
        self.t0 = 0.0
        self.own_late = 0
        self.ticks = 0
        self.running = False
        self.keep_send_times = False

    async def run(self) -> None:
        self.running = True
        self.t0 = time.monotonic()
        while self.running:
            due = self.t0 + self.k * 0.020
            delay = due - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            now = time.monotonic()
            self.ticks += 1
            if now - due > 0.010:
                self.own_late += 1
            for c in self.callers:
                if c.remote_rtp is None or c.rtp is None:
                    continue
                p = c.next_packet(self.k)
                if p is not None:
                    c.rtp.sendto(p, c.remote_rtp)
            if self.keep_send_times:
                self.sent[self.k] = time.monotonic()
            self.k += 1


def cpu_seconds_self() -> float:
    t = os.times()
    return t.user + t.system


# --------------------------------------------------------------------------- audio helpers (gateway_bench.py)

def tone(hz: float, seconds: float, amplitude: float = 0.25, rate: int = 8000) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return (amplitude * 32767 * np.sin(2 * np.pi * hz * t)).astype(np.int16)


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    with wave.open(str(path), "rb") as w:
        data = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
        if w.getnchannels() > 1:
            data = data.reshape(-1, w.getnchannels()).mean(axis=1).astype(np.int16)
        return data, w.getframerate()


def write_wav(path: Path, samples: np.ndarray, rate: int) -> None:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(samples.astype("<i2").tobytes())


def resample(samples: np.ndarray, rate: int, to: int, work: Path) -> np.ndarray:
    """High-quality rate change through sox (Debian's sox, as the phone tests use)."""
    src, dst = work / f"rs-{uuid.uuid4().hex[:6]}-in.wav", work / f"rs-{uuid.uuid4().hex[:6]}-out.wav"
    write_wav(src, samples, rate)
    subprocess.run(["sox", str(src), "-r", str(to), str(dst)], check=True)
    return read_wav(dst)[0]


# The benchmark's sentences (Harvard sentences, IEEE 1969), spoken by espeak-ng.
SENTENCES = ("The birch canoe slid on the smooth planks. Glue the sheet to the dark blue background. "
             "It is easy to tell the depth of a well. These days a chicken leg is a rare dish. "
             "Rice is often served in round bowls.")


def speech_8k(work: Path, sentences: str, rate: int = 8000) -> np.ndarray:
    """espeak-ng speech at `rate` (8 kHz by default, 16 kHz for wideband PESQ)."""
    raw = work / "speech-raw.wav"
    subprocess.run(["espeak-ng", "-s", "150", "-w", str(raw), sentences], check=True, capture_output=True)
    s, raw_rate = read_wav(raw)
    s = resample(s, raw_rate, rate, work).astype(np.float64)
    s = s / (np.max(np.abs(s)) or 1) * 0.5 * 32767  # about -6 dBFS peaks (-20 dBFS-ish speech)
    return s.astype(np.int16)


def g722_frames(pcm16k: np.ndarray, work: Path) -> list[bytes]:
    """16 kHz samples → 160-byte G.722 payloads (64 kbit/s, 20 ms each) with ffmpeg's encoder,
    one continuous ADPCM stream (padded with silence to whole frames)."""
    n = -(-len(pcm16k) // 320) * 320
    padded = np.zeros(n, dtype=np.int16)
    padded[: len(pcm16k)] = pcm16k
    src, dst = work / f"g722-{uuid.uuid4().hex[:6]}.raw", work / f"g722-{uuid.uuid4().hex[:6]}.g722"
    src.write_bytes(padded.astype("<i2").tobytes())
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "s16le", "-ar", "16000", "-ac", "1", "-i", str(src),
                    "-acodec", "g722", "-f", "g722", str(dst)], check=True)
    data = dst.read_bytes()
    return [data[i:i + 160] for i in range(0, len(data) - 159, 160)]


def opus_frames(pcm16k: np.ndarray, work: Path, bitrate: int = 32000) -> tuple[list[bytes], np.ndarray]:
    """16 kHz samples → 20 ms Opus packets (libopus through ffmpeg, VoIP mode, `bitrate`), as a
    softphone sends them, and what they decode to at 16 kHz (ffmpeg's decoder): the codec alone."""
    tag = uuid.uuid4().hex[:6]
    src, ogg, dec = work / f"opus-{tag}.raw", work / f"opus-{tag}.ogg", work / f"opus-{tag}-dec.raw"
    src.write_bytes(pcm16k.astype("<i2").tobytes())
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "s16le", "-ar", "16000", "-ac", "1", "-i", str(src),
                    "-c:a", "libopus", "-b:a", str(bitrate), "-application", "voip", "-frame_duration", "20",
                    "-vbr", "on", "-f", "ogg", str(ogg)], check=True)
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", str(ogg), "-f", "s16le", "-ar", "16000", "-ac", "1", str(dec)],
                   check=True)
    return ogg_packets(ogg.read_bytes())[2:], np.frombuffer(dec.read_bytes(), dtype="<i2")  # [2:]: OpusHead, OpusTags


def ogg_packets(data: bytes) -> list[bytes]:
    """The packets of an Ogg stream (RFC 3533: pages of lacing segments; a segment shorter
    than 255 bytes ends a packet)."""
    packets, current, at = [], b"", 0
    while at + 27 <= len(data) and data[at:at + 4] == b"OggS":
        count = data[at + 26]
        lacing = data[at + 27:at + 27 + count]
        at += 27 + count
        for size in lacing:
            current += data[at:at + size]
            at += size
            if size < 255:
                packets.append(current)
                current = b""
    return packets


def g722_decode(payloads: list[bytes], work: Path) -> np.ndarray:
    """G.722 payloads → 16 kHz samples (ffmpeg's decoder)."""
    src, dst = work / f"g722d-{uuid.uuid4().hex[:6]}.g722", work / f"g722d-{uuid.uuid4().hex[:6]}.raw"
    src.write_bytes(b"".join(payloads))
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "g722", "-i", str(src), "-f", "s16le", "-ar", "16000",
                    "-ac", "1", str(dst)], check=True)
    return np.frombuffer(dst.read_bytes(), dtype="<i2")


def align(ref: np.ndarray, deg: np.ndarray, rate: int) -> tuple[np.ndarray, float]:
    """The stretch of `deg` that lines up with `ref` (FFT cross-correlation); (aligned, lag in s)."""
    n = 1 << int(math.ceil(math.log2(len(ref) + len(deg))))
    corr = np.fft.irfft(np.fft.rfft(deg.astype(np.float64), n) * np.conj(np.fft.rfft(ref.astype(np.float64), n)), n)
    lag = int(np.argmax(corr[: len(deg)]))
    out = deg[lag:lag + len(ref)]
    if len(out) < len(ref):
        out = np.concatenate([out, np.zeros(len(ref) - len(out), dtype=deg.dtype)])
    return out, lag / rate


def lag_drift_ms(ref: np.ndarray, heard: np.ndarray, rate: int) -> float:
    """How much later the end of the speech arrives than its start, relative to the
    original (ms): 0 when the path keeps the sender's clock, > 0 when it stretches."""
    n = 2 * rate
    _, first = align(ref[:n], heard, rate)
    _, last = align(ref[-n:], heard, rate)
    return 1000 * ((last - first) - (len(ref) - n) / rate)


def burst_onsets(recording, quiet_seconds: float = 0.5, level: int = 3000):
    """Where each loud burst begins in a phone's recording of µ-law RTP
    ((arrival, ..., ..., payload) tuples): for every packet with a sample
    above `level` after at least `quiet_seconds` without one, its arrival
    time and the offset of that first loud sample in the packet (seconds)."""
    quiet_since = None
    for arrival, _, _, payload in recording:
        loud = np.nonzero(np.abs(ulaw_decode(payload).astype(np.int32)) > level)[0]
        if len(loud) == 0:
            quiet_since = quiet_since or arrival
            continue
        if quiet_since is not None and arrival - quiet_since > quiet_seconds:
            yield arrival, loud[0] / 8000
        quiet_since = None


def pct(values: list[float], q: float) -> float:
    """The q-th percentile of `values`; NaN when there are none."""
    return float(np.percentile(values, q)) if len(values) else float("nan")


def pesq_nb(ref8k: np.ndarray, deg8k: np.ndarray) -> float:
    from pesq import pesq
    return float(pesq(8000, ref8k.astype(np.float32) / 32768, deg8k.astype(np.float32) / 32768, "nb"))


def pesq_wb(ref16k: np.ndarray, deg16k: np.ndarray) -> float:
    """ITU-T P.862.2 wideband PESQ (MOS-LQO) of 16 kHz signals."""
    from pesq import pesq
    return float(pesq(16000, ref16k.astype(np.float32) / 32768, deg16k.astype(np.float32) / 32768, "wb"))
