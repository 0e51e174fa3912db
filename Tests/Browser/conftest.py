"""Fixtures for Parley's end-to-end browser tests.

- `parley`: one Parley server per test module (SQLite in a temp dir, fast
  bcrypt, a reminder scan every second, WebRTC media on an ephemeral UDP
  port of 127.0.0.1), its base URL in `parley.url`.
- `browser`: one headless Chromium per session (Playwright, sync API) with fake
  camera and microphone, launched as ../shared/TESTING.md describes.
- `media_browser("red" | "green" | "blue")`: a Chromium per module whose fake
  camera shows a solid colour and whose microphone plays a sine (`fake_media`).
- `people`: opens pages, one browser context (own cookies) per person, and on
  failure saves a screenshot of every open page and the server log tail.
- `api_user`: an account driven through the HTTP API only (requests).

Run with `make browser` (inside a network namespace with only loopback).
"""

from __future__ import annotations

import contextlib
import errno
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import pytest
import requests
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, expect, sync_playwright

from fake_media import FakeMedia, make_fake_media

REPO = Path(__file__).resolve().parents[2]
PARLEY_BIN = REPO / ".build/debug/parley"
CHROMIUM = os.environ.get("PARLEY_TEST_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(os.environ.get("PARLEY_TEST_ARTIFACTS", "/tmp/parley-browser-artifacts"))

PASSWORD = "correct horse battery"

# Default timeout for auto-waiting assertions (ms). Generous: the machine has
# 2 cores and runs a server plus several Chromium pages.
EXPECT_TIMEOUT_MS = 10_000
expect.set_options(timeout=EXPECT_TIMEOUT_MS)

# Our flags (see TESTING.md). The --disable-features list is merged with
# Playwright's own default list at launch, since Chromium honours only the
# last --disable-features switch.
CHROMIUM_ARGS = [
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--no-first-run",
    "--no-default-browser-check",
    "--allow-loopback-in-peer-connection",
    "--autoplay-policy=no-user-gesture-required",
]
OUR_DISABLED_FEATURES = ["WebRtcHideLocalIpsWithMdns", "WebUIOmniboxPopup", "WebUIOmniboxAimPopup"]


# ---------------------------------------------------------------------------
# Parley server


def _ephemeral_range() -> tuple[int, int]:
    try:
        low, high = Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()
        return int(low), int(high)
    except (OSError, ValueError):
        return 32768, 60999


# Ports handed out by this process, so two calls never return the same one before
# either is bound.
_handed_out: set[int] = set()


def _port_candidates() -> Iterator[int]:
    """Random loopback ports *below* the kernel's ephemeral range.

    A port found by binding port 0 comes from the ephemeral range, where the kernel
    also picks the ports of everything that binds port 0 later: CI lost that draw
    once, when Parley's media plane (`--media host:0`) was given the very port a
    test had just picked for `--sip` ("nua_create failed for sip:127.0.0.1:40513").
    Ports below the range are never given out by the kernel, so only other picks
    here could collide, and `_handed_out` rules those out.
    """
    low = 20000
    high = min(_ephemeral_range()[0], 65536) - 1
    if high - low < 1000:  # an unusual range: fall back to anything above 1024
        low, high = 1025, 65535
    rng = random.Random()
    for _ in range(2000):
        port = rng.randint(low, high)
        if port not in _handed_out:
            yield port


def _bindable(port: int, kinds: list[int]) -> bool:
    for kind in kinds:
        with socket.socket(socket.AF_INET, kind) as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                return False
    return True


def free_port() -> int:
    """A loopback port free for both TCP and UDP, outside the ephemeral range."""
    return free_port_run(1)


def free_port_run(count: int, tcp: bool = True, udp: bool = True, even: bool = False) -> int:
    """The first of `count` consecutive loopback ports, each free for TCP and/or UDP.

    Clients that bind next to the port they are given need this: baresip puts
    SIP over TLS on its SIP port + 1, and linphone RTP and RTCP on a run of
    ports. A single free port left the neighbour to chance, and CI lost that
    draw once ("SIP/TLS transport failed: Address already in use").
    """
    kinds = ([socket.SOCK_STREAM] if tcp else []) + ([socket.SOCK_DGRAM] if udp else [])
    for port in _port_candidates():
        if even:
            port &= ~1
        run = range(port, port + count)
        if port + count > 65535 or any(p in _handed_out for p in run):
            continue
        if all(_bindable(p, kinds) for p in run):
            _handed_out.update(run)
            return port
    raise RuntimeError(f"no run of {count} free loopback ports")


@dataclass
class ParleyServer:
    url: str
    log_path: Path
    process: subprocess.Popen

    def api(self, path: str) -> str:
        return f"{self.url}/api/v1{path}"

    def log_tail(self, lines: int = 80) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError as err:
            return f"(no log: {err})"
        return "\n".join(text.splitlines()[-lines:])


@contextlib.contextmanager
def running_parley(data_dir: Path, extra_args: list[str] = (), port: int | None = None,
                   host: str = "127.0.0.1") -> Iterator[ParleyServer]:
    """A `parley serve` (SQLite in `data_dir`, fast bcrypt, ephemeral media port)
    that answers /healthz, stopped with SIGTERM on exit; `extra_args` are more
    flags; `port` the HTTP port (default: a free one), so a restarted server
    can take its predecessor's address; `host` its loopback address (cluster
    tests give each node its own: 127.0.0.2, 127.0.0.3)."""
    if not PARLEY_BIN.exists():
        pytest.fail(f"{PARLEY_BIN} is missing: build it first (`swift build`)")
    log_path = data_dir / "parley.log"
    port = port or free_port()
    address = f"{host}:{port}"
    cmd = [
        str(PARLEY_BIN), "serve",
        "--data-dir", str(data_dir),
        "--http", address,
        # Media on an ephemeral UDP port; Parley advertises the port it bound.
        "--media", f"{host}:0",
        # The phone gateway only where a test asks for it (a fixed SIP port per server).
        "--sip", "off",
        "--set", "accounts.bcrypt_cost=4",
        *extra_args,
    ]
    log = open(log_path, "ab")
    # A build that is relinking the binary makes exec fail with ETXTBSY for a
    # moment; wait for it rather than fail.
    deadline = time.monotonic() + 120
    while True:
        try:
            proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, cwd=data_dir)
            break
        except OSError as err:
            if err.errno != errno.ETXTBSY or time.monotonic() > deadline:
                raise
            time.sleep(0.5)
    server = ParleyServer(url=f"http://{address}", log_path=log_path, process=proc)
    deadline = time.monotonic() + 30
    while True:
        if proc.poll() is not None:
            log.close()
            pytest.fail(f"parley exited with {proc.returncode} while starting:\n{server.log_tail()}")
        try:
            r = requests.get(f"{server.url}/healthz", timeout=1)
            if r.status_code == 200 and r.json().get("status") == "ok":
                break
        except (requests.RequestException, ValueError):
            pass
        if time.monotonic() > deadline:
            _stop(proc)
            log.close()
            pytest.fail(f"parley did not answer /healthz within 30 s:\n{server.log_tail()}")
        time.sleep(0.1)
    try:
        yield server
    finally:
        code = _stop(proc)
        log.close()
        if code not in (0, -signal.SIGTERM):
            print(f"\nparley exited with {code}; log tail:\n{server.log_tail()}")


@pytest.fixture(scope="module")
def parley(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Iterator[ParleyServer]:
    """One server per test module; a module may set `PARLEY_ARGS = [...]` for extra flags."""
    with running_parley(tmp_path_factory.mktemp("parley-data"), [
        "--set", "meetings.reminder_scan_seconds=1",
        "--set", "meetings.ring_seconds=20",
        *getattr(request.module, "PARLEY_ARGS", []),
    ]) as server:
        yield server


def _stop(proc: subprocess.Popen) -> int | None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
    return proc.returncode


# ---------------------------------------------------------------------------
# Chromium


def _descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    out, stack = [], [root]
    while stack:
        for child in children.get(stack.pop(), []):
            out.append(child)
            stack.append(child)
    return out


def _browser_command_lines() -> dict[int, list[str]]:
    """Command lines (by pid) of the Chromium browser processes started by this test process."""
    lines = {}
    for pid in _descendants(os.getpid()):
        try:
            raw = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        argv = [a.decode(errors="replace") for a in raw.split(b"\0") if a]
        if argv and "chrom" in Path(argv[0]).name and "--type=" not in " ".join(argv):
            lines[pid] = argv
    return lines


def _feature_switches(argv: list[str]) -> list[str]:
    return [a for a in argv if a.startswith("--disable-features=")]


@dataclass
class ChromiumLauncher:
    """Launches headless Chromium processes with our flags and one merged --disable-features list."""

    pw: Any
    args: list[str]
    ignore_default_args: list[str]

    def launch(self, extra_args: list[str] | None = None) -> Browser:
        before = set(_browser_command_lines())
        b = self.pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=self.args + list(extra_args or []),
            ignore_default_args=self.ignore_default_args,
        )
        lines = {pid: argv for pid, argv in _browser_command_lines().items() if pid not in before}
        assert lines, "could not find the Chromium browser process"
        for argv in lines.values():
            switches = _feature_switches(argv)
            assert len(switches) == 1, f"expected one --disable-features switch, got {switches} in {argv}"
            for name in OUR_DISABLED_FEATURES:
                assert name in switches[0].split("=", 1)[1].split(","), switches[0]
        return b


@pytest.fixture(scope="session")
def chromium() -> Iterator[ChromiumLauncher]:
    with sync_playwright() as pw:
        # Learn Playwright's default --disable-features switch from a probe
        # launch, then replace it with one merged list.
        probe = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        probed = _browser_command_lines()
        defaults = [s for argv in probed.values() for s in _feature_switches(argv)]
        probe.close()
        default_features: list[str] = []
        for switch in defaults:
            for name in switch.split("=", 1)[1].split(","):
                if name and name not in default_features:
                    default_features.append(name)
        merged = default_features + [f for f in OUR_DISABLED_FEATURES if f not in default_features]
        yield ChromiumLauncher(
            pw=pw,
            args=CHROMIUM_ARGS + ["--disable-features=" + ",".join(merged)],
            ignore_default_args=sorted(set(defaults)),
        )


@pytest.fixture(scope="session")
def browser(chromium: ChromiumLauncher) -> Iterator[Browser]:
    """Chromium with the default fake camera (test pattern) and microphone (beeps)."""
    b = chromium.launch()
    yield b
    b.close()


@pytest.fixture(scope="session")
def fake_media(tmp_path_factory: pytest.TempPathFactory) -> dict[str, FakeMedia]:
    """Solid-colour camera clips and sine microphones: "red" (440 Hz), "green" (700 Hz), "blue" (1100 Hz)."""
    return make_fake_media(tmp_path_factory.mktemp("fake-media"))


@pytest.fixture(scope="module")
def media_browser(chromium: ChromiumLauncher, fake_media: dict[str, FakeMedia]) -> Iterator[Any]:
    """Factory: media_browser("red") → a Chromium whose camera shows that colour and whose
    microphone plays that tone (one browser process per pair of files; started once per
    module and closed after it, so idle browsers do not weigh on later modules)."""
    browsers: dict[str, Browser] = {}

    def get(name: str) -> Browser:
        if name not in browsers:
            m = fake_media[name]
            browsers[name] = chromium.launch([
                f"--use-file-for-fake-video-capture={m.video}",
                f"--use-file-for-fake-audio-capture={m.audio}",
            ])
        return browsers[name]

    yield get
    for b in browsers.values():
        b.close()


# ---------------------------------------------------------------------------
# People: one browser context per person


def unique(prefix: str) -> str:
    """A username nobody else in this server has (usernames are [a-z0-9_.-])."""
    return f"{prefix}_{uuid.uuid4().hex[:8]}"


@dataclass
class Person:
    """A person with their own browser context (cookies) and page."""

    name: str
    context: BrowserContext
    page: Page
    base_url: str
    console_errors: list[str] = field(default_factory=list)
    username: str | None = None
    display_name: str | None = None
    user: dict | None = None

    def unexpected_errors(self) -> list[str]:
        """Console errors and uncaught exceptions, minus the designed 401 of GET /me when signed out."""
        return [e for e in self.console_errors if not expected_console_error(e)]

    def goto(self, path: str) -> Page:
        self.page.goto(self.base_url + path)
        return self.page

    def api(self, method: str, path: str, body: Any = None, expect_status: int | None = None):
        """Call /api/v1 with this person's cookies. Returns the parsed JSON (or None)."""
        kwargs: dict[str, Any] = {"method": method, "fail_on_status_code": False}
        if body is not None:
            kwargs["data"] = body
            kwargs["headers"] = {"Content-Type": "application/json"}
        resp = self.context.request.fetch(f"{self.base_url}/api/v1{path}", **kwargs)
        if expect_status is not None:
            assert resp.status == expect_status, f"{method} {path} → {resp.status}: {resp.text()}"
        elif not resp.ok:
            raise AssertionError(f"{method} {path} → {resp.status}: {resp.text()}")
        if resp.status == 204 or not resp.body():
            return None
        ctype = resp.headers.get("content-type", "")
        return resp.json() if "json" in ctype else resp.text()

    def sign_up_via_ui(self, display_name: str | None = None) -> dict:
        """Sign up through /signup with the "Sign up" button; lands on the home page."""
        self.username = unique(self.name.lower())
        self.display_name = display_name or f"{self.name} Tester"
        page = self.goto("/signup")
        page.get_by_label("Username").fill(self.username)
        page.get_by_label("Display name").fill(self.display_name)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign up").click()
        first = self.display_name.split()[0]
        expect(page.get_by_role("heading", level=1, name=re.compile(rf", {re.escape(first)}$"))).to_be_visible()
        self.user = self.api("GET", "/me")
        assert self.user["username"] == self.username, self.user
        return self.user

    def register_via_api(self, username: str | None = None, display_name: str | None = None) -> dict:
        """Sign up without the UI (sets the session cookie in this context)."""
        self.username = username or unique(self.name.lower())
        self.display_name = display_name or f"{self.name} Tester"
        self.user = self.api("POST", "/auth/register", {
            "username": self.username, "displayName": self.display_name, "password": PASSWORD,
        }, expect_status=201)
        return self.user


class People:
    """Factory for `Person`s; closes their contexts and, on failure, records evidence."""

    def __init__(self, browser: Browser, server: ParleyServer):
        self.browser = browser
        self.server = server
        self.people: list[Person] = []

    def new(self, name: str, *, viewport: dict | None = None, timezone_id: str = "UTC",
            open_page: bool = True, browser: Browser | None = None) -> Person:
        """A person in a new context of `browser` (default: the shared fake-device Chromium)."""
        context = (browser or self.browser).new_context(
            viewport=viewport or {"width": 1280, "height": 800},
            locale="en-US",
            timezone_id=timezone_id,
            accept_downloads=True,
        )
        context.set_default_timeout(15_000)
        page = context.new_page()
        person = Person(name=name, context=context, page=page, base_url=self.server.url)
        page.on("console", lambda msg, p=person: _record_console(p, msg))
        page.on("pageerror", lambda err, p=person: p.console_errors.append(f"pageerror: {err}"))
        self.people.append(person)
        return person

    def save_evidence(self, directory: Path) -> list[str]:
        saved = []
        shutil.rmtree(directory, ignore_errors=True)
        directory.mkdir(parents=True, exist_ok=True)
        for i, person in enumerate(self.people):
            for j, page in enumerate(person.context.pages):
                if page.is_closed():
                    continue
                path = directory / f"{i:02d}-{person.name}-{j}.png"
                try:
                    page.screenshot(path=str(path), full_page=True, timeout=5_000)
                    saved.append(f"{path}  ({page.url})")
                except Exception as err:  # noqa: BLE001 - evidence is best effort
                    saved.append(f"{path}: screenshot failed: {err}")
        return saved

    def close(self) -> None:
        for person in self.people:
            try:
                person.context.close()
            except Exception:  # noqa: BLE001
                pass


def expected_console_error(text: str) -> bool:
    # A signed-out page asks GET /api/v1/me, which answers 401; Chromium logs
    # every 4xx resource load as a console error. That is the designed check
    # for "am I signed in?", not a fault.
    return "status of 401" in text and "/api/v1/me:" in text


def _record_console(person: Person, msg: ConsoleMessage) -> None:
    if msg.type == "error":
        loc = msg.location or {}
        person.console_errors.append(f"console.error: {msg.text} ({loc.get('url', '')}:{loc.get('lineNumber', '')})")


def _people_of(item: pytest.Item) -> "People | None":
    """The People of a test: the `people` fixture, or a fixture object that has one in `.people`."""
    for value in getattr(item, "funcargs", {}).values():
        if isinstance(value, People):
            return value
        inner = getattr(value, "people", None)
        if isinstance(inner, People):
            return inner
    return None


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)
    if report.failed and report.when in ("setup", "call"):
        server = item.funcargs.get("parley") if hasattr(item, "funcargs") else None
        if isinstance(server, ParleyServer):
            report.sections.append(("parley log (tail)", server.log_tail()))
        people = _people_of(item)
        if people is not None:
            directory = ARTIFACTS / item.nodeid.replace("/", "_").replace("::", "__")
            saved = people.save_evidence(directory)
            errors = [f"{p.name}: {e}" for p in people.people for e in p.console_errors]
            text = "screenshots:\n  " + "\n  ".join(saved or ["(none)"])
            if errors:
                text += "\nbrowser console errors:\n  " + "\n  ".join(errors)
            text += "\npages:\n  " + "\n  ".join(
                f"{p.name}: {pg.url}" for p in people.people for pg in p.context.pages if not pg.is_closed())
            report.sections.append(("browser evidence", text))


@pytest.fixture(scope="module")
def slow_expect() -> Iterator[None]:
    """Live-media modules: 20 s auto-waiting assertions (three Chromiums with real
    media share 2 cores), back to the default after the module."""
    expect.set_options(timeout=2 * EXPECT_TIMEOUT_MS)
    yield
    expect.set_options(timeout=EXPECT_TIMEOUT_MS)


@pytest.fixture
def people(browser: Browser, parley: ParleyServer) -> Iterator[People]:
    factory = People(browser, parley)
    yield factory
    factory.close()


# ---------------------------------------------------------------------------
# Accounts driven through the API only


@dataclass
class ApiUser:
    server: ParleyServer
    session: requests.Session
    username: str
    display_name: str
    user: dict

    @property
    def id(self) -> str:
        return self.user["id"]

    def call(self, method: str, path: str, body: Any = None, expect_status: int | None = None):
        resp = self.session.request(method, self.server.api(path), json=body, timeout=10)
        if expect_status is not None:
            assert resp.status_code == expect_status, f"{method} {path} → {resp.status_code}: {resp.text}"
        else:
            assert resp.ok, f"{method} {path} → {resp.status_code}: {resp.text}"
        if resp.status_code == 204 or not resp.content:
            return None
        return resp.json() if "json" in resp.headers.get("content-type", "") else resp.text


@pytest.fixture
def api_user(parley: ParleyServer):
    """Factory: api_user("carol") registers a new account through the API."""

    def make(name: str, display_name: str | None = None) -> ApiUser:
        s = requests.Session()
        username = unique(name.lower())
        display = display_name or f"{name} Api"
        r = s.post(parley.api("/auth/register"), json={
            "username": username, "displayName": display, "password": PASSWORD,
        }, timeout=10)
        assert r.status_code == 201, r.text
        return ApiUser(server=parley, session=s, username=username, display_name=display, user=r.json())

    return make


def make_friends(a, b) -> None:
    """Make two accounts friends through the API (Person or ApiUser)."""
    a_id = a.user["id"]
    b_id = b.user["id"]
    call_a = a.call if isinstance(a, ApiUser) else a.api
    call_b = b.call if isinstance(b, ApiUser) else b.api
    call_a("POST", "/friend-requests", {"userId": b_id}, expect_status=201)
    fr = call_b("POST", "/friend-requests", {"userId": a_id}, expect_status=200)
    assert fr["status"] == "accepted", fr
