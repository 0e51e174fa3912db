"""Meetings that span nodes (issue 14): a meeting's node that is full puts
new participants' media on another node.

alpha (127.0.0.2) and beta (127.0.0.3) on one throwaway PostgreSQL; alpha
runs the meeting and is full past its first person (capacity 2, spilling at
100 %):

- Ben, coming in through beta, and Cara, through alpha, have their media on
  beta; everyone sees and hears everyone, each track is piped once each way,
  and alpha's recording holds all three; beta killed: Cara's media comes
  back on alpha by itself;
- a participant whose media is on beta leaves: nothing of the meeting stays
  on either node;
- beta drains while it holds Cara's media: her media moves home and beta
  stops long before its deadline;
- a camera published in three simulcast layers on alpha reaches a subscriber
  whose media is on beta in the layer that fits the size she asks for, and
  follows her as she asks for another (the layer choice happens on beta,
  from the copy every layer of which crosses once).
"""
from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest
import requests

from conftest import People
from raw_helpers import camera_video, follows_requested_layers, meeting_with_tokens, raw_page
from room_helpers import join, poll
from test_cluster_nodes import hosted_meeting, load, metric, node_cli, two_nodes
from test_reconnection import flowing

pytestmark = pytest.mark.usefixtures("slow_expect")


INBOUND_AUDIO_JS = """
async ([pid]) => {
  const room = window.parleyRoom;
  if (!room || !room.subscribePC || !room.subscriber) return null;
  let out = null;
  (await room.subscribePC.getStats()).forEach((s) => {
    if (s.type !== 'inbound-rtp' || s.kind !== 'audio') return;
    const slot = room.subscriber.slotFor({ mid: s.mid, trackIdentifier: s.trackIdentifier });
    if (slot && slot.participantId === pid) out = { bytes: s.bytesReceived || 0, energy: s.totalAudioEnergy || 0 };
  });
  return out;
}
"""

PUBLISH_PEER_JS = """
async () => {
  const stats = await window.parleyRoom.publishPC.getStats();
  let pair = null;
  stats.forEach((s) => { if (s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded') pair = s; });
  if (!pair) return null;
  const remote = stats.get(pair.remoteCandidateId);
  return remote ? remote.address || remote.ip : null;
}
"""


def media_on(page, address: str, what: str, js: str = PUBLISH_PEER_JS) -> None:
    """`page`'s connection ends on `address`. Polled: media can flow on the
    browser's best writable pair before its nomination has succeeded, and
    until then the stats show no nominated pair (seen under CI's load)."""
    poll(what, lambda: page.evaluate(js) == address, timeout=10)


def hearing(page, pid: str) -> None:
    """`page` receives `pid`'s audio, with sound in it, more every moment."""
    first = poll(f"audio from {pid}", lambda: page.evaluate(INBOUND_AUDIO_JS, [pid]))
    poll(f"audio from {pid} growing, with sound",
         lambda: (lambda now: now and now["bytes"] > first["bytes"] + 2000 and now["energy"] > 0)(
             page.evaluate(INBOUND_AUDIO_JS, [pid])))


SPILL = ("--set", "cluster.node_capacity=2", "--set", "cluster.media_spill_percent=100")


def ada_and_ben_spanning(pg, alpha, on_alpha, on_beta, code: str):
    """Ada joins alpha's meeting through alpha, Ben through beta (alpha, full
    past its first person, puts his media on beta); both see each other.
    Returns (ada, ida, ben, idb)."""
    ada = join(on_alpha.new("Ada"), code, "Ada Able")
    ida = ada.evaluate("() => window.parleyRoom.participantId")
    poll("Ada counted on alpha", lambda: load(pg).get("alpha") == (1, 1))
    ben = join(on_beta.new("Ben"), code, "Ben Baker")
    idb = ben.evaluate("() => window.parleyRoom.participantId")
    flowing(ada, idb)
    flowing(ben, ida)
    return ada, ida, ben, idb


def record_for(node, host: requests.Session, meeting_id: str, seconds: float) -> tuple[str, str]:
    """The host records the meeting through `node` for `seconds`; returns
    (the recording's API path, the host's cookie)."""
    cookie = "; ".join(f"{c.name}={c.value}" for c in host.cookies)
    r = requests.post(node.api(f"/meetings/{meeting_id}/recording"), headers={"Cookie": cookie}, timeout=20)
    assert r.status_code == 201, r.text
    recording = r.json()
    time.sleep(seconds)
    r = requests.post(node.api(f"/recordings/{recording['id']}/stop"), headers={"Cookie": cookie}, timeout=20)
    assert r.status_code == 200, r.text
    return f"/recordings/{recording['id']}", cookie


def composited(node, path: str, cookie: str) -> dict:
    """The recording's details once it is composited (or failed)."""
    return poll("the recording composited", lambda: (lambda r: r if r["status"] in ("ready", "failed") else None)(
        requests.get(node.api(path), headers={"Cookie": cookie}, timeout=10).json()), timeout=240)


def test_a_full_nodes_meeting_spans_to_another_node(tmp_path: Path, browser) -> None:
    """Alpha runs the meeting but is full (its capacity is 2 people and it
    spills at 100 %: Ada alone keeps it at 50 %): Ben, coming in through
    beta, has his media on beta, and so does Cara, who comes in through alpha. Each
    track crosses between the nodes once; everyone sees and hears everyone;
    alpha's recorder records all three. Beta is killed: Cara's media comes
    back on alpha by itself."""
    with two_nodes(tmp_path, alpha_args=SPILL) as (pg, alpha, beta, _):
        on_alpha, on_beta = People(browser, alpha), People(browser, beta)
        try:
            host = requests.Session()
            m = hosted_meeting(alpha, "One meeting, two media nodes", session=host)
            code = m["code"]
            ada, ida, ben, idb = ada_and_ben_spanning(pg, alpha, on_alpha, on_beta, code)
            hearing(ada, idb)
            hearing(ben, ida)
            # Ben's peer connections end on beta's media address; the meeting is still alpha's.
            media_on(ben, "127.0.0.3", "Ben's media on beta")
            media_on(ada, "127.0.0.2", "Ada's media on alpha")
            assert metric(beta, "parley_media_transports_connected") == 2
            assert metric(alpha, "parley_media_transports_connected") == 2
            assert metric(beta, "parley_media_rooms") == 1 and metric(alpha, "parley_media_rooms") == 1
            # Ada's microphone and camera are copied to beta, Ben's to alpha: once each.
            poll("each track piped once", lambda: metric(beta, "parley_media_piped_producers") == 2
                 and metric(alpha, "parley_media_piped_producers") == 2)
            # The meeting runs on alpha; beta carries Ben's media (one person, no room).
            poll("the meeting on alpha, Ben's media on beta", lambda: load(pg) == {"alpha": (2, 1), "beta": (1, 0)})

            # Cara comes in through alpha, still full: her media goes to beta too.
            cara = join(on_alpha.new("Cara"), code, "Cara Cole")
            idc = cara.evaluate("() => window.parleyRoom.participantId")
            for viewer, pid in ((cara, ida), (cara, idb), (ada, idc), (ben, idc)):
                flowing(viewer, pid)
            hearing(cara, ida)
            hearing(ada, idc)
            media_on(cara, "127.0.0.3", "Cara's media on beta")

            # Alpha's recorder records Ben and Cara too: their tracks come from beta.
            rec, cookie = record_for(alpha, host, m["id"], 5)

            # Beta dies. Ben's page came through it and has no server left;
            # Cara's signaling is alpha's, so alpha moves her media home.
            os.kill(beta.process.pid, signal.SIGKILL)
            beta.process.wait(timeout=10)
            poll("Cara's media back, on alpha", lambda: cara.evaluate(PUBLISH_PEER_JS) == "127.0.0.2", timeout=60)
            flowing(cara, ida, timeout=60)
            flowing(ada, idc, timeout=60)
            hearing(ada, idc)

            done = composited(alpha, rec, cookie)
            assert done["status"] == "ready", done
            owners = {(t["participant"], t["source"]) for t in done["tracks"]}
            assert {(who, source) for who in ("Ada Able", "Ben Baker", "Cara Cole") for source in ("camera", "microphone")} <= owners, owners
            for t in done["tracks"]:
                assert t["sizeBytes"] > 5000, t
        finally:
            on_alpha.close()
            on_beta.close()


def test_a_participant_leaving_a_spanning_meeting_leaves_nothing_behind(tmp_path: Path, browser) -> None:
    """Ben's media is on beta for alpha's meeting; he leaves: his transports
    on beta, the copies of his tracks on alpha and of Ada's on beta all go."""
    with two_nodes(tmp_path, alpha_args=SPILL) as (pg, alpha, beta, _):
        on_alpha, on_beta = People(browser, alpha), People(browser, beta)
        try:
            code = hosted_meeting(alpha, "Spanning, then not")["code"]
            ada, ida, ben, idb = ada_and_ben_spanning(pg, alpha, on_alpha, on_beta, code)
            assert metric(beta, "parley_media_transports") == 2
            # Ben leaves (his page's leave beacon, through beta).
            token = ben.evaluate("() => window.parleyRoom.session.resumeToken")
            r = requests.post(beta.api("/leave"), json={"resumeToken": token}, timeout=10)
            assert r.status_code == 204, r.text
            ben.context.close()
            poll("Ben gone from Ada's meeting", lambda: not ada.evaluate("(id) => window.parleyRoom.participants.has(id)", idb),
                 timeout=10)
            poll("beta holds nothing of the meeting", lambda: metric(beta, "parley_media_transports") == 0
                 and metric(beta, "parley_media_piped_producers") == 0 and metric(beta, "parley_media_rooms") == 0, timeout=30)
            poll("alpha's copies of Ben's tracks gone", lambda: metric(alpha, "parley_media_piped_producers") == 0, timeout=30)
            poll("beta carries nobody", lambda: load(pg) == {"alpha": (1, 1), "beta": (0, 0)})
        finally:
            on_alpha.close()
            on_beta.close()


def test_a_draining_node_gives_back_the_media_it_holds(tmp_path: Path, browser) -> None:
    """Cara came in through alpha, which is full: her media is on beta. Beta
    drains: alpha moves her media home (her page reconnects it by itself),
    and beta, carrying nothing any more, stops long before its deadline."""
    with two_nodes(tmp_path, alpha_args=SPILL) as (pg, alpha, beta, _):
        on_alpha = People(browser, alpha)
        try:
            code = hosted_meeting(alpha, "Spanning, then drained")["code"]
            ada = join(on_alpha.new("Ada"), code, "Ada Able")
            ida = ada.evaluate("() => window.parleyRoom.participantId")
            cara = join(on_alpha.new("Cara"), code, "Cara Cole")
            idc = cara.evaluate("() => window.parleyRoom.participantId")
            flowing(ada, idc)
            flowing(cara, ida)
            media_on(cara, "127.0.0.3", "Cara's media on beta")
            poll("beta carries Cara's media", lambda: load(pg).get("beta") == (1, 0))

            started = time.monotonic()
            node_cli(pg, "drain", "beta")
            poll("Cara's media back on alpha", lambda: cara.evaluate(PUBLISH_PEER_JS) == "127.0.0.2", timeout=30)
            flowing(ada, idc, timeout=30)
            flowing(cara, ida, timeout=30)
            poll("beta to stop once it carries nothing", lambda: beta.process.poll() is not None, timeout=45)
            assert beta.process.returncode == 0, beta.log_tail()
            print(f"\ndrain_seconds media given back: {time.monotonic() - started:.1f}")
            assert time.monotonic() - started < 40, "beta stopped long before its 60 s deadline"
            flowing(ada, idc, timeout=10)
        finally:
            on_alpha.close()


def test_simulcast_layer_choice_works_across_nodes(tmp_path: Path, browser) -> None:
    """Ada publishes her camera in three layers (1280, 640 and 320 wide) with
    her media on alpha; Gina's media is on beta (alpha is full). Gina asks
    for the full size, then a thumbnail, then the full size again: each time
    the layer that fits arrives, and the picture keeps moving after a switch."""
    with two_nodes(tmp_path, alpha_args=SPILL) as (pg, alpha, beta, _):
        contexts = []
        try:
            _, host_token, (guest_token,), _ = meeting_with_tokens(alpha, 1, title="Simulcast across nodes")
            pub_ctx, ada = raw_page(browser, alpha)
            contexts.append(pub_ctx)
            ada.evaluate("t => rawJoin(t, {simulcast: true, width: 1280, height: 720, audio: false})", host_token)
            poll("Ada counted on alpha", lambda: load(pg).get("alpha") == (1, 1))
            sub_ctx, gina = raw_page(browser, beta)
            contexts.append(sub_ctx)
            gina.evaluate("t => rawJoin(t, {audio: false, video: false})", guest_token)

            poll("Gina decoding Ada's camera", lambda: (v := camera_video(gina)) and v["framesDecoded"] > 10, 30)
            # Gina's media is on beta; Ada's camera is copied there once, every layer with it.
            media_on(gina, "127.0.0.3", "Gina's media on beta", PUBLISH_PEER_JS.replace("window.parleyRoom.publishPC", "window.rawSub"))
            # Gina publishes nothing: only her subscribe connection is open.
            poll("Gina's media on beta, the camera piped there",
                 lambda: (metric(beta, "parley_media_transports_connected"), metric(beta, "parley_media_piped_producers")) == (1, 1))
            assert metric(alpha, "parley_media_transports_connected") == 1, "Ada's publish connection only"
            follows_requested_layers(ada, gina, " on beta")
            # Still one copy of the camera on beta, and alpha sent it there once.
            assert metric(beta, "parley_media_piped_producers") == 1
        finally:
            for c in contexts:
                c.close()
