// Connection statistics: sampled from both peer connections every 2 s.
// Per received track: bitrate, packet loss, jitter, resolution, frame rate
// (subscribe PC inbound-rtp); round-trip time (selected candidate pair);
// outgoing bitrate and the estimated available outgoing bitrate (publish PC).
// Also the network-quality level shown on each tile (good / fair / poor).

import { h, icon, nextId } from '../dom.js';

const SAMPLE_EVERY_MS = 2000;

/** Network quality from packet loss (%) and round-trip time (ms); null = unknown. */
export function qualityFor(lossPct, rttMs) {
  if (lossPct === null && rttMs === null) return null;
  const loss = lossPct || 0;
  const rtt = rttMs || 0;
  if (loss >= 10 || rtt >= 500) return 'poor';
  if (loss >= 3 || rtt >= 250) return 'fair';
  return 'good';
}

const SOURCE_LABELS = { microphone: 'Microphone', camera: 'Camera', screen: 'Screen', screenAudio: 'Screen audio' };

export function formatBitrate(bps) {
  if (bps === null || bps === undefined || !Number.isFinite(bps)) return '–';
  if (bps >= 1_000_000) return `${(bps / 1_000_000).toFixed(2)} Mbit/s`;
  return `${Math.round(bps / 1000)} kbit/s`;
}

const pct = (v) => (v === null || v === undefined ? '–' : `${v.toFixed(1)} %`);
const ms = (v) => (v === null || v === undefined ? '–' : `${Math.round(v)} ms`);

function selectedPair(stats) {
  let pair = null;
  stats.forEach((r) => {
    if (r.type === 'transport' && r.selectedCandidatePairId) pair = stats.get(r.selectedCandidatePairId) || pair;
  });
  if (!pair) {
    stats.forEach((r) => {
      if (r.type === 'candidate-pair' && r.state === 'succeeded' && r.nominated) pair = r;
    });
  }
  return pair;
}

export class StatsMonitor {
  /**
   * getPCs() → {publishPC, subscribePC}; slotFor({mid, trackIdentifier}) →
   * {participantId, source, producerId} | null; onReport(report).
   */
  constructor({ getPCs, slotFor, onReport }) {
    this.getPCs = getPCs;
    this.slotFor = slotFor;
    this.onReport = onReport;
    this.prevIn = new Map();
    this.prevOut = new Map();
    this.timer = null;
    this.running = false;
    this.last = null;
  }

  start() {
    if (this.running) return;
    this.running = true;
    const tick = async () => {
      if (!this.running) return;
      try {
        this.last = await this.sample();
        if (this.running) this.onReport(this.last);
      } catch (err) {
        console.warn('stats', err);
      }
      if (this.running) this.timer = setTimeout(tick, SAMPLE_EVERY_MS);
    };
    this.timer = setTimeout(tick, 500);
  }

  stop() {
    this.running = false;
    clearTimeout(this.timer);
  }

  async sample() {
    const { publishPC, subscribePC } = this.getPCs();
    const report = {
      at: Date.now(),
      rttMs: null, // subscribe connection
      publishRttMs: null,
      outgoingBps: null,
      availableOutgoingBps: null,
      outgoingLossPct: null,
      tracks: [],
    };

    if (subscribePC && subscribePC.connectionState !== 'closed') {
      const stats = await subscribePC.getStats();
      const pair = selectedPair(stats);
      if (pair && typeof pair.currentRoundTripTime === 'number') report.rttMs = pair.currentRoundTripTime * 1000;
      const seen = new Set();
      stats.forEach((r) => {
        if (r.type !== 'inbound-rtp') return;
        seen.add(r.id);
        const prev = this.prevIn.get(r.id);
        const cur = { ts: r.timestamp, bytes: r.bytesReceived || 0, recv: r.packetsReceived || 0, lost: r.packetsLost || 0 };
        this.prevIn.set(r.id, cur);
        let bitrate = null;
        let lossPct = null;
        if (prev && cur.ts > prev.ts) {
          bitrate = ((cur.bytes - prev.bytes) * 8) / ((cur.ts - prev.ts) / 1000);
          const dLost = Math.max(0, cur.lost - prev.lost);
          const dRecv = Math.max(0, cur.recv - prev.recv);
          lossPct = dLost + dRecv > 0 ? (dLost / (dLost + dRecv)) * 100 : 0;
        }
        const slot = this.slotFor({ mid: r.mid, trackIdentifier: r.trackIdentifier });
        if (!slot) return;
        report.tracks.push({
          mid: slot.mid,
          participantId: slot.participantId,
          producerId: slot.producerId,
          source: slot.source,
          kind: r.kind || slot.kind,
          bitrate,
          lossPct,
          jitterMs: typeof r.jitter === 'number' ? r.jitter * 1000 : null,
          width: r.frameWidth || null,
          height: r.frameHeight || null,
          fps: typeof r.framesPerSecond === 'number' ? r.framesPerSecond : null,
        });
      });
      for (const id of this.prevIn.keys()) if (!seen.has(id)) this.prevIn.delete(id);
    }

    if (publishPC && publishPC.connectionState !== 'closed') {
      const stats = await publishPC.getStats();
      const pair = selectedPair(stats);
      if (pair) {
        if (typeof pair.currentRoundTripTime === 'number') report.publishRttMs = pair.currentRoundTripTime * 1000;
        if (typeof pair.availableOutgoingBitrate === 'number') report.availableOutgoingBps = pair.availableOutgoingBitrate;
      }
      let bits = 0;
      let any = false;
      let lossMax = null;
      stats.forEach((r) => {
        if (r.type === 'outbound-rtp') {
          const prev = this.prevOut.get(r.id);
          const cur = { ts: r.timestamp, bytes: r.bytesSent || 0 };
          this.prevOut.set(r.id, cur);
          if (prev && cur.ts > prev.ts) {
            bits += ((cur.bytes - prev.bytes) * 8) / ((cur.ts - prev.ts) / 1000);
            any = true;
          }
        } else if (r.type === 'remote-inbound-rtp' && typeof r.fractionLost === 'number') {
          lossMax = Math.max(lossMax || 0, r.fractionLost * 100);
        }
      });
      if (any) report.outgoingBps = bits;
      report.outgoingLossPct = lossMax;
    }
    return report;
  }
}

/** Quality per remote participant (worst of their tracks) and for yourself. */
export function qualities(report) {
  const byParticipant = new Map();
  for (const t of report.tracks) {
    if (t.lossPct === null) continue;
    const prev = byParticipant.get(t.participantId);
    byParticipant.set(t.participantId, Math.max(prev ?? 0, t.lossPct));
  }
  const out = new Map();
  for (const [pid, loss] of byParticipant) out.set(pid, qualityFor(loss, report.rttMs));
  const self = (report.outgoingLossPct === null && report.publishRttMs === null)
    ? null
    : qualityFor(report.outgoingLossPct, report.publishRttMs);
  return { participants: out, self };
}

export class StatsPanel {
  /** nameFor(participantId) → display name. */
  constructor({ nameFor, onClose }) {
    this.nameFor = nameFor;
    const headingId = nextId('stats-title');
    this.heading = h('h2', { id: headingId, tabindex: '-1' }, 'Stats');
    const close = h('button', { type: 'button', class: 'icon-btn', 'aria-label': 'Close stats' }, icon('x', 18));
    close.addEventListener('click', () => onClose());
    this.summary = h('dl', { class: 'stats-summary' });
    this.tableBody = h('tbody');
    this.empty = h('p', { class: 'muted small' }, 'Nothing received yet.');
    this.el = h('section', { class: 'room-panel-body stats-panel', id: 'room-panel-stats', 'aria-labelledby': headingId, hidden: true },
      h('div', { class: 'panel-head' }, this.heading, close),
      h('div', { class: 'panel-scroll' },
        h('h3', { class: 'subhead' }, 'Connection'),
        this.summary,
        h('h3', { class: 'subhead' }, 'Received tracks'),
        this.empty,
        h('div', { class: 'stats-table-wrap' },
          h('table', { class: 'stats-table' },
            h('caption', { class: 'sr-only' }, 'Statistics per received track'),
            h('thead', null, h('tr', null,
              ['Participant', 'Track', 'Bitrate', 'Loss', 'Jitter', 'Resolution', 'FPS'].map((c) => h('th', { scope: 'col' }, c)))),
            this.tableBody))));
    this.render(null);
  }

  focus() {
    this.heading.focus();
  }

  render(report) {
    const r = report || {};
    const item = (k, v, key) => [h('dt', null, k), h('dd', { dataset: { stat: key } }, v)];
    this.summary.replaceChildren(
      ...item('Round-trip time', ms(r.rttMs ?? r.publishRttMs ?? null), 'rtt'),
      ...item('Outgoing bitrate', formatBitrate(r.outgoingBps), 'outgoing'),
      ...item('Available outgoing bitrate', formatBitrate(r.availableOutgoingBps), 'available-outgoing'),
      ...item('Outgoing packet loss', pct(r.outgoingLossPct ?? null), 'outgoing-loss'));
    const tracks = (r.tracks || []).slice().sort((a, b) => (a.participantId + a.source).localeCompare(b.participantId + b.source));
    this.empty.hidden = tracks.length > 0;
    this.tableBody.replaceChildren(...tracks.map((t) => h('tr', { dataset: { participantId: t.participantId, source: t.source } },
      h('th', { scope: 'row' }, this.nameFor(t.participantId)),
      h('td', null, SOURCE_LABELS[t.source] || t.source),
      h('td', null, formatBitrate(t.bitrate)),
      h('td', null, pct(t.lossPct)),
      h('td', null, ms(t.jitterMs)),
      h('td', null, t.width && t.height ? `${t.width}×${t.height}` : '–'),
      h('td', null, t.fps === null ? '–' : String(Math.round(t.fps))))));
  }
}
