"""A `parley serve` process for a benchmark: started and waited for
(/healthz), measured from /proc, and stopped with SIGTERM. Shared by
api_bench.py, media_bench.py and gateway_bench.py; each builds its own
command line."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from host import proc_cpu_seconds, proc_status_kib


class ParleyServer:
    def __init__(self, args: list[str], base: str, log_path: Path, name: str, cwd: Path | None = None):
        self.args = args
        self.base = base
        self.log_path = log_path
        self.name = name
        self.cwd = cwd
        self.proc: subprocess.Popen | None = None
        self.startup_seconds = 0.0
        self.shutdown = "not started"

    def fail(self, message: str) -> "NoReturn":  # type: ignore[name-defined]
        print(f"{self.name}: {message}", file=sys.stderr)
        sys.exit(2)

    def start(self) -> None:
        import requests

        self.log = open(self.log_path, "wb")
        started = time.perf_counter()
        self.proc = subprocess.Popen(self.args, stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                     cwd=self.cwd)
        deadline = started + 60
        while time.perf_counter() < deadline:
            if self.proc.poll() is not None:
                self.fail(f"parley exited with {self.proc.returncode} at start; log:\n{self.log_path.read_text()[-3000:]}")
            try:
                if requests.get(self.base + "/healthz", timeout=1).status_code == 200:
                    self.startup_seconds = time.perf_counter() - started
                    return
            except requests.RequestException:
                pass
            time.sleep(0.05)
        self.stop()
        self.fail("parley did not answer /healthz within 60 s")

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def cpu(self) -> float:
        return proc_cpu_seconds(self.pid)

    def rss_mib(self) -> float:
        return proc_status_kib(self.pid, "VmRSS") / 1024

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            started = time.perf_counter()
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
                self.shutdown = f"exited {self.proc.returncode} {time.perf_counter() - started:.1f} s after SIGTERM"
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                self.shutdown = "still running 30 s after SIGTERM; killed"
        if getattr(self, "log", None):
            self.log.close()

    def log_problems(self) -> list[str]:
        """Log lines at warning level or worse (text or JSON format)."""
        return [line for line in self.log_path.read_text(errors="replace").splitlines()
                if re.search(r"\b(warning|error|critical)\b", line, re.IGNORECASE)]


def print_shutdown_and_log(shutdown: str, problems: list[str]) -> None:
    """The end of a report: how the server stopped and what its log complained of."""
    print(f"shutdown: {shutdown}")
    if problems:
        print(f"server log: {len(problems)} warning/error line(s), first ones:")
        for line in problems[:5]:
            print("  " + line[:200])
    else:
        print("server log: no warning or error lines")
