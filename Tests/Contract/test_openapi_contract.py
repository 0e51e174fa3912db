"""API contract test: Parley against its own OpenAPI document, with schemathesis.

One Parley server (SQLite in a temp dir, fast bcrypt) is started for the module.
A user signs up and gets a friend, a recurring meeting it hosts, one the friend
hosts and invited it to, and a calendar feed. Then schemathesis generates
requests for every operation in GET /api/openapi.json (except the WebSocket
upgrade and logout, which would end the session), valid and invalid ones, sent
with the session cookie. Path ids are mostly real ones, looked up (and created
when missing: friend requests both ways, a blocked user, ringing calls both ways,
notifications, meetings) at the start of each operation, so that requests reach
existing resources and not only 404s.

Every response must satisfy:

- not_a_server_error: never a 5xx, whatever the input;
- status_code_conformance: the status is documented for the operation;
- content_type_conformance, response_headers_conformance and
  response_schema_conformance: the body and headers match the documented
  response (so every error is {"error": {"code", "message"}});
- and, checked here ("bad input never changes stored data"): a POST, PATCH, PUT
  or DELETE refused with a 4xx leaves every row of the database as it was.

Failures are reported per operation, each with a curl command that reproduces it.

Knobs (environment): CONTRACT_MAX_EXAMPLES (per operation and phase, default 25),
CONTRACT_RANDOM=1 for a new random draw instead of the fixed one, PARLEY_BIN for
another server binary, CONTRACT_SCHEMA=Sources/WebApp/OpenAPI/openapi.json to test
against the document in the tree instead of the one built into the binary, and
CONTRACT_STATS=1 (with -s) for the statuses each operation answered.

Run with `make contract` (inside a network namespace with only loopback).
"""

from __future__ import annotations

import errno
import os
import signal
import socket
import sqlite3
import subprocess
import time
from contextlib import closing
from dataclasses import dataclass, field
from http.cookiejar import DefaultCookiePolicy
from pathlib import Path
from typing import Any, Iterator

import hypothesis.strategies as st
import pytest
import requests
import schemathesis
from schemathesis import checks
from schemathesis.core.parameters import ParameterLocation
from schemathesis.generation.meta import TestPhase

REPO = Path(__file__).resolve().parents[2]
PARLEY_BIN = Path(os.environ.get("PARLEY_BIN", REPO / ".build/debug/parley"))
MAX_EXAMPLES = int(os.environ.get("CONTRACT_MAX_EXAMPLES", "25"))
RANDOM = os.environ.get("CONTRACT_RANDOM") == "1"
# The server serves the copy of the document built into it; to try edits to
# Sources/WebApp/OpenAPI/openapi.json without rebuilding, point this at the file.
SCHEMA_FILE = os.environ.get("CONTRACT_SCHEMA")
PASSWORD = "correct horse battery"
COOKIE = "parley_session"

# Operations left out: the WebSocket upgrade is not plain HTTP, and logout would
# end the session every later request relies on.
EXCLUDED_OPERATIONS = ["openNotificationSocket", "logout"]

# The checks schemathesis offers for "the response is what the document says".
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
]

MUTATING = {"POST", "PUT", "PATCH", "DELETE"}


# ---------------------------------------------------------------------------
# Server


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    url: str
    data_dir: Path
    log_path: Path
    process: subprocess.Popen

    def log_tail(self, lines: int = 60) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError as err:
            return f"(no log: {err})"


@pytest.fixture(scope="module")
def parley(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    if not PARLEY_BIN.exists():
        pytest.fail(f"{PARLEY_BIN} is missing: build it first (`swift build`)")
    data_dir = tmp_path_factory.mktemp("parley-data")
    log_path = data_dir / "parley.log"
    address = f"127.0.0.1:{free_port()}"
    cmd = [
        str(PARLEY_BIN), "serve",
        "--data-dir", str(data_dir),
        "--http", address,
        "--media", "127.0.0.1:0",
        "--set", "accounts.bcrypt_cost=4",
        # Keep the seeded calls ringing for the whole run, so that nothing
        # changes by itself while a request is checked for side effects.
        "--set", "meetings.ring_seconds=600",
        # Dial-in details in full (numbers and tel: links) in every meeting.
        "--set", "sip.dial_in_numbers=+1 555 0100",
    ]
    log = open(log_path, "wb")
    deadline = time.monotonic() + 120
    while True:  # a build relinking the binary makes exec fail with ETXTBSY for a moment
        try:
            proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, cwd=data_dir)
            break
        except OSError as err:
            if err.errno != errno.ETXTBSY or time.monotonic() > deadline:
                raise
            time.sleep(0.5)
    server = Server(url=f"http://{address}", data_dir=data_dir, log_path=log_path, process=proc)
    deadline = time.monotonic() + 30
    while True:
        if proc.poll() is not None:
            log.close()
            pytest.fail(f"parley exited with {proc.returncode} while starting:\n{server.log_tail()}")
        try:
            if requests.get(f"{server.url}/healthz", timeout=1).status_code == 200:
                break
        except requests.RequestException:
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
# Seed data


class User:
    """An account driven through the API, with its own cookie jar."""

    count = 0

    def __init__(self, base: str, prefix: str):
        User.count += 1
        self.base = base
        self.http = requests.Session()
        username = f"{prefix}{User.count}x{int(time.time() * 1000) % 10_000_000}"
        r = self.call("POST", "/auth/register",
                      json={"username": username, "displayName": username.title(), "password": PASSWORD},
                      expect=201)
        self.id: str = r.json()["id"]
        self.cookie: str = self.http.cookies[COOKIE]

    def call(self, method: str, path: str, expect: int | None = None, **kwargs: Any) -> requests.Response:
        r = self.http.request(method, f"{self.base}/api/v1{path}", timeout=30, **kwargs)
        if expect is not None:
            assert r.status_code == expect, f"{method} {path}: {r.status_code} {r.text}"
        return r

    def befriend(self, other: User) -> None:
        request = other.call("POST", "/friend-requests", json={"userId": self.id}, expect=201).json()
        self.call("POST", f"/friend-requests/{request['id']}/accept", expect=200)


MY_MEETING = {
    "title": "Contract sync", "description": "Seeded by the contract test.",
    "start": "2030-01-07T09:00", "timeZone": "Europe/Berlin", "durationMinutes": 45,
    "recurrence": {"frequency": "weekly", "byWeekday": ["MO", "WE"], "count": 20},
    "passcode": "123456",
}
THEIR_MEETING = {
    "title": "Friend's meeting", "start": "2030-02-01T15:30", "timeZone": "America/New_York",
    "recurrence": {"frequency": "monthly", "monthlyBy": "weekdayOfMonth", "until": "2031-01-31"},
}


@dataclass
class World:
    """The signed-in user ("me"), the database, and real ids for path parameters.

    Ids are looked up (and the data created if it is missing) once per
    operation, so that an operation that deletes or answers things (deleteMeeting,
    acceptFriendRequest, cancelCall, …) does not leave the next one with only 404s.
    """

    me: User
    database: Path
    friend: User | None = None
    ids: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # operation label → name → values
    rotation: int = 0
    http: requests.Session = field(default_factory=requests.Session)

    def __post_init__(self) -> None:
        # Generated requests go out with our cookie only: a Set-Cookie in a
        # response (a successful generated registerUser or login) must not
        # switch the user.
        self.http.cookies.set_policy(DefaultCookiePolicy(allowed_domains=[]))

    @property
    def cookie(self) -> str:
        return self.me.cookie

    def new_user(self, prefix: str) -> User:
        return User(self.me.base, prefix)

    def a_friend(self) -> User:
        """A user who is my friend (made again if a removeFriend ended it)."""
        friends = {f["user"]["id"] for f in self.me.call("GET", "/friends", expect=200).json()["friends"]}
        if self.friend is None or self.friend.id not in friends:
            self.friend = self.new_user("friend")
            self.me.befriend(self.friend)
        return self.friend

    def real_ids(self, label: str, path: str) -> dict[str, list[str]]:
        if label not in self.ids:
            self.ids[label] = self._look_up(path)
            if os.environ.get("CONTRACT_DEBUG"):
                print("IDS", label, self.ids[label])
        return self.ids[label]

    def _look_up(self, path: str) -> dict[str, list[str]]:
        me = self.me
        if path.startswith(("/api/v1/meetings/", "/api/v1/join/")):
            meetings = me.call("GET", "/meetings", expect=200).json()["meetings"]
            mine = [m for m in meetings if m["role"] == "host" and m["kind"] == "scheduled"]
            if not mine:
                mine = [me.call("POST", "/meetings", json=MY_MEETING, expect=201).json()]
                meetings.append(mine[0])
            if not any(m["role"] != "host" for m in meetings):
                friend = self.a_friend()
                theirs = friend.call("POST", "/meetings", json={**THEIR_MEETING, "inviteeIds": [me.id]}, expect=201)
                meetings.append(theirs.json())
            window = {"from": "2030-01-01T00:00:00Z", "to": "2030-03-01T00:00:00Z"}
            occurrences = me.call("GET", "/occurrences", params=window, expect=200).json()["occurrences"]
            starts = [o["originalStart"] for o in occurrences if o["meetingId"] == mine[0]["id"]][:3]
            return {
                "id": [m["id"] for m in meetings][:4],
                "originalStart": starts or [mine[0]["start"]],
                "code": [m["code"] for m in meetings][:4],
            }
        if path.startswith("/api/v1/calendar-feeds/"):
            url = me.call("GET", "/me/calendar-feed", expect=200).json()["url"]
            if url is None:
                url = me.call("POST", "/me/calendar-feed", expect=201).json()["url"]
            return {"token": [url.rstrip("/").rsplit("/", 1)[-1]]}
        if path.startswith("/api/v1/friend-requests/"):
            lists = me.call("GET", "/friend-requests", expect=200).json()
            if not lists["incoming"]:
                asker = self.new_user("asker")
                lists["incoming"].append(asker.call("POST", "/friend-requests", json={"userId": me.id}, expect=201).json())
            if not lists["outgoing"]:
                asked = self.new_user("asked")
                lists["outgoing"].append(me.call("POST", "/friend-requests", json={"userId": asked.id}, expect=201).json())
            return {"id": [r["id"] for r in lists["incoming"] + lists["outgoing"]]}
        if path.startswith("/api/v1/friends/"):
            return {"userId": [self.a_friend().id]}
        if path.startswith("/api/v1/blocks/"):
            blocked = me.call("GET", "/blocks", expect=200).json()["users"]
            if not blocked:
                blocked = [me.call("POST", "/blocks", json={"userId": self.new_user("blocked").id}, expect=201).json()["user"]]
            return {"userId": [u["id"] for u in blocked]}
        if path.startswith("/api/v1/calls/"):
            # A call to me (I can accept or decline) and one from me (I can cancel),
            # each with a new friend so that no earlier call is in the way.
            caller, callee = self.new_user("caller"), self.new_user("callee")
            me.befriend(caller)
            me.befriend(callee)
            incoming = caller.call("POST", "/calls", json={"userId": me.id}, expect=201).json()
            outgoing = me.call("POST", "/calls", json={"userId": callee.id}, expect=201).json()
            return {"id": [incoming["id"], outgoing["id"]]}
        if path.startswith("/api/v1/notifications/"):
            notes = me.call("GET", "/notifications", expect=200).json()["notifications"]
            if not notes:
                self.new_user("notifier").call("POST", "/friend-requests", json={"userId": me.id}, expect=201)
                notes = me.call("GET", "/notifications", expect=200).json()["notifications"]
            return {"id": [n["id"] for n in notes[:3]]}
        return {}

    def stored_data(self) -> dict[str, list[tuple]]:
        """Every row of every table, read-only (SQLite in WAL mode lets us read
        while the server writes), to check that a refused request changed none.
        `nodes` is left out: the server's own heartbeat rewrites its row every
        few seconds, whatever the requests."""
        with closing(sqlite3.connect(f"file:{self.database}?mode=ro", uri=True, timeout=10)) as db:
            tables = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'") if row[0] != "nodes"]
            return {t: sorted(db.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr) for t in tables}

    def signed_in(self) -> bool:
        r = self.http.get(f"{self.me.base}/api/v1/me", cookies={COOKIE: self.cookie}, timeout=30)
        return r.status_code == 200


@pytest.fixture(scope="module")
def world(parley: Server) -> Iterator[World]:
    me = User(parley.url, "me")
    world = World(me=me, database=parley.data_dir / "parley.sqlite")
    assert world.database.exists(), f"no database at {world.database}"
    # Some data from the start: a friend, a meeting each way, a calendar feed.
    friend = world.a_friend()
    me.call("POST", "/meetings", json={**MY_MEETING, "inviteeIds": [friend.id]}, expect=201)
    friend.call("POST", "/meetings", json={**THEIR_MEETING, "inviteeIds": [me.id]}, expect=201)
    me.call("POST", "/me/calendar-feed", expect=201)
    yield world
    # Every case ran signed in: nothing generated ended the session.
    assert world.signed_in(), "the session cookie no longer works: a generated request signed the user out"


# ---------------------------------------------------------------------------
# Schemathesis


@pytest.fixture(scope="module")
def api_schema(parley: Server, world: World) -> schemathesis.BaseSchema:
    config = schemathesis.Config.from_dict({
        "base-url": parley.url,
        "suppress-health-check": ["too_slow", "filter_too_much", "data_too_large"],
        "auth": {"openapi": {"sessionCookie": {"api_key": world.cookie}}},
        "generation": {
            "mode": "all",  # valid and invalid requests
            "max-examples": MAX_EXAMPLES,
            "deterministic": not RANDOM,
            "database": "none",  # nothing written into the repository
        },
    })
    if SCHEMA_FILE:
        schema = schemathesis.openapi.from_path(SCHEMA_FILE, config=config)
    else:
        schema = schemathesis.openapi.from_url(f"{parley.url}/api/openapi.json", config=config)

    @schema.hook
    def flatmap_path_parameters(context: schemathesis.HookContext, path_parameters: dict[str, Any]):
        """Mostly replace each generated path id with a real one, so that requests
        reach existing resources; the generated one is still tried."""
        if not path_parameters:
            return st.just(path_parameters)
        table = world.real_ids(context.operation.label, context.operation.path)
        choices = {}
        for name, generated in path_parameters.items():
            real = table.get(name)
            choices[name] = st.one_of(st.sampled_from(real), st.just(generated)) if real else st.just(generated)
        return st.fixed_dictionaries(choices)

    return schema


# Filters go on the lazy schema: the pytest plugin re-filters the fixture's
# schema with these and the config's, dropping filters applied to it there.
schema = schemathesis.pytest.from_fixture("api_schema").exclude(operation_id=EXCLUDED_OPERATIONS)


def use_real_path_ids(case: schemathesis.Case, world: World) -> None:
    """The coverage phase does not run generation hooks: give its cases real
    path ids too, unless the path parameter is what the case is about."""
    phase = getattr(case.meta, "phase", None)
    if not case.path_parameters or phase is None or phase.name != TestPhase.COVERAGE:
        return
    if getattr(phase.data, "parameter_location", None) == ParameterLocation.PATH:
        return
    table = world.real_ids(case.operation.label, case.operation.path)
    for name in case.path_parameters:
        if table.get(name):
            values = table[name]
            case.path_parameters[name] = values[world.rotation % len(values)]
    world.rotation += 1


STATS: dict[str, dict[str, int]] = {}


@pytest.fixture(scope="module", autouse=True)
def report_stats() -> Iterator[None]:
    """CONTRACT_STATS=1 prints the statuses each operation answered, for tuning."""
    yield
    if os.environ.get("CONTRACT_STATS") == "1":
        for label, statuses in sorted(STATS.items(), key=lambda kv: -sum(kv[1].values())):
            counts = " ".join(f"{k}×{v}" for k, v in sorted(statuses.items()))
            print(f"{sum(statuses.values()):5d}  {label:55s} {counts}")


@schema.parametrize()
def test_openapi_contract(case: schemathesis.Case, world: World) -> None:
    use_real_path_ids(case, world)
    mutating = case.method.upper() in MUTATING
    before = world.stored_data() if mutating else None
    response = case.call(session=world.http)
    statuses = STATS.setdefault(f"{case.method.upper()} {case.operation.path}", {})
    statuses[str(response.status_code)] = statuses.get(str(response.status_code), 0) + 1
    if os.environ.get("CONTRACT_DEBUG"):
        print("CASE", case.method, case.formatted_path, response.status_code, case.meta)
    case.validate_response(response, checks=CHECKS)
    if before is not None and 400 <= response.status_code < 500:
        after = world.stored_data()
        changed = {
            table: {"removed": sorted(set(before[table]) - set(after.get(table, [])), key=repr),
                    "added": sorted(set(after.get(table, [])) - set(before[table]), key=repr)}
            for table in before if before[table] != after.get(table)
        }
        assert not changed, (
            f"{case.method} {case.formatted_path} was refused with {response.status_code} "
            f"but changed stored data: {repr(changed)[:3000]}\n"
            f"Reproduce with (and the session cookie): {case.as_curl_command()}"
        )
