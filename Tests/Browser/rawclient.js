// A bare WebRTC client for Parley's signaling protocol (Docs/signaling.md),
// without the meeting room UI: the TURN test and the media benchmark inject it
// into a page of the Parley origin (Playwright `add_script_tag`; the page's CSP
// forbids inline scripts, so open the context with `bypass_csp=True`).
//
//   await rawJoin(token, {iceTransportPolicy: 'relay', simulcast: false, audio: true, video: true})
//   await rawStats()   // inbound/outbound RTP, selected candidate pairs
//
// The peer connections use the `iceServers` from `joined` (TURN credentials
// when Parley has them), so rawJoin waits for `joined` before creating them.
// State is in window.rawState (log of message types, errors, joined message).

window.rawJoin = async function (token, opts) {
  opts = opts || {};
  const state = { log: [], tracks: {}, errors: [], joined: null };
  window.rawState = state;
  const ws = new WebSocket(location.origin.replace(/^http/, 'ws') + '/api/v1/signal');
  state.ws = ws;
  await new Promise((resolve, reject) => { ws.onopen = resolve; ws.onerror = () => reject(new Error('WebSocket failed')); });
  const send = (m) => ws.send(JSON.stringify(m));

  let resolveJoined, rejectJoined;
  const joined = new Promise((resolve, reject) => { resolveJoined = resolve; rejectJoined = reject; });
  let pub = null, sub = null;
  const pendingOffers = [];
  let subChain = Promise.resolve();
  const applyOffer = (m) => {
    subChain = subChain.then(async () => {
      state.lastOffer = m;
      await sub.setRemoteDescription({ type: 'offer', sdp: m.sdp });
      const answer = await sub.createAnswer();
      await sub.setLocalDescription(answer);
      send({ type: 'subscribe.answer', sdp: answer.sdp });
    }).catch((e) => {
      state.errors.push(String(e));
      send({ type: 'subscribe.failed', message: String(e).slice(0, 300) });
    });
  };
  ws.onmessage = async (ev) => {
    const m = JSON.parse(ev.data);
    state.log.push(m.type);
    if (m.type === 'error') {
      state.errors.push(m);
      if (!state.joined) rejectJoined(new Error(`join refused: ${m.code} ${m.message}`));
    }
    if (m.type === 'joined') { state.joined = m; resolveJoined(m); }
    if (m.type === 'publish.answer' && pub) {
      pub.setRemoteDescription({ type: 'answer', sdp: m.sdp }).catch((e) => state.errors.push(String(e)));
    }
    if (m.type === 'subscribe.offer') {
      if (sub) applyOffer(m); else pendingOffers.push(m);
    }
  };
  ws.onclose = () => { state.closed = true; if (!state.joined) rejectJoined(new Error('socket closed before joined')); };

  send({ type: 'join', token });
  const j = await joined;
  const config = {
    iceServers: opts.iceServers || j.iceServers || [],
    iceTransportPolicy: opts.iceTransportPolicy || 'all',
    bundlePolicy: 'max-bundle',
  };
  state.config = config;
  pub = new RTCPeerConnection(config);
  sub = new RTCPeerConnection(config);
  window.rawPub = pub; window.rawSub = sub;
  sub.ontrack = (e) => {
    state.tracks[e.transceiver.mid] = e.track;
    const el = document.createElement(e.track.kind === 'video' ? 'video' : 'audio');
    el.autoplay = true; el.muted = true; el.playsInline = true;
    el.srcObject = new MediaStream([e.track]);
    el.dataset.mid = e.transceiver.mid;
    document.body.append(el);
  };
  for (const m of pendingOffers.splice(0)) applyOffer(m);

  const wantAudio = opts.audio !== false, wantVideo = opts.video !== false;
  if (!wantAudio && !wantVideo) return true;
  const stream = await navigator.mediaDevices.getUserMedia({
    audio: wantAudio, video: wantVideo ? { width: opts.width || 640, height: opts.height || 480 } : false,
  });
  const tracks = [];
  if (wantAudio) {
    const t = pub.addTransceiver(stream.getAudioTracks()[0], { direction: 'sendonly' });
    tracks.push({ t, source: 'microphone' });
  }
  if (wantVideo) {
    const enc = opts.simulcast
      ? [{ rid: 'q', scaleResolutionDownBy: 4 }, { rid: 'h', scaleResolutionDownBy: 2 }, { rid: 'f' }]
      : undefined;
    const t = pub.addTransceiver(stream.getVideoTracks()[0], { direction: 'sendonly', sendEncodings: enc });
    tracks.push({ t, source: 'camera' });
  }
  const offer = await pub.createOffer();
  await pub.setLocalDescription(offer);
  send({ type: 'publish.offer', sdp: offer.sdp, tracks: tracks.map(({ t, source }) => ({ mid: t.mid, source })) });
  return true;
};

// Stats of both connections: inbound/outbound RTP and, per connection, the
// selected candidate pair with both candidates' types and addresses.
window.rawStats = async function () {
  const out = { in: [], out: [], pairs: [] };
  for (const [name, pc] of [['pub', window.rawPub], ['sub', window.rawSub]]) {
    if (!pc) continue;
    const s = await pc.getStats();
    let selectedId = null;
    s.forEach((r) => { if (r.type === 'transport' && r.selectedCandidatePairId) selectedId = r.selectedCandidatePairId; });
    s.forEach((r) => {
      if (r.type === 'inbound-rtp') {
        out.in.push({ kind: r.kind, mid: r.mid, framesDecoded: r.framesDecoded || 0, packets: r.packetsReceived || 0, bytes: r.bytesReceived || 0, width: r.frameWidth || 0, height: r.frameHeight || 0 });
      }
      if (r.type === 'outbound-rtp') {
        out.out.push({ kind: r.kind, rid: r.rid, packets: r.packetsSent || 0, bytes: r.bytesSent || 0, width: r.frameWidth || 0 });
      }
      if (r.type === 'candidate-pair' && r.id === selectedId) {
        const local = s.get(r.localCandidateId) || {}, remote = s.get(r.remoteCandidateId) || {};
        out.pairs.push({
          pc: name, state: r.state, availableOutgoingBitrate: r.availableOutgoingBitrate || 0,
          local: { type: local.candidateType, address: local.address, port: local.port, protocol: local.protocol, relayProtocol: local.relayProtocol },
          remote: { type: remote.candidateType, address: remote.address, port: remote.port, protocol: remote.protocol, tcpType: remote.tcpType },
        });
      }
    });
    out[name + 'State'] = pc.connectionState;
  }
  return out;
};

// Gathers candidates for a throwaway connection with `config` (e.g. one TURN
// server and iceTransportPolicy 'relay') and returns their types and
// addresses once gathering completes or `timeoutMs` passes.
window.rawGather = async function (config, timeoutMs) {
  const pc = new RTCPeerConnection(config);
  const found = [];
  const done = new Promise((resolve) => {
    pc.onicecandidate = (e) => {
      if (e.candidate && e.candidate.candidate) {
        found.push({ type: e.candidate.type, address: e.candidate.address, port: e.candidate.port, protocol: e.candidate.protocol });
      } else if (!e.candidate) resolve('complete');
    };
    setTimeout(() => resolve('timeout'), timeoutMs || 10000);
  });
  pc.createDataChannel('probe');
  await pc.setLocalDescription(await pc.createOffer());
  const how = await done;
  pc.close();
  return { how, candidates: found };
};
