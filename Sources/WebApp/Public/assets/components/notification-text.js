// Readable text for each notification kind (see api.md "Notification").

import { h } from '../dom.js';
import { formatShortDateTime, minutesPhrase } from './time.js';

const name = (u) => (u && (u.displayName || u.username)) || 'Someone';
const strong = (t) => h('strong', null, t || 'Untitled meeting');

/** Message as an array of strings and <strong> nodes. */
export function notificationMessage(n) {
  const d = n.data || {};
  switch (n.kind) {
    case 'friend_request':
      return [strong(name(d.from)), ' sent you a friend request'];
    case 'friend_accepted':
      return [strong(name(d.user)), ' accepted your friend request'];
    case 'meeting_invitation':
      return [strong(name(d.from)), ' invited you to ', strong(d.title), d.start ? ` on ${formatShortDateTime(d.start)}` : ''];
    case 'meeting_updated':
      return [strong(d.title), ' was updated', d.start ? ` — it now starts ${formatShortDateTime(d.start)}` : ''];
    case 'meeting_cancelled':
      return d.occurrenceStart
        ? [strong(d.title), ` on ${formatShortDateTime(d.occurrenceStart)} was cancelled`]
        : [strong(d.title), ' was cancelled'];
    case 'reminder': {
      const m = Number(d.minutesBefore) || 0;
      return m > 0 ? [strong(d.title), ` starts in ${minutesPhrase(m)}`] : [strong(d.title), ' is starting now'];
    }
    case 'call':
      return [strong(name(d.from)), ' is calling you'];
    case 'call_declined':
      return [strong(name(d.by)), ' declined your call'];
    case 'call_accepted':
      return [strong(name(d.by)), ' accepted your call'];
    default:
      return ['You have a new notification'];
  }
}

/** Past-tense variant for the notifications list (a call is no longer ringing). */
export function notificationListMessage(n) {
  if (n.kind === 'call') return [strong(name((n.data || {}).from)), ' called you'];
  return notificationMessage(n);
}

export function notificationIcon(kind) {
  switch (kind) {
    case 'friend_request':
    case 'friend_accepted':
      return 'userPlus';
    case 'meeting_invitation':
    case 'meeting_updated':
      return 'calendar';
    case 'meeting_cancelled':
      return 'x';
    case 'reminder':
      return 'clock';
    case 'call':
    case 'call_declined':
    case 'call_accepted':
      return 'phone';
    default:
      return 'bell';
  }
}
