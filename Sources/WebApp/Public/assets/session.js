// Starting and ending the signed-in session (shared by app.js and the auth pages).

import { api } from './api.js';
import { live } from './live.js';
import { setMe, setUnread } from './state.js';
import { closeIncomingCall } from './components/call-dialog.js';

/** After sign-in / sign-up: remember the user, open the live connection. */
export function startSession(user) {
  setMe(user);
  live.start();
  refreshUnread();
}

export function endSession() {
  live.stop();
  closeIncomingCall();
  setUnread(0);
  setMe(null);
}

export async function refreshUnread() {
  try {
    const res = await api.get('/notifications?unread=true', { quiet: true });
    setUnread(res.unreadCount ?? (res.notifications || []).length);
  } catch { /* the badge can wait */ }
}
