// The meeting room's chat panel: history from `joined.chat`, new messages
// from `chat.message`, a "Message" box and a "Send" button.

import { h, icon, nextId } from '../dom.js';
import { formatTime } from '../components/time.js';

export const CHAT_MAX = 2000;

export class ChatPanel {
  /** onSend(text) → true when the message was handed to Parley. */
  constructor({ onSend, onClose }) {
    this.onSend = onSend;
    this.selfId = null;
    this.ids = new Set();
    const headingId = nextId('chat-title');
    this.log = h('ol', { class: 'chat-log', role: 'log', 'aria-labelledby': headingId });
    this.empty = h('p', { class: 'muted small chat-empty' }, 'No messages yet. Say hello!');
    const inputId = nextId('chat-input');
    this.input = h('textarea', {
      id: inputId, name: 'message', rows: '2', maxlength: String(CHAT_MAX),
      placeholder: 'Send a message to everyone', autocomplete: 'off',
    });
    this.sendBtn = h('button', { type: 'submit', class: 'btn btn-primary btn-sm' }, icon('send', 16), 'Send');
    this.form = h('form', { class: 'chat-form', novalidate: true },
      h('label', { class: 'sr-only', for: inputId }, 'Message'),
      this.input,
      this.sendBtn);
    this.form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      this.submit();
    });
    this.input.addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing) {
        ev.preventDefault();
        this.submit();
      }
    });
    const close = h('button', { type: 'button', class: 'icon-btn', 'aria-label': 'Close chat' }, icon('x', 18));
    close.addEventListener('click', () => onClose());
    this.el = h('section', { class: 'room-panel-body chat-panel', id: 'room-panel-chat', 'aria-labelledby': headingId, hidden: true },
      h('div', { class: 'panel-head' }, h('h2', { id: headingId, tabindex: '-1' }, 'Chat'), close),
      h('div', { class: 'chat-scroll' }, this.empty, this.log),
      this.form);
  }

  submit() {
    const text = this.input.value.trim();
    if (!text) {
      this.input.focus();
      return;
    }
    if (text.length > CHAT_MAX) return;
    if (this.onSend(text)) {
      this.input.value = '';
      this.input.focus();
    }
  }

  setHistory(messages) {
    this.log.replaceChildren();
    this.ids.clear();
    for (const m of Array.isArray(messages) ? messages : []) this.add(m);
    this.empty.hidden = this.log.children.length > 0;
  }

  /** Append a message; returns false for a duplicate or malformed one. */
  add(m) {
    if (!m || typeof m.text !== 'string') return false;
    if (m.id) {
      if (this.ids.has(m.id)) return false;
      this.ids.add(m.id);
    }
    const mine = this.selfId && m.participantId === this.selfId;
    let when = '';
    let iso = null;
    if (m.sentAt) {
      const d = new Date(m.sentAt);
      if (!Number.isNaN(d.getTime())) {
        when = formatTime(d);
        iso = d.toISOString();
      }
    }
    const scroller = this.log.parentNode;
    const atBottom = !scroller || scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 40;
    this.log.append(h('li', { class: `chat-msg${mine ? ' is-mine' : ''}`, dataset: { messageId: m.id || '' } },
      h('p', { class: 'chat-meta' },
        h('span', { class: 'chat-name' }, mine ? 'You' : (m.displayName || 'Someone')),
        when ? h('time', { class: 'chat-time', datetime: iso }, when) : null),
      h('p', { class: 'chat-text prewrap' }, m.text)));
    this.empty.hidden = true;
    if (scroller && (atBottom || mine)) scroller.scrollTop = scroller.scrollHeight;
    return true;
  }

  focus() {
    this.input.focus();
    const scroller = this.log.parentNode;
    if (scroller) scroller.scrollTop = scroller.scrollHeight;
  }
}
