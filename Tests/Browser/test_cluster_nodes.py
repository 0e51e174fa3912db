"""Nodes of one cluster on one PostgreSQL (issue 14, its first part).

Two `parley serve` processes on 127.0.0.2 and 127.0.0.3 share a throwaway
PostgreSQL server (Debian's, run by the test in the foreground):

- both register and are listed alive by `parley node list`; `/readyz` says ready;
- a meeting runs on one node whichever node people come through: Ada joins
  through alpha, Ben through beta, and they see each other; the room runs
  on alpha alone and beta relays Ben's signaling (his media goes straight
  to alpha); alpha killed with SIGKILL: Ben, still on beta's page, is back
  in the meeting, now on beta, and sees Cara who joins after;
- a caller who types a meeting's code at alpha's prompt while the meeting
  runs on beta is sent to beta's gateway (REFER) and lands in the meeting
  there, where the browser sees and hears them;
- dial-out: the host's page came in through beta, the meeting runs on
  alpha; "Call a phone" rings the callee from alpha's gateway and both
  pages hear the callee;
- `parley node cordon alpha`: alpha goes on serving the meeting it has (a
  second person joins it there) but a new meeting starts on beta even for
  someone who came through alpha; with beta cordoned too, nobody can start
  one (the page says the server is about to restart);
- `parley node drain alpha`: `/readyz` says 503 draining, alpha hands its
  meetings over and stops by itself, and its row is gone; beta killed with
  SIGKILL is listed as silent;
- a drained node hands its meeting over, phones included: Ben (relayed
  through beta) and Pat (a baresip caller on alpha's gateway) are back in the
  meeting on beta, Pat through a REFER to beta's gateway, and alpha exits
  long before its drain deadline;
- PostgreSQL stopped for 20 s under a node with a live meeting: `/healthz`
  stays 200, `/readyz` says database_unreachable, video keeps flowing
  between the two people, creating a meeting answers 503
  database_unavailable; PostgreSQL back: ready again, meetings can be made.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest
import requests
from playwright.sync_api import expect

import conftest
from conftest import PARLEY_BIN, People, free_port, running_parley
from phone import Phone, write_tone
from room_helpers import SLOW, expect_state, join, open_prejoin, participant_id, poll, tone, toolbar_button
from test_reconnection import flowing, start_meeting

pytestmark = pytest.mark.usefixtures("slow_expect")

HEARTBEAT = 1


@dataclass
class Postgres:
    url: str
    directory: Path
    port: int
    process: subprocess.Popen | None = None

    def start(self) -> None:
        bin_dir = max(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))
        cmd = [str(bin_dir / "postgres"), "-D", str(self.directory / "data"), "-c", "listen_addresses=127.0.0.1",
               "-p", str(self.port), "-k", str(self.directory), "-c", "fsync=off"]
        if os.geteuid() == 0:
            cmd = ["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", *cmd]
        self.process = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        poll("PostgreSQL to accept connections", lambda: _accepts(self.port), timeout=20)

    def stop(self) -> None:
        """Immediate shutdown (SIGQUIT), as a crash would leave it."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)
            self.process.wait(timeout=20)


def _accepts(port: int) -> bool:
    import socket
    with contextlib.closing(socket.socket()) as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


@contextlib.contextmanager
def throwaway_postgres() -> Iterator[Postgres]:
    """A PostgreSQL server in a directory of its own under /tmp (pytest's
    temporary directories are closed to the postgres user)."""
    bin_dir = max(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))
    directory = Path(tempfile.mkdtemp(prefix="parley-pg-", dir="/tmp"))
    as_pg: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(directory, "postgres")
        as_pg = ["runuser", "-u", "postgres", "--"]
    subprocess.run([*as_pg, str(bin_dir / "initdb"), "-D", str(directory / "data"), "-U", "postgres", "--auth=trust", "-E", "UTF8"],
                   check=True, stdout=subprocess.DEVNULL)
    pg = Postgres(url="", directory=directory, port=free_port())
    pg.start()
    try:
        subprocess.run([*as_pg, str(bin_dir / "createdb"), "-h", "127.0.0.1", "-p", str(pg.port), "-U", "postgres", "parley"], check=True)
        pg.url = f"postgres://postgres@127.0.0.1:{pg.port}/parley"
        yield pg
    finally:
        pg.stop()
        shutil.rmtree(directory, ignore_errors=True)


def mkdir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def node_args(pg: Postgres, name: str) -> list[str]:
    return ["--database-url", pg.url, "--set", f"cluster.node_name={name}",
            "--set", f"cluster.heartbeat_seconds={HEARTBEAT}", "--set", "cluster.drain_seconds=60"]


def readyz(server) -> tuple[int, dict]:
    r = requests.get(f"{server.url}/readyz", timeout=5)
    return r.status_code, r.json()


def node_cli(pg: Postgres, *args: str) -> str:
    out = subprocess.run([str(PARLEY_BIN), "node", *args, "--database-url", pg.url], capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stdout + out.stderr
    return out.stdout


def listed(pg: Postgres) -> dict[str, str]:
    """Node name → its HEARTBEAT column (alive, or silent N s)."""
    rows = {}
    for line in node_cli(pg, "list").splitlines()[1:]:
        parts = line.split()
        if len(parts) > 3:
            rows[parts[0]] = "alive" if parts[2] == "alive" else f"{parts[2]} {parts[3]}"
    return rows


@contextlib.contextmanager
def two_nodes(tmp_path: Path, phones: bool = False,
              alpha_args: tuple[str, ...] = ()) -> Iterator[tuple[Postgres, object, object, dict[str, int]]]:
    """alpha (127.0.0.2, with `alpha_args` too) and beta (127.0.0.3) on one
    throwaway PostgreSQL, with SIP gateways if `phones`; yields (pg, alpha,
    beta, SIP ports by name)."""
    ports = {"alpha": free_port(), "beta": free_port()}
    sip = {name: ["--sip", f"{host}:{ports[name]}", "--set", "sip.noise_suppression=false"] if phones else []
           for name, host in (("alpha", "127.0.0.2"), ("beta", "127.0.0.3"))}
    with throwaway_postgres() as pg, \
            running_parley(mkdir(tmp_path / "alpha"), node_args(pg, "alpha") + sip["alpha"] + list(alpha_args),
                           host="127.0.0.2") as alpha, \
            running_parley(mkdir(tmp_path / "beta"), node_args(pg, "beta") + sip["beta"], host="127.0.0.3") as beta:
        for node in (alpha, beta):
            poll("the node to be ready", lambda node=node: readyz(node)[0] == 200)
        yield pg, alpha, beta, ports


def hosted_meeting(node, title: str, session: requests.Session | None = None) -> dict:
    """A meeting made through `node`'s API by a new host (signed in on
    `session`, if given); its JSON."""
    s = session or requests.Session()
    r = s.post(node.api("/auth/register"), json={"username": conftest.unique("host"), "password": conftest.PASSWORD,
                                                 "displayName": "Hana Host"}, timeout=10)
    assert r.status_code in (200, 201), r.text
    r = s.post(node.api("/meetings"), json={"title": title}, timeout=10)
    assert r.status_code == 201, r.text
    return r.json()


def load(pg: Postgres) -> dict[str, tuple[int, int]]:
    """Node name → (people, rooms) as of its last heartbeat."""
    rows = {}
    for line in node_cli(pg, "list").splitlines()[1:]:
        parts = line.split()
        if len(parts) > 3:
            at = 3 if parts[2] == "alive" else 5
            rows[parts[0]] = (int(parts[at + 2]), int(parts[at + 3]))
    return rows


def metric(server, name: str) -> float:
    text = requests.get(f"{server.url}/metrics", timeout=5).text
    return sum(float(line.split()[-1]) for line in text.splitlines()
               if line.startswith(name) and line[len(name):len(name) + 1] in (" ", "{"))


def test_a_meeting_runs_on_one_node_whichever_node_people_come_through(tmp_path: Path, browser) -> None:
    with two_nodes(tmp_path) as (pg, alpha, beta, _):
        on_alpha, on_beta = People(browser, alpha), People(browser, beta)
        try:
            host = requests.Session()
            m = hosted_meeting(alpha, "One room, two doors", session=host)
            code = m["code"]
            ada = join(on_alpha.new("Ada"), code, "Ada Able")
            ben = join(on_beta.new("Ben"), code, "Ben Baker")
            ida = ada.evaluate("() => window.parleyRoom.participantId")
            idb = ben.evaluate("() => window.parleyRoom.participantId")
            flowing(ada, idb)
            flowing(ben, ida)
            poll("both people counted on alpha, none on beta", lambda: load(pg) == {"alpha": (2, 1), "beta": (0, 0)})
            assert metric(beta, "parley_signaling_relayed_total") == 1
            assert metric(alpha, "parley_signaling_relayed_total") == 0

            # The host starts recording through beta: only alpha can record
            # the meeting, so beta sends the request on; alpha's recorder runs.
            # (Behind one address the browser sends the same cookie to every node.)
            # The request claims to come from another node, unsigned, as a
            # browser could: beta must not take that for a node's mark and
            # start a second room of the meeting on itself.
            cookie = "; ".join(f"{c.name}={c.value}" for c in host.cookies)
            r = requests.post(beta.api(f"/meetings/{m['id']}/recording"),
                              headers={"Cookie": cookie, "Parley-Relayed-By": "alpha"}, timeout=20)
            assert r.status_code == 201, r.text
            recording = r.json()
            poll("alpha recording", lambda: metric(alpha, "parley_recordings_capturing") == 1)
            assert metric(beta, "parley_recordings_capturing") == 0
            r = requests.post(beta.api(f"/recordings/{recording['id']}/stop"), headers={"Cookie": cookie}, timeout=20)
            assert r.status_code == 200, r.text
            assert r.json()["status"] != "recording", r.text
            poll("alpha's recorder stopped", lambda: metric(alpha, "parley_recordings_capturing") == 0)

            # Its files are in alpha's directory. Beta streams them from alpha
            # (ranges included, as players seek) and lists alpha's tracks.
            rec = f"/recordings/{recording['id']}"
            done = poll("the recording composited", lambda: (lambda r: r if r["status"] in ("ready", "failed") else None)(
                requests.get(beta.api(rec), headers={"Cookie": cookie}, timeout=10).json()), timeout=240)
            assert done["status"] == "ready", done
            assert [t["name"] for t in done["tracks"]], done
            whole = requests.get(alpha.api(rec + "/file"), headers={"Cookie": cookie}, timeout=30)
            assert whole.status_code == 200 and len(whole.content) > 1000, whole.status_code
            via_beta = requests.get(beta.api(rec + "/file"), headers={"Cookie": cookie}, timeout=30)
            assert via_beta.status_code == 200, via_beta.text
            assert via_beta.headers["Content-Type"] == "video/mp4"
            assert via_beta.content == whole.content
            part = requests.get(beta.api(rec + "/file"), headers={"Cookie": cookie, "Range": "bytes=100-199"}, timeout=30)
            assert part.status_code == 206, part.status_code
            assert part.headers["Content-Range"] == f"bytes 100-199/{len(whole.content)}"
            assert part.content == whole.content[100:200]
            track = requests.get(beta.api(f"{rec}/tracks/{done['tracks'][0]['name']}"), headers={"Cookie": cookie}, timeout=30)
            assert track.status_code == 200 and len(track.content) == done["tracks"][0]["sizeBytes"], track.status_code

            # A leave beacon reaching beta for someone beta relays goes on to
            # alpha: Dan is gone at once, not after the 60 s grace.
            dan = join(on_beta.new("Dan"), code, "Dan Dale")
            idd = dan.evaluate("() => window.parleyRoom.participantId")
            token = dan.evaluate("() => window.parleyRoom.session.resumeToken")
            poll("Ada to see Dan", lambda: ada.evaluate("(id) => window.parleyRoom.participants.has(id)", idd))
            r = requests.post(beta.api("/leave"), json={"resumeToken": token}, timeout=10)
            assert r.status_code == 204, r.text
            poll("Dan gone from Ada's meeting", lambda: not ada.evaluate("(id) => window.parleyRoom.participants.has(id)", idd),
                 timeout=10)
            dan.context.close()

            killed = time.monotonic()
            os.kill(alpha.process.pid, signal.SIGKILL)
            alpha.process.wait(timeout=10)
            ada.context.close()
            # Ben's relayed socket ends; once alpha is seen dead (three missed
            # heartbeats), beta takes the meeting and Ben is back in it.
            expect_state(ben, "reconnecting", timeout=30)
            expect_state(ben, "joined", timeout=60)
            cara = join(on_beta.new("Cara"), code, "Cara Cole")
            idc = cara.evaluate("() => window.parleyRoom.participantId")
            idb_now = ben.evaluate("() => window.parleyRoom.participantId")
            assert idb_now == idb, "Ben came back as himself"
            print(f"\nkilled_node_seconds back in the meeting: {time.monotonic() - killed:.1f}")
            flowing(ben, idc, timeout=60)
            flowing(cara, idb, timeout=60)
            poll("the meeting now on beta", lambda: load(pg).get("beta") == (2, 1))
        finally:
            on_alpha.close()
            on_beta.close()


def test_a_caller_at_one_nodes_prompt_is_sent_to_the_node_that_runs_the_meeting(tmp_path: Path, browser) -> None:
    with two_nodes(tmp_path, phones=True) as (pg, alpha, beta, ports):
        m = hosted_meeting(alpha, "Phones across nodes")
        on_beta = People(browser, beta)
        phone = Phone(tmp_path, "pat", write_tone(tmp_path / "pat.wav", 1000.0, 8000, seconds=40), display_name="Prompted Pat")
        try:
            # Ada's join through beta starts the meeting there.
            ada = join(on_beta.new("Ada"), m["code"], "Ada Able")
            poll("the meeting on beta", lambda: load(pg).get("beta") == (1, 1))
            # Pat calls alpha's general number and types the code at its prompt.
            phone.dial(f"sip:parley@127.0.0.2:{ports['alpha']}")
            phone.wait_event("CALL_ESTABLISHED")
            time.sleep(1.5)  # let the welcome prompt start
            phone.send_digits(m["dialInCode"] + "#")
            # Alpha sends the phone to beta's gateway; the phone's new call lands in the meeting.
            pid = participant_id(ada, "Prompted Pat", timeout=30)
            poll("Pat's 1 kHz in Ada's page", lambda: (t := tone(ada, pid)) and abs(t["hz"] - 1000) < 40, timeout=SLOW)
            assert phone.has_event("TRANSFER") or any(e.get("type") == "TRANSFER" for e in phone.events), phone.events[-8:]
            poll("the call counted on beta only", lambda: (l := load(pg)) and l.get("alpha") == (0, 0) and l.get("beta", (0, 0))[0] == 2)
        finally:
            phone.close()
            on_beta.close()


def test_the_host_calls_a_phone_from_whichever_node_runs_the_meeting(tmp_path: Path, browser) -> None:
    """Dial-out in a cluster: the meeting runs on alpha (Gus came in there
    first); its host Hana's page comes in through beta, which relays her
    signaling. Her "Call a phone" rings the callee from alpha's gateway, the
    room's node, and the callee is in the meeting, heard on both pages."""
    with two_nodes(tmp_path, phones=True) as (pg, alpha, beta, ports):
        on_alpha, on_beta = People(browser, alpha), People(browser, beta)
        callee = Phone(tmp_path, "callee", write_tone(tmp_path / "callee.wav", 1000.0, 8000, seconds=40),
                       account_params=";answermode=auto")
        try:
            hana = on_beta.new("Hana")
            hana.register_via_api(display_name="Hana Host")
            m = hana.api("POST", "/meetings", {"title": "Dial-out across nodes"}, expect_status=201)
            gus = join(on_alpha.new("Gus"), m["code"], "Gus Guest")
            poll("the meeting on alpha", lambda: load(pg).get("alpha") == (1, 1))
            page = join(hana, m["code"])
            poll("Hana in alpha's meeting through beta", lambda: load(pg) == {"alpha": (2, 1), "beta": (0, 0)})
            assert metric(beta, "parley_signaling_relayed_total") == 1

            toolbar_button(page, "Participants").click()
            panel = page.locator("#room-panel-participants")
            panel.get_by_label("Phone number or SIP address").fill(f"sip:callee@127.0.0.1:{callee.sip_port}")
            panel.get_by_role("button", name="Call", exact=True).click()
            callee.wait_event("CALL_ESTABLISHED", timeout=20)
            poll("the call on alpha's gateway", lambda: metric(alpha, "parley_gateway_calls") == 1)
            assert metric(beta, "parley_gateway_calls") == 0
            for viewer in (page, gus):
                pid = participant_id(viewer, f"callee@127.0.0.1:{callee.sip_port}")
                poll("the callee's 1 kHz", lambda viewer=viewer, pid=pid: (t := tone(viewer, pid)) and abs(t["hz"] - 1000) < 40,
                     timeout=SLOW)
            callee.hang_up()
            callee.wait_event("CALL_CLOSED")
            poll("the call ended on alpha", lambda: metric(alpha, "parley_gateway_calls") == 0)
        finally:
            callee.close()
            on_alpha.close()
            on_beta.close()


def test_a_drained_node_hands_its_meeting_over_phones_included(tmp_path: Path, browser) -> None:
    with two_nodes(tmp_path, phones=True) as (pg, alpha, beta, ports):
        m = hosted_meeting(alpha, "Handed over")
        on_alpha, on_beta = People(browser, alpha), People(browser, beta)
        phone = Phone(tmp_path, "pat", write_tone(tmp_path / "pat.wav", 1000.0, 8000, seconds=60), display_name="Phoning Pat")
        try:
            ada = join(on_alpha.new("Ada"), m["code"], "Ada Able")
            ben = join(on_beta.new("Ben"), m["code"], "Ben Baker")
            idb = ben.evaluate("() => window.parleyRoom.participantId")
            phone.dial(f"sip:{m['dialInCode']}@127.0.0.2:{ports['alpha']}")
            phone.wait_event("CALL_ESTABLISHED")
            pat = participant_id(ben, "Phoning Pat", timeout=30)
            poll("Pat's 1 kHz in Ben's page", lambda: (t := tone(ben, pat)) and abs(t["hz"] - 1000) < 40, timeout=SLOW)
            poll("the meeting on alpha", lambda: load(pg).get("alpha") == (3, 1))
            # Ada's page is served by alpha: behind a load balancer it would
            # resume through beta; here it goes with alpha.
            ada.context.close()

            started = time.monotonic()
            node_cli(pg, "drain", "alpha")
            poll("alpha to hand over and stop", lambda: alpha.process.poll() is not None, timeout=60)
            took = time.monotonic() - started
            assert alpha.process.returncode == 0, alpha.log_tail()
            assert took < 40, f"alpha took {took:.0f} s to drain (its deadline is 60 s)"
            print(f"\ndrain_seconds hand-over: {took:.1f}")
            # Ben is back as himself, and hears Pat, whose phone now calls beta.
            expect_state(ben, "joined", timeout=60)
            assert ben.evaluate("() => window.parleyRoom.participantId") == idb
            assert phone.has_event("TRANSFER") or any(e.get("type") == "TRANSFER" for e in phone.events), phone.events[-8:]

            def pat_heard():
                pid = ben.evaluate("(n) => [...window.parleyRoom.participants.values()].find(p => p.displayName === n)?.id ?? null",
                                   "Phoning Pat")
                t = pid and tone(ben, pid)
                return t and abs(t["hz"] - 1000) < 40
            poll("Pat's 1 kHz in Ben's page again", pat_heard, timeout=SLOW)
            poll("the meeting on beta", lambda: load(pg).get("beta") == (2, 1))
        finally:
            phone.close()
            on_alpha.close()
            on_beta.close()


def test_nodes_register_cordon_drain_and_die(tmp_path: Path, browser) -> None:
    with two_nodes(tmp_path) as (pg, alpha, beta, _):
        assert listed(pg) == {"alpha": "alive", "beta": "alive"}

        on_alpha, on_beta = People(browser, alpha), People(browser, beta)
        try:
            first = start_meeting(alpha, "Standing meeting")
            ada = join(on_alpha.new("Ada"), first, "Ada Able")

            node_cli(pg, "cordon", "alpha")
            poll("alpha to be cordoned", lambda: readyz(alpha)[1]["state"] == "cordoned")
            assert readyz(alpha)[0] == 200, "a cordoned node still serves its meetings"
            ben = join(on_alpha.new("Ben"), first, "Ben Baker")
            second = start_meeting(alpha, "New meeting")
            cara = join(on_alpha.new("Cara"), second, "Cara Cole")
            poll("the new meeting on beta", lambda: load(pg).get("beta") == (1, 1))
            node_cli(pg, "cordon", "beta")
            poll("beta to be cordoned", lambda: readyz(beta)[1]["state"] == "cordoned")
            third = start_meeting(alpha, "Nowhere to start")
            dan = open_prejoin(on_alpha.new("Dan"), third, "Dan Dale")
            dan.get_by_role("button", name="Join", exact=True).click()
            expect_state(dan, "failed")
            expect(dan.get_by_text("This server is about to restart")).to_be_visible()
            node_cli(pg, "uncordon", "beta")
            # Cara's signaling runs through alpha: she leaves before it drains
            # (behind a load balancer her page would reconnect through beta).
            cara.context.close()

            node_cli(pg, "drain", "alpha")
            poll("alpha to drain", lambda: readyz(alpha)[0] == 503 and readyz(alpha)[1].get("reason") == "draining")
            # It hands its meeting over (Ada and Ben's pages, on alpha, resume
            # through it to beta) and stops once it carries nothing.
            poll("alpha to stop once its meeting is handed over", lambda: alpha.process.poll() is not None, timeout=SLOW)
            assert alpha.process.returncode == 0, alpha.log_tail()
            assert "alpha" not in listed(pg), "a node that stopped cleanly leaves the list"
        finally:
            on_alpha.close()
            on_beta.close()

        os.kill(beta.process.pid, signal.SIGKILL)
        beta.process.wait(timeout=10)
        poll("beta to be listed silent", lambda: listed(pg).get("beta", "").startswith("silent"), timeout=4 * HEARTBEAT + 10)


def test_a_node_rides_out_a_database_outage(tmp_path: Path, browser) -> None:
    with throwaway_postgres() as pg, \
            running_parley(mkdir(tmp_path / "alpha"), node_args(pg, "alpha"), host="127.0.0.2") as alpha:
        poll("the node to be ready", lambda: readyz(alpha)[0] == 200)
        people = People(browser, alpha)
        try:
            code = start_meeting(alpha, "Through the outage")
            a = join(people.new("Ada"), code, "Ada Able")
            b = join(people.new("Ben"), code, "Ben Baker")
            ida = a.evaluate("() => window.parleyRoom.participantId")
            idb = b.evaluate("() => window.parleyRoom.participantId")
            flowing(a, idb)

            pg.stop()
            cut = time.monotonic()
            poll("readiness to drop", lambda: readyz(alpha)[1].get("reason") == "database_unreachable", timeout=15)
            assert requests.get(f"{alpha.url}/healthz", timeout=5).status_code == 200, "liveness stays"
            s = requests.Session()
            r = s.post(alpha.api("/auth/register"), json={"username": conftest.unique("late"), "password": conftest.PASSWORD,
                                                          "displayName": "Late"}, timeout=30)
            assert r.status_code == 503 and r.json()["error"]["code"] == "database_unavailable", r.text
            # The meeting goes on: both still see each other's video.
            flowing(a, idb)
            flowing(b, ida)
            time.sleep(max(0.0, 20 - (time.monotonic() - cut)))
            flowing(a, idb)

            pg.start()
            poll("readiness to come back", lambda: readyz(alpha)[0] == 200, timeout=30)
            assert start_meeting(alpha, "After the outage")
            for page in (a, b):
                assert page.evaluate("() => window.parleyRoom.state") == "joined"
        finally:
            people.close()
