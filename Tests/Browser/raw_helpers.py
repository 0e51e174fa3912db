"""Pages running rawclient.js, a bare client of the signaling protocol
(Docs/signaling.md), for tests of the media plane without the room UI."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Iterator

import requests

from conftest import PASSWORD, ParleyServer, unique
from room_helpers import poll

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


def camera_video(subscriber) -> dict | None:
    """The subscriber's first inbound video stream's stats, or None."""
    rows = [r for r in subscriber.evaluate("rawStats()")["in"] if r["kind"] == "video"]
    return rows[0] if rows else None


def follows_requested_layers(publisher, subscriber, where: str = "") -> None:
    """`publisher` sends its camera in three simulcast layers (1280, 640 and
    320 wide) and `subscriber` decodes it: the subscriber asks for the full
    size, a thumbnail and the full size again (`layers.prefer`), and each
    time the layer that fits arrives (`where` names the place in messages);
    the picture keeps moving after a switch."""
    poll("three simulcast layers being sent",
         lambda: len([o for o in publisher.evaluate("rawStats()")["out"] if o["kind"] == "video" and o["bytes"] > 0]) == 3, 40)
    producer = subscriber.evaluate("rawState.lastOffer.tracks.find(t => t.source === 'camera').producerId")

    def prefer(w: int, h: int):
        subscriber.evaluate("([p, w, h]) => rawState.ws.send(JSON.stringify({type: 'layers.prefer', producerId: p, width: w, height: h}))",
                            [producer, w, h])

    prefer(1280, 720)
    big = poll(f"the full layer (1280 wide) arriving{where}", lambda: (v := camera_video(subscriber)) and v["width"] >= 1280 and v, 40)
    prefer(320, 180)
    small = poll(f"the quarter layer (320 wide) arriving{where}", lambda: (v := camera_video(subscriber)) and v["width"] == 320 and v, 30)
    assert small["framesDecoded"] > big["framesDecoded"]
    # The picture keeps moving on the new layer: no freeze after the switch.
    before = small["framesDecoded"]
    poll("frames decoded after the switch", lambda: (v := camera_video(subscriber)) and v["framesDecoded"] >= before + 15, 15)
    prefer(1280, 720)
    poll(f"back to the full layer{where}", lambda: (v := camera_video(subscriber)) and v["width"] >= 1280, 30)
