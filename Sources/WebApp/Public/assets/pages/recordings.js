// /recordings — the meetings' recordings this person may see: meeting, date,
// length, size, who was in it, processing progress, a player, download, the
// per-track files (hosts), and delete (hosts and co-hosts).
// `?meeting=<id>` shows one meeting's recordings.

import { api, seg, isAbort } from '../api.js';
import { h, icon, spinner, emptyState, withBusy } from '../dom.js';
import { toastError, toastOk } from '../components/toast.js';
import { formatDateTime } from '../components/time.js';

const STATUS = {
  recording: 'Recording now',
  queued: 'Waiting to be processed',
  processing: 'Processing',
  ready: 'Ready',
  failed: 'Processing failed',
};

export function formatDuration(seconds) {
  const s = Math.max(0, Math.round(seconds || 0));
  const hh = Math.floor(s / 3600);
  const mm = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return hh ? `${hh}:${String(mm).padStart(2, '0')}:${ss}` : `${mm}:${ss}`;
}

export function formatSize(bytes) {
  if (!bytes) return '—';
  const units = ['bytes', 'KB', 'MB', 'GB'];
  let v = bytes;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) { v /= 1000; i += 1; }
  return `${i ? v.toFixed(v < 10 ? 1 : 0) : v} ${units[i]}`;
}

export default async function recordingsPage(root, ctx) {
  ctx.setTitle('Recordings');
  const meetingFilter = new URLSearchParams(location.search).get('meeting');
  let items = [];
  let pollTimer = null;
  const open = new Set(); // recordings whose player is shown
  // Cards by recording id, with what they were drawn from: a poll redraws
  // only the cards whose recording changed, so a playing video or an open
  // track list is left alone while another recording processes.
  const drawn = new Map();

  const listBox = h('div', { class: 'rec-list', 'aria-live': 'polite' }, spinner('Loading recordings…'));
  const summary = h('p', { class: 'muted' });
  root.append(h('div', { class: 'container' },
    h('div', { class: 'page-head' },
      h('div', null, h('h1', { class: 'page-title' }, 'Recordings'), summary)),
    listBox));

  async function load() {
    clearTimeout(pollTimer);
    try {
      const qs = meetingFilter ? `?meetingId=${seg(meetingFilter)}` : '';
      const res = await api.get(`/recordings${qs}`, { signal: ctx.signal });
      items = res.recordings || [];
      render();
      // Follow recordings that are still being captured or processed.
      if (items.some((r) => r.status !== 'ready' && r.status !== 'failed')) pollTimer = setTimeout(load, 3000);
    } catch (err) {
      if (isAbort(err)) return;
      listBox.replaceChildren(emptyState({ iconName: 'alert', title: 'Recordings could not be loaded.', body: err.message,
        action: h('button', { type: 'button', class: 'btn btn-sm', onclick: load }, 'Try again') }));
    }
  }
  ctx.signal.addEventListener('abort', () => clearTimeout(pollTimer));

  function render() {
    summary.textContent = items.length === 1 ? '1 recording' : `${items.length} recordings`;
    if (!items.length) {
      listBox.replaceChildren(emptyState({
        iconName: 'film',
        title: 'No recordings yet',
        body: 'Hosts and co-hosts start recording from the meeting room with “Start recording”. Finished recordings appear here.',
      }));
      return;
    }
    const cards = items.map((r) => {
      const key = JSON.stringify([r, open.has(r.id)]);
      const old = drawn.get(r.id);
      if (old && old.key === key) return old.el;
      const el = card(r);
      drawn.set(r.id, { key, el });
      return el;
    });
    for (const id of [...drawn.keys()]) if (!items.some((r) => r.id === id)) drawn.delete(id);
    // Move nodes only where the order changed: a <video> taken out of the
    // document is paused, one left in place keeps playing.
    if (listBox.querySelector('.rec-card') === null) listBox.replaceChildren();
    cards.forEach((el, i) => {
      const at = listBox.children[i];
      if (at !== el) listBox.insertBefore(el, at || null);
    });
    while (listBox.children.length > cards.length) listBox.lastElementChild.remove();
  }

  function card(r) {
    const when = formatDateTime(r.startedAt);
    const title = h('h2', { class: 'rec-title' }, r.meetingTitle || 'Meeting');
    const facts = h('p', { class: 'rec-facts muted' },
      when, ' · ', formatDuration(r.durationSeconds), ' · ', formatSize(r.sizeBytes));
    const people = r.participants && r.participants.length
      ? h('p', { class: 'rec-people small' }, icon('users', 14), ' ', r.participants.join(', '))
      : null;
    const status = h('p', { class: `rec-status rec-${r.status}`, 'data-status': r.status }, STATUS[r.status] || r.status);
    let progress = null;
    if (r.status === 'processing' || r.status === 'queued') {
      progress = h('div', { class: 'rec-progress' },
        h('progress', { max: '100', value: String(r.progress || 0), 'aria-label': `Processing ${r.meetingTitle}` }),
        h('span', { class: 'small' }, `${r.progress || 0}%`));
    }
    const errorText = r.status === 'failed' && r.error ? h('p', { class: 'alert alert-error small' }, r.error) : null;

    const actions = h('div', { class: 'row rec-actions' });
    let player = null;
    if (r.status === 'ready' && r.fileUrl) {
      const play = h('button', { type: 'button', class: 'btn btn-sm btn-primary', 'aria-expanded': open.has(r.id) ? 'true' : 'false' },
        icon('video', 16), open.has(r.id) ? 'Hide player' : 'Play');
      play.addEventListener('click', () => {
        if (open.has(r.id)) open.delete(r.id); else open.add(r.id);
        render();
      });
      const download = h('a', { class: 'btn btn-sm', href: `${r.fileUrl}?download=1`, download: '' }, icon('download', 16), 'Download MP4');
      actions.append(play, download);
      if (open.has(r.id)) {
        player = h('video', { class: 'rec-player', controls: true, preload: 'metadata', src: r.fileUrl,
          'aria-label': `Recording of ${r.meetingTitle}` });
      }
    }
    if (r.canManage && r.status === 'recording') {
      const stop = h('button', { type: 'button', class: 'btn btn-sm' }, icon('record', 16), 'Stop recording');
      stop.addEventListener('click', () => withBusy(stop, async () => {
        try {
          await api.postEmpty(`/recordings/${seg(r.id)}/stop`);
          toastOk('Recording stopped. It is being processed.');
          load();
        } catch (err) { toastError(err); }
      }));
      actions.append(stop);
    }
    if (r.canManage) {
      const del = h('button', { type: 'button', class: 'btn btn-sm btn-danger-ghost' }, icon('trash', 16), 'Delete');
      del.addEventListener('click', () => {
        if (!window.confirm(`Delete the recording of “${r.meetingTitle}” from ${when}? This cannot be undone.`)) return;
        withBusy(del, async () => {
          try {
            await api.del(`/recordings/${seg(r.id)}`);
            items = items.filter((x) => x.id !== r.id);
            render();
            toastOk('Recording deleted.');
          } catch (err) { toastError(err); }
        });
      });
      actions.append(del);
    }
    let tracks = null;
    if (r.canManage && r.status !== 'recording') {
      const body = h('ul', { class: 'rec-tracks small' }, h('li', { class: 'muted' }, 'Loading…'));
      tracks = h('details', { class: 'rec-tracks-box' }, h('summary', null, 'Separate tracks for editing'), body);
      tracks.addEventListener('toggle', async () => {
        if (!tracks.open) return;
        try {
          const full = await api.get(`/recordings/${seg(r.id)}`);
          body.replaceChildren(...(full.tracks || []).map((t) => h('li', null,
            h('a', { href: t.url, download: t.downloadName || t.name }, t.downloadName || t.name),
            ` (${formatSize(t.sizeBytes)}${t.startSeconds != null ? `, starts at ${formatDuration(t.startSeconds)}` : ''})`)));
          if (!(full.tracks || []).length) body.replaceChildren(h('li', { class: 'muted' }, 'No track files.'));
        } catch (err) { body.replaceChildren(h('li', { class: 'muted' }, err.message)); }
      }, { once: false });
    }
    return h('article', { class: 'card rec-card', 'data-recording-id': r.id },
      h('div', { class: 'rec-head' }, h('div', null, title, facts), status),
      people, progress, errorText, player, actions, tracks);
  }

  await load();
}
