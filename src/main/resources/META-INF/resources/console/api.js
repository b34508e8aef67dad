// The controller's admin API. The token lives in this tab's sessionStorage only: never in a URL,
// a cookie or localStorage, so it is gone when the tab closes.

const KEY = 'fleetban.token';

export const token = {
  get: () => sessionStorage.getItem(KEY),
  set: (t) => sessionStorage.setItem(KEY, t),
  clear: () => sessionStorage.removeItem(KEY),
};

/** An error answer of the API: {"error": "...", "field": "..."} and the HTTP status. */
export class ApiError extends Error {
  constructor(status, message, field) {
    super(message);
    this.status = status;
    this.field = field;
  }
}

let onUnauthorized = () => {};
export function whenUnauthorized(fn) { onUnauthorized = fn; }

export async function api(method, path, body) {
  const headers = { Authorization: `Bearer ${token.get()}`, Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store' });
  } catch (e) {
    throw new ApiError(0, 'The controller cannot be reached; check your connection.', null);
  }
  const text = await res.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
  if (res.status === 401) onUnauthorized();
  if (!res.ok) {
    throw new ApiError(res.status, (data && data.error) || `HTTP ${res.status}`, data && data.field);
  }
  return data;
}

export const get = (path) => api('GET', path);

/** Path segment for an ip, range or allowlist value ("198.51.100.0/24" -> "198.51.100.0%2F24"). */
export const segment = (v) => encodeURIComponent(v);

/**
 * The console's live stream (server-sent events over fetch, which, unlike EventSource, can send
 * the Authorization header). Calls onEvent for each event object and onState('live' | 'down');
 * reconnects with backoff until stop() is called.
 */
export function stream(onEvent, onState) {
  let controller;
  let stopped = false;
  let delay = 1000;
  const run = async () => {
    while (!stopped) {
      controller = new AbortController();
      try {
        const res = await fetch('/api/v1/dashboard/stream', {
          headers: { Authorization: `Bearer ${token.get()}`, Accept: 'text/event-stream' },
          signal: controller.signal,
          cache: 'no-store',
        });
        if (res.status === 401) { onUnauthorized(); return; }
        if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
        onState('live');
        delay = 1000;
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let end;
          while ((end = buffer.search(/\r?\n\r?\n/)) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end).replace(/^\r?\n\r?\n/, '');
            const data = block.split(/\r?\n/).filter((l) => l.startsWith('data:'))
              .map((l) => l.slice(5).replace(/^ /, '')).join('\n');
            if (data) {
              try { onEvent(JSON.parse(data)); } catch { /* a partial or foreign line */ }
            }
          }
        }
      } catch (e) {
        if (stopped) return;
      }
      onState('down');
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 30000);
    }
  };
  run();
  return { stop: () => { stopped = true; if (controller) controller.abort(); } };
}
