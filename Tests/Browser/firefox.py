"""Firefox ESR for the browser tests: a launcher and a small driver over Marionette.

Playwright's Firefox is a patched build that cannot be installed here, so the
Debian `firefox-esr` is started as it is (`--marionette --no-remote -profile
DIR`, headless) and driven with the PyPI package `marionette-driver`
(../shared/TESTING.md, "Firefox ESR"):

- fake camera and microphone: `media.navigator.streams.fake`,
  `media.navigator.permission.disabled`;
- ICE inside the loopback-only namespace: `media.peerconnection.ice.loopback`
  and camera/microphone permission *stored* for the page's origin (as when a
  user ticks "Remember"; without it Firefox gathers no candidate here), see
  `Firefox.allow_media`;
- no sound device: `media.cubeb.force_mock_context` (otherwise the audio
  engine stays suspended);
- the page's console goes to Firefox's stdout (`devtools.console.stdout.content`),
  kept in `Firefox.log_path`, so a test can read it (`console_errors`, `log_tail`).

Chrome-context access (to store the permission) needs `-remote-allow-system-access`
on Firefox's command line (Firefox 153 refuses Marionette's chrome context
without it).

Marionette is a TCP socket on 127.0.0.1 (`Firefox.marionette_port`): a test
that cuts the network with iptables must let that port through (see
`test_firefox.network_cut`), as Playwright's pipe to Chromium needs nothing.

Scripts: `Firefox.run(FUNCTION_SOURCE, *args)` runs a JavaScript function
source written for Playwright's `page.evaluate` (`"(x) => ..."`, `"async () => ..."`)
in the page's own global (Marionette's `sandbox=None`: `window.parleyRoom` is
the page's object, and the page's CSP, which forbids eval, does not apply),
awaits it when it returns a promise and returns its value.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path
from typing import Any

from conftest import free_port
from marionette_driver import errors as marionette_errors
from marionette_driver.by import By
from marionette_driver.marionette import Marionette

FIREFOX = os.environ.get("PARLEY_TEST_FIREFOX", "/usr/bin/firefox-esr")

# Preferences of the test profile (user.js).
PREFS: dict[str, Any] = {
    # Fake camera (a moving test pattern) and microphone (a tone), no prompt.
    "media.navigator.streams.fake": True,
    "media.navigator.permission.disabled": True,
    # ICE candidates on loopback, and no mDNS names for the host candidates.
    "media.peerconnection.ice.loopback": True,
    "media.peerconnection.ice.obfuscate_host_addresses": False,
    # No sound card: a mock audio backend, or the audio engine stays suspended.
    "media.cubeb.force_mock_context": True,
    "media.autoplay.default": 0,
    "media.autoplay.block-webaudio": False,
    # The page's console on stdout (our log file).
    "devtools.console.stdout.content": True,
    # A quiet browser: nothing in the background, no first-run pages.
    "browser.shell.checkDefaultBrowser": False,
    "browser.startup.homepage_override.mstone": "ignore",
    "browser.startup.page": 0,
    "browser.aboutwelcome.enabled": False,
    "browser.newtabpage.enabled": False,
    "browser.tabs.warnOnClose": False,
    "browser.sessionstore.resume_from_crash": False,
    "datareporting.policy.dataSubmissionEnabled": False,
    "datareporting.healthreport.uploadEnabled": False,
    "toolkit.telemetry.reportingpolicy.firstRun": False,
    "toolkit.telemetry.enabled": False,
    "app.update.disabledForTesting": True,
    "app.normandy.enabled": False,
    "extensions.update.enabled": False,
    "extensions.getAddons.cache.enabled": False,
    "network.captive-portal-service.enabled": False,
    "network.connectivity-service.enabled": False,
    "network.dns.disablePrefetch": True,
    "network.http.speculative-parallel-limit": 0,
    "network.prefetch-next": False,
    "network.proxy.type": 0,
    "browser.safebrowsing.malware.enabled": False,
    "browser.safebrowsing.phishing.enabled": False,
    "browser.safebrowsing.downloads.enabled": False,
    "browser.safebrowsing.blockedURIs.enabled": False,
    "services.settings.server": "http://127.0.0.1:9/none",
    "dom.disable_open_during_load": False,
}


class FirefoxScriptError(AssertionError):
    """A page script threw or rejected."""


def _pref_line(name: str, value: Any) -> str:
    return f"user_pref({json.dumps(name)}, {json.dumps(value)});\n"


class Firefox:
    """One firefox-esr process with its own profile, driven over Marionette (one tab)."""

    def __init__(self, directory: Path, *, headless: bool = True, extra_prefs: dict[str, Any] | None = None,
                 env: dict[str, str] | None = None):
        self.directory = Path(directory)
        self.profile = self.directory / "profile"
        self.log_path = self.directory / "firefox.log"
        self.headless = headless
        self.prefs = {**PREFS, **(extra_prefs or {})}
        self.env = env or {}
        self.marionette_port = free_port()
        self.process: subprocess.Popen | None = None
        self.client: Marionette | None = None
        self._log = None

    # --- Lifecycle -----------------------------------------------------------

    def start(self, timeout: float = 60) -> "Firefox":
        shutil.rmtree(self.profile, ignore_errors=True)
        self.profile.mkdir(parents=True)
        prefs = {**self.prefs, "marionette.port": self.marionette_port}
        (self.profile / "user.js").write_text("".join(_pref_line(k, v) for k, v in prefs.items()))
        env = {**os.environ, "MOZ_CRASHREPORTER_DISABLE": "1", "MOZ_CRASHREPORTER_SHUTDOWN": "1",
               "MOZ_DISABLE_AUTO_SAFE_MODE": "1", **self.env}
        if self.headless:
            env["MOZ_HEADLESS"] = "1"
        # -remote-allow-system-access: Marionette's chrome context (allow_media).
        cmd = [FIREFOX, "--marionette", "-remote-allow-system-access", "--no-remote", "-profile", str(self.profile)]
        if self.headless:
            cmd.append("--headless")
        self._log = open(self.log_path, "ab")
        self.process = subprocess.Popen(cmd, stdout=self._log, stderr=subprocess.STDOUT, env=env,
                                        start_new_session=True)
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"firefox exited with {self.process.returncode} while starting:\n{self.log_tail()}")
            try:
                with socket.create_connection(("127.0.0.1", self.marionette_port), timeout=1):
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                self.close()
                raise RuntimeError(f"Marionette did not listen on {self.marionette_port} within {timeout:.0f} s:\n{self.log_tail()}")
            time.sleep(0.2)
        self.client = Marionette(host="127.0.0.1", port=self.marionette_port, socket_timeout=120)
        self.client.start_session()
        self.client.timeout.script = 60
        self.client.timeout.page_load = 60
        return self

    def close(self) -> None:
        if self.client is not None:
            with contextlib.suppress(Exception):
                self.client.delete_session()
            self.client = None
        proc = self.process
        if proc is not None and proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=15)
        if self._log is not None:
            self._log.close()
            self._log = None

    def __enter__(self) -> "Firefox":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def version(self) -> str:
        caps = self.client.session or {}
        return f"{caps.get('browserName', 'firefox')} {caps.get('browserVersion', '?')}"

    # --- Permissions -----------------------------------------------------------

    def allow_media(self, origin: str) -> None:
        """Store camera and microphone permission for `origin` (e.g. http://127.0.0.1:8080),
        as a user who ticked "Remember": without it Firefox gathers no ICE candidate in a
        namespace that has no default route."""
        with self.client.using_context(self.client.CONTEXT_CHROME):
            self.client.execute_script("""
                const [origin] = arguments;
                const principal = Services.scriptSecurityManager.createContentPrincipalFromOrigin(origin);
                for (const type of ['camera', 'microphone']) {
                  Services.perms.addFromPrincipal(principal, type, Services.perms.ALLOW_ACTION, Services.perms.EXPIRE_NEVER);
                }
            """, script_args=[origin])
            stored = self.client.execute_script("""
                const [origin] = arguments;
                const principal = Services.scriptSecurityManager.createContentPrincipalFromOrigin(origin);
                return ['camera', 'microphone'].map((t) => Services.perms.testExactPermissionFromPrincipal(principal, t));
            """, script_args=[origin])
        assert stored == [1, 1], f"camera/microphone permission not stored for {origin}: {stored}"

    # --- The page ----------------------------------------------------------------

    def goto(self, url: str) -> None:
        self.client.navigate(url)

    @property
    def url(self) -> str:
        return self.client.get_url()

    def run(self, source: str, *args: Any, timeout: float = 60) -> Any:
        """Run a JavaScript function source (Playwright `evaluate` style) in the page; returns its value."""
        try:
            return self.client.execute_script(f"return ({source.strip()})(...arguments);", script_args=list(args),
                                              sandbox=None, new_sandbox=False, script_timeout=int(timeout * 1000))
        except marionette_errors.JavascriptException as err:
            raise FirefoxScriptError(f"page script failed: {err}\nscript: {source.strip()[:300]}") from None

    def wait_for(self, what: str, source: str, *args: Any, timeout: float = 30, interval: float = 0.2) -> Any:
        """Runs `source` until it returns something truthy; fails with the last value after `timeout` s."""
        deadline = time.monotonic() + timeout
        last: Any = None
        while True:
            try:
                last = self.run(source, *args)
            except FirefoxScriptError as err:  # the page may be between two documents
                last = err
            if last and not isinstance(last, Exception):
                return last
            if time.monotonic() > deadline:
                raise AssertionError(f"Firefox: timed out after {timeout:.0f} s waiting for {what}; last value: {last!r}")
            time.sleep(interval)

    def find(self, css: str):
        return self.client.find_element(By.CSS_SELECTOR, css)

    def screenshot(self, path: Path) -> None:
        Path(path).write_bytes(self.client.screenshot(format="binary", full=True))

    # --- Evidence --------------------------------------------------------------------

    def log_tail(self, lines: int = 60) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError as err:
            return f"(no log: {err})"
        return "\n".join(text.splitlines()[-lines:])

    def log_size(self) -> int:
        """Where the log ends now: `console_errors(since=...)` reads what came after."""
        try:
            return self.log_path.stat().st_size
        except OSError:
            return 0

    def console_errors(self, since: int = 0) -> list[str]:
        """The page's console.error lines (`console.error: ...` on stdout) after byte `since`
        of the log, without Firefox's own remote-settings noise (RSLoader)."""
        try:
            with open(self.log_path, "rb") as f:
                f.seek(since)
                text = f.read().decode(errors="replace")
        except OSError:
            return []
        return [line for line in text.splitlines() if line.startswith("console.error") and "RSLoader" not in line]
