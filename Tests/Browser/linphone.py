"""A second real SIP phone for tests: Debian's linphonec (linphone-cli), driven
over its standard input.

linphonec reads one command a line on stdin and prints call states on stdout
("Call 1 to sip:... in progress.", "... connected.", "... ended (No error).").
Each `Linphone` runs in a directory of its own: its config (rc) there, and HOME
there too, since liblinphone keeps a database in $HOME/.local/share/linphone
and binds no SIP socket at all when it cannot open it. No sound card: in
`soundcard use files` mode it plays a WAV into the call (`play FILE`, once, so
make it outlast the test) and records what it hears (`record FILE`, written
when the call ends). SIP and RTP are bound to 127.0.0.1 on chosen ports, UDP
only, and it registers nowhere.

DTMF: typing digits on the console sends each with linphone_call_send_dtmf,
one a second; linphonec's main loop sleeps meanwhile, so it reads SIP
(e.g. the 200 to an INFO) only when all are sent. How they travel depends on
the config:
- "rfc4733" (linphone's default): RTP telephone-event packets;
- "info": SIP INFO (application/dtmf-relay), no telephone-event in the SDP;
- "inband": neither; with no telephone-event negotiated, mediastreamer2
  mixes the tones into the audio.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path

import numpy as np

from conftest import free_port, free_port_run
from phone import read_wav

LINPHONEC = shutil.which("linphonec") or "/usr/bin/linphonec"

# Codec name in linphone's config → (mime, rate, channels) as its [audio_codec_N] sections spell them.
CODECS = {
    "PCMU": ("PCMU", 8000, 1),
    "PCMA": ("PCMA", 8000, 1),
    "G722": ("G722", 8000, 1),
    "opus": ("opus", 48000, 2),
}
# Enabled by default in linphone and listed explicitly so only the chosen codec is offered.
OTHER_CODECS = [("opus", 48000, 2), ("speex", 16000, 1), ("speex", 8000, 1), ("speex", 32000, 1), ("PCMU", 8000, 1),
                ("PCMA", 8000, 1), ("GSM", 8000, 1), ("G722", 8000, 1), ("G729", 8000, 1)]
DTMF_MODES = {"rfc4733": (1, 0), "info": (0, 1), "inband": (0, 0)}  # (use_rfc2833, use_info)

CALL_LINE = re.compile(r"Call (\d+) (?:with|to) (.+?) (in progress|ringing|connected|early media|error|ended \((.*)\))")


def config_text(sip_port: int, rtp_port: int, user: str, display_name: str | None, codec: str, dtmf: str) -> str:
    use_rfc2833, use_info = DTMF_MODES[dtmf]
    shown = f'"{display_name}" ' if display_name else ""
    lines = [
        "[sip]",
        f"sip_port={sip_port}",
        "sip_tcp_port=0",
        "sip_tls_port=0",
        "bind_address=127.0.0.1",
        "guess_hostname=0",
        f"contact={shown}<sip:{user}@127.0.0.1>",
        "use_ipv6=0",
        "ipv6_migration_done=1",  # else liblinphone drops use_ipv6 and binds [::0]
        f"use_rfc2833={use_rfc2833}",
        f"use_info={use_info}",
        "inc_timeout=30",
        "",
        "[rtp]",
        f"audio_rtp_port={rtp_port}",
        f"video_rtp_port={rtp_port + 2}",
        f"text_rtp_port={rtp_port + 4}",
        "bind_address=127.0.0.1",
        "nortp_timeout=60",
        "",
        "[video]",
        "display=0",
        "capture=0",
        "",
        "[net]",
        "firewall_policy=0",
        "",
    ]
    mime, rate, channels = CODECS[codec]
    sections = [(mime, rate, channels, 1)] + [(m, r, c, 0) for m, r, c in OTHER_CODECS if (m, r) != (mime, rate)]
    for i, (m, r, c, enabled) in enumerate(sections):
        lines += [f"[audio_codec_{i}]", f"mime={m}", f"rate={r}", f"channels={c}", f"enabled={enabled}", ""]
    return "\n".join(lines)


class Linphone:
    """One linphonec, on loopback, with its own directory, ports and files."""

    def __init__(self, directory: Path, name: str, source_wav: Path, codec: str = "PCMU",
                 display_name: str | None = None, dtmf: str = "rfc4733"):
        self.name = name
        self.dir = directory / name
        self.home = self.dir / "home"
        (self.home / ".local/share/linphone").mkdir(parents=True, exist_ok=True)
        self.rc = self.dir / "linphonerc"
        self.record_path = self.dir / "heard.wav"
        self.sip_port = free_port()
        self.rtp_port = free_port_run(6, tcp=False, even=True)  # audio, video and text RTP and RTCP
        self.rc.write_text(config_text(self.sip_port, self.rtp_port, name, display_name, codec, dtmf))
        self.lines: list[str] = []
        self._cond = threading.Condition()
        self._stderr = open(self.dir / "linphonec.stderr", "wb")
        env = {**os.environ, "HOME": str(self.home)}
        env.pop("DISPLAY", None)
        self.proc = subprocess.Popen(
            [LINPHONEC, "-c", str(self.rc), "-d", "4", "-l", str(self.dir / "linphone.log")],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._stderr, env=env, cwd=self.dir)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.command("soundcard use files")
        self.command(f"play {source_wav}")
        self.command(f"record {self.record_path}")
        self.command("ports")
        line = self.wait_line(re.compile(r"sip port = (\d+)"), timeout=15)
        if int(re.search(r"\d+", line).group()) != self.sip_port:
            raise RuntimeError(f"{name}: linphonec did not bind SIP to {self.sip_port}: {line}\n{self.log_text()}")

    # -- console ------------------------------------------------------------

    def _read(self) -> None:
        assert self.proc.stdout
        for raw in self.proc.stdout:
            text = raw.decode(errors="replace")
            # Prompts ("linphonec> ") run into the next line when output is asynchronous.
            for part in text.replace("linphonec> ", "\n").splitlines():
                part = part.strip()
                if part:
                    with self._cond:
                        self.lines.append(part)
                        self._cond.notify_all()
        with self._cond:
            self.lines.append("<exited>")
            self._cond.notify_all()

    def command(self, line: str) -> None:
        assert self.proc.stdin
        self.proc.stdin.write(line.encode() + b"\n")
        self.proc.stdin.flush()

    def wait_line(self, pattern: re.Pattern, timeout: float = 15, start: int = 0) -> str:
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for text in self.lines[start:]:
                    if pattern.search(text):
                        return text
                left = deadline - time.monotonic()
                if left <= 0 or (self.lines and self.lines[-1] == "<exited>"):
                    raise AssertionError(f"{self.name}: no line matching {pattern.pattern!r} within {timeout} s; "
                                         f"console: {self.lines[-15:]}\n{self.log_text()}")
                self._cond.wait(left)

    # -- calls --------------------------------------------------------------

    def states(self) -> list[str]:
        """Call states seen so far, in order: "in progress", "connected", "ended", "error"…"""
        with self._cond:
            return [m.group(3).split(" (")[0] for t in self.lines if (m := CALL_LINE.search(t))]

    def state(self) -> str | None:
        s = self.states()
        return s[-1] if s else None

    def wait_state(self, state: str, timeout: float = 15) -> str:
        """Wait for a call line in `state` ("connected", "ended", …); returns the line."""
        return self.wait_line(re.compile(r"Call \d+ (?:with|to) .+? " + re.escape(state)), timeout)

    def dial(self, uri: str) -> None:
        self.command(f"call {uri}")

    def send_digits(self, digits: str) -> None:
        """Types the digits on the console, one line per digit, as a person
        presses keys: linphonec pauses its main loop a second per digit it
        types, and a SIP INFO waits for that loop, so a whole line of digits
        would leave as one burst after the first key (10 s late: past the
        prompt's 5 s typing pause)."""
        for digit in digits:
            self.command(digit)
            time.sleep(1.3)

    def hang_up(self) -> None:
        self.command("terminate")

    def heard(self) -> tuple[np.ndarray, int]:
        """What the phone received (its `record` file, complete once the call ended)."""
        if not self.record_path.exists():
            raise AssertionError(f"{self.name} recorded nothing\n{self.log_text()}")
        return read_wav(self.record_path)

    def negotiated_codec(self) -> str | None:
        """The audio codec of the call, as liblinphone logged it ("PCMU/8000", "opus/48000")."""
        try:
            text = (self.dir / "linphone.log").read_text(errors="replace")
        except OSError:
            return None
        found = [m.group(1) for m in re.finditer(r"payload type \d+ (\S+/\d+) fmtp=.* added to frozen list", text)
                 if not m.group(1).startswith("telephone-event")]
        return found[-1] if found else None

    def log_text(self) -> str:
        try:
            text = (self.dir / "linphone.log").read_text(errors="replace")
        except OSError:
            return ""
        interesting = [line for line in text.splitlines() if "error" in line.lower() or "warning" in line.lower()]
        return "\n".join(interesting[-25:])

    def close(self) -> None:
        if self.proc.poll() is None:
            try:
                self.command("terminate all")
                self.command("quit")
                self.proc.stdin.close()
            except OSError:
                pass
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._reader.join(timeout=5)
        self._stderr.close()
