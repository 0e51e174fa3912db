// Fetch wrapper for /api/v1: JSON in and out, cookie auth, typed errors.

export const API_BASE = '/api/v1';

export class ApiError extends Error {
  constructor(status, code, message, field = null, retryAfter = null) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.field = field;
    this.retryAfter = retryAfter;
  }
}

export function isAbort(err) {
  return err && (err.name === 'AbortError' || err.code === 'aborted');
}

/**
 * api('POST', '/meetings', {title}) → parsed JSON (or null for 204).
 * Throws ApiError carrying the server's error.code / error.message / error.field.
 * Options: {signal, quiet} — quiet suppresses the global "unauthenticated" event.
 */
export async function api(method, path, body, { signal, quiet = false } = {}) {
  const headers = { Accept: 'application/json' };
  const init = { method, headers, credentials: 'same-origin', signal };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(API_BASE + path, init);
  } catch (err) {
    if (isAbort(err)) throw err;
    throw new ApiError(0, 'network_error', 'Parley could not be reached. Check your connection and try again.');
  }
  if (res.status === 204) return null;
  const text = await res.text();
  let data = null;
  if (text) {
    try { data = JSON.parse(text); } catch { data = null; }
  }
  if (!res.ok) {
    const e = data && data.error ? data.error : {};
    const retry = res.headers.get('Retry-After');
    const err = new ApiError(
      res.status,
      e.code || `http_${res.status}`,
      e.message || defaultMessage(res.status),
      e.field || null,
      retry ? Number(retry) : null,
    );
    if (res.status === 401 && err.code === 'unauthenticated' && !quiet) {
      window.dispatchEvent(new CustomEvent('parley:unauthenticated'));
    }
    throw err;
  }
  return data;
}

function defaultMessage(status) {
  if (status === 404) return 'That could not be found.';
  if (status === 401) return 'Please sign in to continue.';
  if (status === 403) return "You don't have permission to do that.";
  if (status === 429) return 'Too many attempts. Please wait a moment and try again.';
  if (status >= 500) return 'Something went wrong on the server. Please try again.';
  return `The request failed (${status}).`;
}

api.get = (path, opts) => api('GET', path, undefined, opts);
api.post = (path, body = {}, opts) => api('POST', path, body, opts);
/** POST without a body (no Content-Type needed). */
api.postEmpty = (path, opts) => api('POST', path, undefined, opts);
api.patch = (path, body, opts) => api('PATCH', path, body, opts);
api.del = (path, opts) => api('DELETE', path, undefined, opts);

/** Encode one path segment. */
export const seg = (s) => encodeURIComponent(String(s));
