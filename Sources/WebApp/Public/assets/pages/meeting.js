// /m/{code} — the meeting page: pre-join screen (camera preview, microphone
// level, device choice, name and passcode), then the meeting room
// (room/room.js), which takes over the chosen camera and microphone.

import { api, seg, isAbort } from '../api.js';
import { h, icon, spinner, emptyState, withBusy, setAlert, avatar, nextId, srOnly } from '../dom.js';
import { field, select, markInvalid, clearInvalid } from '../components/forms.js';
import { toastError } from '../components/toast.js';
import { LocalMedia } from '../components/media.js';
import { live } from '../live.js';
import { session, ui } from '../state.js';
import { toDate } from '../components/time.js';
import { Room } from '../room/room.js';
import { Signaling } from '../room/signaling.js';
import { dialInDetails } from '../components/dial-in.js';

const CALL_STALE_MS = 90_000;

export default async function meetingPage(root, ctx) {
  const code = ctx.params.code;
  ctx.setTitle('Join meeting');
  root.append(spinner('Loading meeting…'));

  let info;
  try {
    info = await api.get(`/join/${seg(code)}`, { signal: ctx.signal });
  } catch (err) {
    if (isAbort(err)) return;
    root.replaceChildren(h('div', { class: 'container narrow' },
      h('h1', { class: 'page-title' }, err.status === 404 ? 'Meeting not found' : 'This meeting is unavailable'),
      emptyState({
        iconName: err.status === 404 ? 'link' : 'alert',
        title: err.status === 404 ? 'This meeting link does not work.' : err.message,
        body: err.status === 404 ? 'Check the code, or ask the host for a new link. The meeting may have been cancelled.' : null,
        action: h('a', { class: 'btn', href: session.me ? '/' : '/signin' }, session.me ? 'Back to your agenda' : 'Sign in'),
      })));
    return;
  }
  ctx.setTitle(info.title || 'Meeting');
  const me = session.me;
  const here = `/m/${encodeURIComponent(code)}`;

  if (info.requireSignIn && !me) {
    renderSignInRequired(root, info, here);
    return;
  }

  let room = null; // the Room once joined

  // --- Outgoing call banner (the caller arrives here after "Call") ---------
  let call = ctx.state && ctx.state.call ? ctx.state.call : null;
  if (call && call.createdAt && Date.now() - toDate(call.createdAt).getTime() > CALL_STALE_MS) call = null;
  if (call && me && call.caller && call.caller.id !== me.id) call = null;
  const callBanner = h('div', { class: 'call-banner', role: 'status', hidden: !call });
  let callStatus = call ? call.status : null;
  function renderCallBanner() {
    if (!call) return;
    const name = call.callee ? call.callee.displayName : 'your friend';
    callBanner.replaceChildren();
    callBanner.className = `call-banner call-${callStatus}`;
    if (callStatus === 'ringing') {
      const cancelBtn = h('button', { type: 'button', class: 'btn btn-sm btn-danger' }, 'Cancel call');
      cancelBtn.addEventListener('click', () => withBusy(cancelBtn, async () => {
        try {
          await api.del(`/calls/${seg(call.id)}`);
          callStatus = 'cancelled';
          renderCallBanner();
        } catch (err) { toastError(err); }
      }));
      callBanner.append(h('span', { class: 'ring-dot', 'aria-hidden': 'true' }), icon('phone', 18), h('span', { class: 'call-banner-text' }, `Ringing ${name}…`), cancelBtn);
    } else {
      const text = {
        declined: `${name} declined the call.`,
        accepted: `${name} accepted the call and is on the way.`,
        missed: `${name} did not answer.`,
        cancelled: 'Call cancelled.',
      }[callStatus] || `Call ${callStatus}.`;
      callBanner.append(icon('phone', 18), h('span', { class: 'call-banner-text' }, text));
    }
  }
  renderCallBanner();
  if (call) {
    ui.outgoingCallId = call.id;
    ctx.onCleanup(() => { if (ui.outgoingCallId === call.id) ui.outgoingCallId = null; });
  }
  const onCall = (ev) => {
    const c = ev.detail;
    if (!call || !c || c.id !== call.id) return;
    callStatus = c.status;
    renderCallBanner();
  };
  live.addEventListener('call', onCall);
  ctx.onCleanup(() => {
    live.removeEventListener('call', onCall);
    // Walking away while it still rings hangs up.
    if (call && callStatus === 'ringing') api.del(`/calls/${seg(call.id)}`).catch(() => {});
  });

  // --- Media ------------------------------------------------------------
  let media = new LocalMedia();
  let meterRaf = 0;
  ctx.onCleanup(() => {
    cancelAnimationFrame(meterRaf);
    if (room) room.destroy(); // leaves the meeting when navigating away
    media.stop();
  });

  const page = h('div', { class: 'meeting-page' });
  root.replaceChildren(page);
  renderPrejoin();

  function tile({ name, self = true }) {
    const video = h('video', { autoplay: true, muted: true, playsInline: true, class: self ? 'mirror' : '' });
    video.setAttribute('muted', '');
    video.setAttribute('playsinline', '');
    const off = h('div', { class: 'tile-off' }, avatar(me || { displayName: name, username: name }, 'xl'), h('span', null, 'Camera is off'));
    const nameTag = h('span', { class: 'tile-name' }, name);
    const micBadge = h('span', { class: 'tile-mic', hidden: true, title: 'Microphone muted' }, icon('micOff', 14), h('span', { class: 'sr-only' }, 'Microphone muted'));
    const el = h('div', { class: 'video-tile' }, video, off, h('div', { class: 'tile-label' }, micBadge, nameTag));
    const sync = () => {
      const v = media.videoTrack;
      const showVideo = !!v && media.cameraOn;
      const current = video.srcObject ? video.srcObject.getVideoTracks()[0] : null;
      if (showVideo && current !== v) {
        video.srcObject = new MediaStream([v]);
        video.play().catch(() => {});
      } else if (!showVideo && video.srcObject) {
        video.srcObject = null;
      }
      off.hidden = showVideo;
      video.hidden = !showVideo;
      micBadge.hidden = !media.micMuted;
      const offText = off.querySelector('span:last-child');
      offText.textContent = media.cameraOn ? (media.videoError || 'Starting camera…') : 'Camera is off';
    };
    media.addEventListener('change', sync);
    sync();
    return { el, nameTag, sync };
  }

  function toggles() {
    const mic = h('button', { type: 'button', class: 'round-btn' });
    const cam = h('button', { type: 'button', class: 'round-btn' });
    const sync = () => {
      // The name comes from (visually hidden) content, not aria-label, so a
      // search for the "Microphone" field label finds only the select.
      const micLabel = media.micMuted ? 'Unmute microphone' : 'Mute microphone';
      mic.replaceChildren(icon(media.micMuted ? 'micOff' : 'mic', 20), srOnly(micLabel));
      mic.title = micLabel;
      mic.classList.toggle('is-off', media.micMuted);
      mic.disabled = !media.audioTrack;
      const camLabel = media.cameraOn ? 'Turn off camera' : 'Turn on camera';
      cam.replaceChildren(icon(media.cameraOn ? 'video' : 'videoOff', 20), srOnly(camLabel));
      cam.title = camLabel;
      cam.classList.toggle('is-off', !media.cameraOn);
      cam.disabled = !media.cameraOn && !!media.videoError && !media.videoDeviceId;
    };
    mic.addEventListener('click', () => media.setMicMuted(!media.micMuted));
    cam.addEventListener('click', async () => {
      cam.disabled = true;
      await media.setCameraOn(!media.cameraOn);
      cam.disabled = false;
      sync();
    });
    media.addEventListener('change', sync);
    sync();
    return { mic, cam };
  }

  function meter() {
    const fill = h('span', { class: 'meter-fill' });
    const el = h('div', { class: 'meter', role: 'meter', 'aria-label': 'Input level', 'aria-valuemin': '0', 'aria-valuemax': '100', 'aria-valuenow': '0' }, fill);
    let lastAria = 0;
    let smooth = 0;
    const loop = (t) => {
      const lvl = media.level();
      smooth = lvl > smooth ? lvl : smooth * 0.85 + lvl * 0.15;
      fill.style.transform = `scaleX(${smooth.toFixed(3)})`;
      if (t - lastAria > 300) {
        el.setAttribute('aria-valuenow', String(Math.round(smooth * 100)));
        lastAria = t;
      }
      meterRaf = requestAnimationFrame(loop);
    };
    cancelAnimationFrame(meterRaf);
    meterRaf = requestAnimationFrame(loop);
    return el;
  }

  function renderPrejoin() {
    if (media.stopped) media = new LocalMedia();
    const defaultName = me ? me.displayName : (localStorage.getItem('parley.guestName') || '');
    const preview = tile({ name: defaultName || 'You' });
    const { mic, cam } = toggles();
    preview.el.append(h('div', { class: 'tile-controls' }, mic, cam));

    const cameraSel = field({ label: 'Camera', control: select([{ value: '', label: 'Looking for cameras…' }], { name: 'camera', disabled: true }) });
    const micSel = field({ label: 'Microphone', control: select([{ value: '', label: 'Looking for microphones…' }], { name: 'microphone', disabled: true }) });
    const mediaNote = h('p', { class: 'media-note small', hidden: true });

    async function refreshDevices() {
      const { cameras, microphones } = await media.devices();
      fillSelect(cameraSel.input, cameras, media.videoDeviceId, 'No camera found');
      fillSelect(micSel.input, microphones, media.audioDeviceId, 'No microphone found');
    }
    cameraSel.input.addEventListener('change', async () => {
      cameraSel.input.disabled = true;
      await media.switchCamera(cameraSel.input.value);
      cameraSel.input.disabled = false;
    });
    micSel.input.addEventListener('change', async () => {
      micSel.input.disabled = true;
      await media.switchMicrophone(micSel.input.value);
      micSel.input.disabled = false;
    });
    const onDeviceChange = () => refreshDevices();
    if (navigator.mediaDevices && navigator.mediaDevices.addEventListener) {
      navigator.mediaDevices.addEventListener('devicechange', onDeviceChange);
      ctx.onCleanup(() => navigator.mediaDevices.removeEventListener('devicechange', onDeviceChange));
    }
    const syncNote = () => {
      const msgs = [media.cameraOn ? media.videoError : null, media.audioError].filter(Boolean);
      mediaNote.textContent = msgs.length ? `${msgs.join(' ')} You can still join.` : '';
      mediaNote.hidden = !msgs.length;
    };
    media.addEventListener('change', syncNote);

    // Join form
    const nameField = field({
      label: 'Your name',
      control: { name: 'displayName', value: defaultName, maxlength: '64', autocomplete: 'name', required: !me },
    });
    nameField.input.addEventListener('input', () => { preview.nameTag.textContent = nameField.input.value.trim() || 'You'; });
    const passField = info.hasPasscode ? field({
      label: 'Passcode',
      hint: 'This meeting is protected. Ask the host for the passcode.',
      control: { name: 'passcode', inputmode: 'numeric', autocomplete: 'off', maxlength: '10' },
    }) : null;
    const error = h('div', { class: 'alert alert-error', role: 'alert', id: nextId('join-error'), hidden: true });
    const joinBtn = h('button', { type: 'submit', class: 'btn btn-primary btn-lg btn-block' }, 'Join');
    const form = h('form', { class: 'stack', novalidate: true }, nameField.wrap, passField ? passField.wrap : null, error, joinBtn);

    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      clearInvalid(form);
      setAlert(error, '');
      const displayName = nameField.input.value.trim();
      if (!me && !displayName) {
        setAlert(error, 'Enter your name so others know who you are.');
        markInvalid(nameField.input, error);
        nameField.input.focus();
        return;
      }
      const body = {};
      if (displayName) body.displayName = displayName;
      if (passField) body.passcode = passField.input.value.trim();
      withBusy(joinBtn, async () => {
        // The signaling socket opens while the join token is fetched.
        let early = null;
        try { early = new Signaling().preconnect(); } catch { early = null; }
        try {
          const res = await api.post(`/join/${seg(code)}`, body);
          if (!me && displayName) localStorage.setItem('parley.guestName', displayName);
          renderRoom(res, displayName, early);
        } catch (err) {
          if (early) early.close();
          if (err.code === 'sign_in_required') {
            media.stop();
            renderSignInRequired(root, info, here);
            return;
          }
          setAlert(error, err.message);
          if (err.code === 'wrong_passcode' && passField) {
            markInvalid(passField.input, error);
            passField.input.select();
            passField.input.focus();
          } else if (err.field === 'displayName') {
            markInvalid(nameField.input, error);
            nameField.input.focus();
          }
        }
      });
    });

    const hostLine = info.host ? (me && info.host.id === me.id ? 'You are the host' : `Hosted by ${info.host.displayName}`) : '';
    const accountNote = me
      ? h('p', { class: 'muted small' }, `Signed in as ${me.displayName} (@${me.username}).`)
      : h('p', { class: 'muted small' }, 'You are joining as a guest. ', h('a', { href: `/signin?next=${encodeURIComponent(here)}` }, 'Sign in'), ' to join with your account.');

    page.replaceChildren(
      callBanner,
      h('div', { class: 'prejoin' },
        h('section', { class: 'preview-col', 'aria-label': 'Preview' },
          preview.el,
          h('div', { class: 'meter-row' }, icon('mic', 18), meter()),
          mediaNote,
          h('div', { class: 'grid-2 device-row' }, cameraSel.wrap, micSel.wrap)),
        h('section', { class: 'join-col card' },
          h('p', { class: 'kicker' }, 'Ready to join?'),
          h('h1', { class: 'page-title' }, info.title || 'Meeting'),
          hostLine ? h('p', { class: 'muted host-line' }, info.host ? avatar(info.host, 'sm') : null, h('span', null, hostLine)) : null,
          info.hasPasscode ? h('p', { class: 'pill' }, icon('lock', 14), 'Passcode required') : null,
          form,
          accountNote,
          dialInDetails(info.dialIn))));

    media.start().then(() => { syncNote(); refreshDevices(); });
  }

  function renderRoom(res, typedName, signaling = null) {
    cancelAnimationFrame(meterRaf);
    const title = res.title || info.title;
    ctx.setTitle(title || 'Meeting');
    const host = h('div', { class: 'room-host' });
    page.replaceChildren(callBanner, host);
    room = new Room({
      root: host,
      token: res.joinToken,
      signaling,
      media,
      displayName: res.displayName || typedName || (me ? me.displayName : 'You'),
      title,
      code: res.code || code,
      signedIn: !!me,
      onRejoin: () => {
        if (room) room.destroy();
        room = null;
        media = new LocalMedia();
        ctx.setTitle(info.title || 'Meeting');
        renderPrejoin();
      },
      onEnd: () => {
        // Leaving while the call still rings hangs it up.
        if (call && callStatus === 'ringing') {
          api.del(`/calls/${seg(call.id)}`).catch(() => {});
          callStatus = 'cancelled';
          renderCallBanner();
        }
      },
    });
    room.start();
  }
}

function fillSelect(sel, items, currentId, emptyLabel) {
  const prev = sel.value;
  if (!items.length) {
    sel.replaceChildren(h('option', { value: '' }, emptyLabel));
    sel.disabled = true;
    return;
  }
  sel.replaceChildren(...items.map((d) => h('option', { value: d.id }, d.label)));
  const want = currentId && items.some((d) => d.id === currentId) ? currentId : (items.some((d) => d.id === prev) ? prev : items[0].id);
  sel.value = want;
  sel.disabled = false;
}

function renderSignInRequired(root, info, here) {
  root.replaceChildren(h('div', { class: 'container narrow' },
    h('div', { class: 'card signin-required' },
      h('div', { class: 'empty-icon' }, icon('lock', 28)),
      h('h1', { class: 'page-title' }, info.title || 'Meeting'),
      info.host ? h('p', { class: 'muted' }, `Hosted by ${info.host.displayName}`) : null,
      h('p', { class: 'lead' }, 'This meeting requires you to sign in'),
      h('div', { class: 'row center' },
        h('a', { class: 'btn btn-primary', href: `/signin?next=${encodeURIComponent(here)}` }, 'Sign in'),
        h('a', { class: 'btn', href: `/signup?next=${encodeURIComponent(here)}` }, 'Create an account')))));
}
