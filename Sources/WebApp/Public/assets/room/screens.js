// The meeting room's full-page screens: joining, waiting in the lobby, and
// the endings (left, removed, ended, denied, could not join, disconnected).

import { h, icon, spinner } from '../dom.js';

/** What each ending says. `state` becomes the room root's data-state. */
export const ENDINGS = {
  left: { state: 'left', iconName: 'door', title: 'You left the meeting', rejoin: 'Rejoin' },
  removed: { state: 'removed', iconName: 'block', title: 'You were removed from the meeting', body: 'A host removed you from this meeting.' },
  ended: { state: 'ended', iconName: 'info', title: 'The meeting has ended', body: 'The host ended the meeting for everyone.' },
  denied: { state: 'denied', iconName: 'block', title: 'The host did not let you in', body: 'You can ask to join again.', rejoin: 'Ask again' },
  locked: { state: 'failed', iconName: 'lock', title: 'This meeting is locked', body: 'Nobody new can join right now. Ask the host to unlock it.', rejoin: 'Try again' },
  room_full: { state: 'failed', iconName: 'users', title: 'This meeting is full', body: 'Try again when someone has left.', rejoin: 'Try again' },
  not_starting_meetings: { state: 'failed', iconName: 'clock', title: 'This server is about to restart', body: 'It is not starting new meetings. Try again in a moment.', rejoin: 'Try again' },
  bad_token: { state: 'failed', iconName: 'alert', title: 'Your way into this meeting expired', body: 'Join again to continue.', rejoin: 'Join again' },
  disconnected: { state: 'failed', iconName: 'alert', title: 'You were disconnected', body: 'The connection to Parley was lost.', rejoin: 'Rejoin' },
  join_failed: { state: 'failed', iconName: 'alert', title: 'You could not join the meeting', rejoin: 'Try again' },
};

/** `error` codes that end a join attempt (Parley then closes the socket) → ENDINGS key. */
export const JOIN_FAILURES = {
  locked: 'locked', ended: 'ended', removed: 'removed', bad_token: 'bad_token', room_full: 'room_full',
  not_starting_meetings: 'not_starting_meetings',
};

export function joiningScreen(title) {
  const heading = h('h1', { class: 'page-title', tabindex: '-1' }, `Joining ${title}…`);
  const el = h('div', { class: 'container narrow room-wait' }, heading, spinner('Connecting to the meeting…'));
  return { el, heading };
}

/** videoTrack: your camera (shown as a preview), or null. */
export function lobbyScreen({ title, displayName, videoTrack, onLeave }) {
  let preview;
  if (videoTrack) {
    const video = h('video', { autoplay: true, muted: true, playsInline: true, class: 'mirror' });
    video.setAttribute('muted', '');
    video.setAttribute('playsinline', '');
    video.srcObject = new MediaStream([videoTrack]);
    preview = h('div', { class: 'lobby-preview' }, video);
  } else {
    preview = h('div', { class: 'empty-icon' }, icon('clock', 28));
  }
  const leaveBtn = h('button', { type: 'button', class: 'btn' }, 'Leave');
  leaveBtn.addEventListener('click', () => onLeave());
  const heading = h('h1', { class: 'page-title', tabindex: '-1' }, 'Waiting for the host to let you in…');
  const el = h('div', { class: 'container narrow' },
    h('div', { class: 'card left-card lobby-card' },
      preview,
      heading,
      h('p', { class: 'muted' }, title),
      h('p', { class: 'small muted' }, `You will join as ${displayName}.`),
      h('div', { class: 'row center' }, leaveBtn)));
  return { el, heading };
}

/**
 * ending: an ENDINGS entry; detail: Parley's message, shown when the ending
 * has no text of its own; onRejoin may be null; signedIn adds "Back to your agenda".
 */
export function endScreen({ ending, detail = null, title, onRejoin, signedIn }) {
  const rejoin = ending.rejoin && onRejoin ? h('button', { type: 'button', class: 'btn btn-primary' }, ending.rejoin) : null;
  if (rejoin) rejoin.addEventListener('click', () => onRejoin());
  const agenda = signedIn ? h('a', { class: 'btn', href: '/' }, 'Back to your agenda') : null;
  const heading = h('h1', { class: 'page-title', tabindex: '-1' }, ending.title);
  const el = h('div', { class: 'container narrow' },
    h('div', { class: 'card left-card' },
      h('div', { class: 'empty-icon' }, icon(ending.iconName, 28)),
      heading,
      h('p', { class: 'muted' }, title),
      ending.body || detail ? h('p', null, ending.body || detail) : null,
      rejoin || agenda ? h('div', { class: 'row center' }, rejoin, agenda) : null));
  return { el, heading };
}
