"""Pages running rawclient.js, a bare client of the signaling protocol
(Docs/signaling.md), for tests of the media plane without the room UI."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Iterator

import requests

from conftest import PASSWORD, ParleyServer, unique

RAW_CLIENT = (Path(__file__).parent / "rawclient.js").read_text()


def meeting_with_tokens(server: ParleyServer, guests: int, title: str = "Media plane",
                        session: requests.Session | None = None) -> tuple[dict, str, list[str], dict]:
    """A signed-up host, a meeting, the host's join token and `guests` guest tokens;
    `session` (if given) is left signed in as the host."""
    s = session or requests.Session()
    r = s.post(server.api("/auth/register"), json={
        "username": unique("rawhost"), "displayName": "Media Host", "password": PASSWORD}, timeout=10)
    assert r.status_code == 201, r.text
    host = r.json()
    r = s.post(server.api("/meetings"), json={"title": title}, timeout=10)
    assert r.status_code == 201, r.text
    meeting = r.json()
    r = s.post(server.api(f"/join/{meeting['code']}"), json={}, timeout=10)
    assert r.ok, r.text
    host_token = r.json()["joinToken"]
    tokens = []
    for i in range(guests):
        r = requests.post(server.api(f"/join/{meeting['code']}"), json={"displayName": f"Guest {i}"}, timeout=10)
        assert r.ok, r.text
        tokens.append(r.json()["joinToken"])
    return meeting, host_token, tokens, host


def raw_page(browser, parley: ParleyServer):
    """A context and page on the server's origin with rawclient.js loaded."""
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    page.goto(parley.url + "/healthz")
    page.add_script_tag(content=RAW_CLIENT)
    return context, page


@contextlib.contextmanager
def publisher_and_subscriber(browser, parley: ParleyServer) -> Iterator[tuple[str, str, object, object]]:
    """A meeting with a host and one guest, and a raw page for each (closed afterwards):
    yields (host token, guest token, publisher page, subscriber page)."""
    _, host, (guest,), _ = meeting_with_tokens(parley, 1)
    contexts = []
    try:
        pub_ctx, publisher = raw_page(browser, parley)
        contexts.append(pub_ctx)
        sub_ctx, subscriber = raw_page(browser, parley)
        contexts.append(sub_ctx)
        yield host, guest, publisher, subscriber
    finally:
        for c in contexts:
            c.close()
