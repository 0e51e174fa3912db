// The ringing dialog for an incoming call (a `call` notification).

import { api, seg } from '../api.js';
import { h, icon, avatar } from '../dom.js';
import { navigate, appPath } from '../router.js';
import { toast, toastError } from './toast.js';

const RING_TIMEOUT_MS = 60_000;

let current = null; // {callId, dialog, timer, ring}

/** Show the incoming-call dialog for a `call` notification. */
export function showIncomingCall(notification) {
  const d = notification.data || {};
  if (!d.callId) return;
  if (current && current.callId === d.callId) return;
  closeIncomingCall();

  const caller = d.from || { displayName: 'Someone' };
  const callerName = caller.displayName || caller.username || 'Someone';
  const descId = `call-desc-${Date.now()}`;
  const status = h('p', { class: 'call-status', role: 'status' });

  const accept = h('button', { type: 'button', class: 'btn btn-success btn-lg' }, icon('phone'), 'Accept');
  const decline = h('button', { type: 'button', class: 'btn btn-danger btn-lg' }, icon('x'), 'Decline');

  const dialog = h('dialog', {
    class: 'call-dialog', role: 'dialog', 'aria-label': 'Incoming call', 'aria-describedby': descId,
  },
  h('div', { class: 'call-ring' }, avatar(caller, 'xl')),
  h('p', { class: 'call-kicker' }, 'Incoming call'),
  h('p', { class: 'call-title', id: descId }, h('strong', null, callerName), ' is calling you'),
  status,
  h('div', { class: 'call-actions' }, decline, accept));

  const entry = { callId: d.callId, dialog, timer: null, ring: startRing() };
  current = entry;

  accept.addEventListener('click', async () => {
    accept.disabled = true;
    decline.disabled = true;
    status.textContent = 'Connecting…';
    try {
      const call = await api.postEmpty(`/calls/${seg(d.callId)}/accept`);
      closeIncomingCall(d.callId);
      const code = call && call.meeting && call.meeting.code;
      navigate(code ? `/m/${encodeURIComponent(code)}` : appPath(d.joinUrl));
    } catch (err) {
      closeIncomingCall(d.callId);
      toastError(err);
    }
  });

  decline.addEventListener('click', async () => {
    accept.disabled = true;
    decline.disabled = true;
    try {
      await api.postEmpty(`/calls/${seg(d.callId)}/decline`);
    } catch (err) {
      if (err.status !== 404 && err.status !== 409) toastError(err);
    } finally {
      closeIncomingCall(d.callId);
    }
  });

  // Escape hides the dialog without declining (the call rings out).
  dialog.addEventListener('cancel', (ev) => {
    ev.preventDefault();
    closeIncomingCall(d.callId);
    toast({ message: [h('strong', null, callerName), ' is calling you'], iconName: 'phone', actions: d.joinUrl ? [{ label: 'Join', href: appPath(d.joinUrl), primary: true }] : [], timeout: 15000 });
  });

  document.body.append(dialog);
  try {
    dialog.showModal();
  } catch {
    dialog.setAttribute('open', '');
  }
  accept.focus();
  entry.timer = setTimeout(() => {
    if (current !== entry) return;
    closeIncomingCall(d.callId);
    toast({ message: ['Missed call from ', h('strong', null, callerName)], iconName: 'phone', timeout: 10000 });
  }, RING_TIMEOUT_MS);
}

/** Close the dialog (only if it shows `callId`, when given). */
export function closeIncomingCall(callId) {
  if (!current) return;
  if (callId && current.callId !== callId) return;
  const { dialog, timer, ring } = current;
  current = null;
  clearTimeout(timer);
  ring.stop();
  try { dialog.close(); } catch { /* ignore */ }
  dialog.remove();
}

/** A `call` WebSocket message: the caller hung up, or it was answered elsewhere. */
export function handleCallUpdate(call) {
  if (!current || !call || call.id !== current.callId) return;
  if (call.status === 'ringing') return;
  const who = call.caller ? (call.caller.displayName || call.caller.username) : 'The caller';
  closeIncomingCall(call.id);
  if (call.status === 'cancelled' || call.status === 'missed') {
    toast({ message: ['Missed call from ', h('strong', null, who)], iconName: 'phone', timeout: 8000 });
  }
}

/** A soft two-tone ring through Web Audio; silent if audio is not allowed. */
function startRing() {
  let ctx = null;
  let timer = null;
  let stopped = false;
  try {
    const AC = window.AudioContext || window.webkitAudioContext;
    if (AC) {
      ctx = new AC();
      const burst = () => {
        if (stopped || !ctx || ctx.state !== 'running') return;
        const t0 = ctx.currentTime;
        for (const [i, f] of [[0, 660], [1, 880]]) {
          const osc = ctx.createOscillator();
          const gain = ctx.createGain();
          osc.type = 'sine';
          osc.frequency.value = f;
          const start = t0 + i * 0.22;
          gain.gain.setValueAtTime(0, start);
          gain.gain.linearRampToValueAtTime(0.06, start + 0.03);
          gain.gain.linearRampToValueAtTime(0, start + 0.2);
          osc.connect(gain).connect(ctx.destination);
          osc.start(start);
          osc.stop(start + 0.22);
        }
      };
      ctx.resume().then(burst).catch(() => {});
      timer = setInterval(burst, 2500);
    }
  } catch {
    ctx = null;
  }
  return {
    stop() {
      stopped = true;
      clearInterval(timer);
      if (ctx) ctx.close().catch(() => {});
    },
  };
}
