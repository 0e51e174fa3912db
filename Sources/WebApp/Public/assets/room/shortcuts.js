// Keyboard shortcuts in the room, and the "?" sheet that lists them. They
// never fire while you type (in an input, a textarea, a select or anything
// editable), nor with Ctrl, Alt or Meta held (the browser's and the screen
// reader's own shortcuts stay theirs), nor while a dialog is open.

import { h } from '../dom.js';
import { openDialog } from '../components/dialog.js';

/** [key as shown, what it does, action name]; `match(ev)` below reads the same table. */
export const SHORTCUTS = [
  { keys: ['M'], label: 'Mute or unmute your microphone', action: 'mic', match: (ev) => ev.key === 'm' || ev.key === 'M' },
  { keys: ['V'], label: 'Turn your camera on or off', action: 'video', match: (ev) => ev.key === 'v' || ev.key === 'V' },
  { keys: ['H'], label: 'Raise or lower your hand', action: 'hand', match: (ev) => ev.key === 'h' || ev.key === 'H' },
  { keys: ['C'], label: 'Open or close the chat', action: 'chat', match: (ev) => ev.key === 'c' || ev.key === 'C' },
  { keys: ['P'], label: 'Open or close the participants', action: 'participants', match: (ev) => ev.key === 'p' || ev.key === 'P' },
  { keys: ['Shift', 'L'], label: 'Leave the meeting', action: 'leave', match: (ev) => ev.shiftKey && (ev.key === 'L' || ev.key === 'l') },
  { keys: ['?'], label: 'Show these shortcuts', action: 'help', match: (ev) => ev.key === '?' },
];

/** True when the key press belongs to what the person is typing in. */
export function isTyping(target) {
  if (!target || !(target instanceof Element)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag === 'INPUT') {
    const type = (target.getAttribute('type') || 'text').toLowerCase();
    return !['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color', 'file'].includes(type);
  }
  return !!target.closest('[contenteditable=""], [contenteditable="true"], [role="textbox"]');
}

/**
 * installShortcuts({mic, video, hand, chat, participants, leave}) listens on
 * the document; returns a function that stops listening.
 */
export function installShortcuts(actions) {
  const onKey = (ev) => {
    if (ev.defaultPrevented || ev.repeat || ev.ctrlKey || ev.metaKey || ev.altKey || ev.isComposing) return;
    if (isTyping(ev.target)) return;
    if (document.querySelector('dialog[open]') || document.querySelector('.menu-popup')) return;
    const shortcut = SHORTCUTS.find((s) => s.match(ev));
    if (!shortcut) return;
    // Plain letters only without Shift (Shift+L is its own shortcut; "?" is Shift+/ on most layouts).
    if (shortcut.action !== 'leave' && shortcut.action !== 'help' && ev.shiftKey) return;
    ev.preventDefault();
    if (shortcut.action === 'help') openShortcutSheet();
    else if (actions[shortcut.action]) actions[shortcut.action]();
  };
  document.addEventListener('keydown', onKey);
  return () => document.removeEventListener('keydown', onKey);
}

/** The "Keyboard shortcuts" sheet. */
export function openShortcutSheet() {
  return openDialog({
    title: 'Keyboard shortcuts',
    description: 'They work anywhere in the meeting except while you type.',
    className: 'shortcuts-dialog',
    content: () => h('dl', { class: 'shortcut-list' }, SHORTCUTS.map((s) => h('div', { class: 'shortcut' },
      h('dt', null, s.keys.map((k, i) => [i ? ' + ' : null, h('kbd', null, k)])),
      h('dd', null, s.label)))),
  });
}
