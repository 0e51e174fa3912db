// Shared client state: the signed-in user and the unread notification count.

export const store = new EventTarget();

export const session = {
  /** The signed-in User, or null for guests. */
  me: null,
};

export function setMe(user) {
  session.me = user;
  store.dispatchEvent(new CustomEvent('me', { detail: user }));
}

/** Transient UI facts shared across modules. */
export const ui = {
  /** The outgoing call whose progress the meeting page is showing, if any. */
  outgoingCallId: null,
};

let unread = 0;

export function getUnread() {
  return unread;
}

export function setUnread(n) {
  unread = Math.max(0, Number(n) || 0);
  store.dispatchEvent(new CustomEvent('unread', { detail: unread }));
}
