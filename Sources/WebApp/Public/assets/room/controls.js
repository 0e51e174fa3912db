// The meeting room's control bar: a toolbar of labelled buttons. Toggles
// change their label ("Mute"/"Unmute"…); "Raise hand" keeps its name and uses
// aria-pressed; the panel buttons use aria-expanded.

import { h, icon, nextId } from '../dom.js';
import { attachMenu } from '../components/menu.js';
import { REACTIONS } from './reactions.js';

function ctlButton({ iconName, label, className = '' }) {
  const iconSlot = h('span', { class: 'ctl-icon' }, icon(iconName, 20));
  const labelEl = h('span', { class: 'ctl-label' }, label);
  const btn = h('button', { type: 'button', class: `ctl ${className}`.trim() }, iconSlot, labelEl);
  return {
    btn,
    set(name, label2) {
      iconSlot.replaceChildren(icon(name, 20));
      labelEl.textContent = label2;
    },
  };
}

/**
 * A count shown on a button (hidden from its accessible name) and described
 * to screen readers by `desc`, which lives outside the button.
 */
function counter(btn, desc, describe, className = 'ctl-badge') {
  const badge = h('span', { class: className, 'aria-hidden': 'true', hidden: true });
  btn.append(badge);
  desc.id = nextId('ctl-desc');
  btn.setAttribute('aria-describedby', desc.id);
  return (n) => {
    badge.textContent = n > 99 ? '99+' : String(n);
    badge.hidden = !n;
    desc.textContent = n ? describe(n) : '';
  };
}

/**
 * createControls({onMic, onVideo, onShare, onHand, onReact(emoji), onRecord,
 *                 moreItems() → menu items (components/menu.js), onPanel(name), onLeave})
 * → {el, setMic, setVideo, setShare, setHand, setRecording, setPanel, setUnread, setCount, buttons}
 * "React" and "More options" are menu buttons (aria-haspopup, aria-expanded).
 */
export function createControls({ onMic, onVideo, onShare, onHand, onReact = () => {}, onRecord, moreItems = () => [], onPanel, onLeave }) {
  const mic = ctlButton({ iconName: 'mic', label: 'Mute' });
  const cam = ctlButton({ iconName: 'video', label: 'Stop video' });
  const share = ctlButton({ iconName: 'monitor', label: 'Share screen' });
  const hand = ctlButton({ iconName: 'hand', label: 'Raise hand' });
  const react = ctlButton({ iconName: 'smile', label: 'React' });
  attachMenu(react.btn, {
    label: 'Reactions',
    className: 'menu-reactions',
    items: () => REACTIONS.map((r) => ({
      label: r.name, icon: h('span', { class: 'menu-emoji', 'aria-hidden': 'true' }, r.emoji), onSelect: () => onReact(r.emoji),
    })),
  });
  const more = ctlButton({ iconName: 'more', label: 'More' });
  more.btn.setAttribute('aria-label', 'More options');
  attachMenu(more.btn, { label: 'More options', items: moreItems });
  // Hosts and co-hosts only: shown once the room says who we are.
  const record = ctlButton({ iconName: 'record', label: 'Start recording', className: 'ctl-record' });
  record.btn.hidden = true;
  const chat = ctlButton({ iconName: 'message', label: 'Chat' });
  const people = ctlButton({ iconName: 'users', label: 'Participants' });
  const stats = ctlButton({ iconName: 'barChart', label: 'Stats' });
  const leave = ctlButton({ iconName: 'phone', label: 'Leave', className: 'ctl-leave' });

  hand.btn.setAttribute('aria-pressed', 'false');
  const panels = { chat: chat.btn, participants: people.btn, stats: stats.btn };
  for (const [name, btn] of Object.entries(panels)) {
    btn.setAttribute('aria-expanded', 'false');
    btn.setAttribute('aria-controls', `room-panel-${name}`);
    btn.addEventListener('click', () => onPanel(name));
  }
  mic.btn.addEventListener('click', () => onMic());
  cam.btn.addEventListener('click', () => onVideo());
  share.btn.addEventListener('click', () => onShare());
  hand.btn.addEventListener('click', () => onHand());
  record.btn.addEventListener('click', () => onRecord());
  leave.btn.addEventListener('click', () => onLeave());
  const canShare = !!(navigator.mediaDevices && navigator.mediaDevices.getDisplayMedia);
  share.btn.hidden = !canShare;

  const unreadDesc = h('span', { class: 'sr-only' });
  const countDesc = h('span', { class: 'sr-only' });
  const setUnread = counter(chat.btn, unreadDesc, (n) => (n === 1 ? '1 unread message' : `${n} unread messages`));
  const setCount = counter(people.btn, countDesc, (n) => (n === 1 ? '1 person in the meeting' : `${n} people in the meeting`), 'ctl-badge ctl-count');

  const el = h('div', { class: 'room-controls', role: 'toolbar', 'aria-label': 'Meeting controls' },
    h('div', { class: 'ctl-group' }, mic.btn, cam.btn, share.btn, hand.btn, react.btn, record.btn),
    h('div', { class: 'ctl-group' }, chat.btn, people.btn, stats.btn, more.btn),
    h('div', { class: 'ctl-group' }, leave.btn),
    unreadDesc, countDesc);

  // Arrow keys move between the buttons too (Tab still reaches each one).
  el.addEventListener('keydown', (ev) => {
    if (ev.key !== 'ArrowLeft' && ev.key !== 'ArrowRight' && ev.key !== 'Home' && ev.key !== 'End') return;
    const btns = [...el.querySelectorAll('button')].filter((b) => !b.hidden && !b.disabled);
    const i = btns.indexOf(document.activeElement);
    if (i < 0) return;
    ev.preventDefault();
    let j = i;
    if (ev.key === 'ArrowLeft') j = (i - 1 + btns.length) % btns.length;
    else if (ev.key === 'ArrowRight') j = (i + 1) % btns.length;
    else if (ev.key === 'Home') j = 0;
    else j = btns.length - 1;
    btns[j].focus();
  });

  return {
    el,
    buttons: { mic: mic.btn, camera: cam.btn, share: share.btn, hand: hand.btn, react: react.btn, record: record.btn, chat: chat.btn, participants: people.btn, stats: stats.btn, more: more.btn, leave: leave.btn },
    setMic({ muted, available }) {
      mic.set(muted ? 'micOff' : 'mic', muted ? 'Unmute' : 'Mute');
      mic.btn.classList.toggle('is-off', muted);
      mic.btn.disabled = !available;
      mic.btn.title = available ? '' : 'No microphone is available';
    },
    setVideo({ on, busy = false }) {
      cam.set(on ? 'video' : 'videoOff', on ? 'Stop video' : 'Start video');
      cam.btn.classList.toggle('is-off', !on);
      cam.btn.disabled = busy;
    },
    setShare({ sharing, busy = false }) {
      share.set('monitor', sharing ? 'Stop sharing' : 'Share screen');
      share.btn.classList.toggle('is-on', sharing);
      share.btn.disabled = busy;
    },
    /** Whether the room records, and whether this person may start/stop it. */
    setRecording({ recording, allowed, busy = false }) {
      record.set('record', recording ? 'Stop recording' : 'Start recording');
      record.btn.classList.toggle('is-on', recording);
      record.btn.hidden = !allowed;
      record.btn.disabled = busy;
    },
    setHand(raised) {
      hand.btn.setAttribute('aria-pressed', raised ? 'true' : 'false');
      hand.btn.classList.toggle('is-on', raised);
    },
    setPanel(open) {
      for (const [name, btn] of Object.entries(panels)) {
        btn.setAttribute('aria-expanded', name === open ? 'true' : 'false');
        btn.classList.toggle('is-on', name === open);
      }
    },
    setUnread,
    setCount,
  };
}
