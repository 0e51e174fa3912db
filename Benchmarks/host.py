"""What the machine and its processes are doing, read from /proc: shared by
the benchmarks (api_bench.py, media_bench.py, gateway_bench.py)."""

from __future__ import annotations

import os
import platform
import random
import socket
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CLK_TCK = os.sysconf("SC_CLK_TCK")


def default_binary() -> Path:
    release = REPO / ".build-release" / "release" / "parley"
    return release if release.exists() else REPO / ".build" / "debug" / "parley"


def only_loopback() -> bool:
    """True when this network namespace has no interface but lo."""
    # /proc/self/net follows this process's namespace (/sys/class/net follows the sysfs mount).
    try:
        with open("/proc/self/net/dev") as f:
            names = {line.split(":", 1)[0].strip() for line in f.readlines()[2:]}
        return names <= {"lo"}
    except OSError:
        return False


def stay_on_loopback(name: str, allow_host_network: bool = False) -> None:
    """Benchmark traffic stays in a network namespace that has only loopback:
    outside one, run this script again through scripts/in-private-netns.sh (once)."""
    if only_loopback() or allow_host_network:
        return
    if os.environ.get("PARLEY_BENCH_NETNS_TRIED"):
        print(f"{name}: still not in a private network namespace; use scripts/in-private-netns.sh"
              " or --allow-host-network", file=sys.stderr)
        sys.exit(2)
    print(f"{name}: re-running inside a private network namespace (scripts/in-private-netns.sh)", file=sys.stderr)
    os.environ["PARLEY_BENCH_NETNS_TRIED"] = "1"
    script = str(REPO / "scripts" / "in-private-netns.sh")
    os.execv(script, [script, sys.executable, *sys.argv])


def proc_cpu_seconds(pid: int) -> float:
    """utime + stime of one process (all its threads), in seconds."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    # After the ")" the fields start at #3 (state); utime is #14, stime #15.
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def proc_status_kib(pid: int, key: str) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def machine_busy_seconds() -> float:
    """CPU seconds the whole machine has spent busy (all cores, all processes) since boot."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:8]]
    return (sum(v) - v[3] - v[4]) / CLK_TCK


def busy_percent(seconds: float) -> float:
    """CPU use of the whole machine over `seconds`, 100 = every core busy (others' work skews the figures)."""
    b0 = machine_busy_seconds()
    time.sleep(seconds)
    return 100 * (machine_busy_seconds() - b0) / seconds / (os.cpu_count() or 1)


def machine_description() -> dict:
    """Cores, CPU model, memory, kernel, load, and how busy the machine is right now."""
    model = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = "?"
    try:
        with open("/proc/meminfo") as f:
            mem = f"{int(f.readline().split()[1]) / 1048576:.1f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    load = " ".join(open("/proc/loadavg").read().split()[:3])
    return {"nproc": os.cpu_count(), "cpu": model, "memory": mem, "kernel": platform.release(), "loadavg": load,
            "busy_pct": busy_percent(1.0)}


def udp_sockets(pid: int) -> dict:
    """A process's UDP sockets in this namespace: datagrams dropped for a full receive buffer, bytes queued."""
    inodes = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    drops = queued = 0
    for table in ("/proc/net/udp", "/proc/net/udp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            f = line.split()
            if len(f) > 12 and f[9] in inodes:
                drops += int(f[-1])
                queued += int(f[4].split(":")[1], 16)
    return {"drops": drops, "rx_queue_bytes": queued}


def free_port() -> int:
    """A loopback port free for TCP and UDP, picked below the kernel's ephemeral range
    so that nothing binding port 0 later (Parley's media plane, a browser) can be
    given the same one."""
    try:
        ephemeral_low = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        ephemeral_low = 32768
    for _ in range(1000):
        port = random.randint(20000, max(ephemeral_low - 1, 20001))
        try:
            for kind in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
                with socket.socket(socket.AF_INET, kind) as s:
                    s.bind(("127.0.0.1", port))
            return port
        except OSError:
            continue
    raise RuntimeError("no free loopback port")
