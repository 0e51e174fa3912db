// History-based navigation. app.js listens for `parley:navigate` and renders.

/** Navigate inside the app (pushState) and render the new page. */
export function navigate(to, { replace = false, state = null } = {}) {
  const url = new URL(to, location.origin);
  if (url.origin !== location.origin) {
    location.assign(url.href);
    return;
  }
  const target = url.pathname + url.search + url.hash;
  if (replace) history.replaceState(state, '', target);
  else history.pushState(state, '', target);
  window.dispatchEvent(new CustomEvent('parley:navigate'));
}

/** An in-app path for a URL that may be absolute (e.g. a meeting joinUrl). */
export function appPath(urlString) {
  try {
    const url = new URL(urlString, location.origin);
    return url.pathname + url.search;
  } catch {
    return urlString;
  }
}

/** Only allow local, same-origin paths as a post-sign-in destination. */
export function safeNext(next) {
  if (!next || typeof next !== 'string') return '/';
  if (!next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  if (next.startsWith('/signin') || next.startsWith('/signup')) return '/';
  return next;
}

/** A link whose click is handled by the router (the href stays real). */
export function currentPath() {
  return location.pathname + location.search;
}
