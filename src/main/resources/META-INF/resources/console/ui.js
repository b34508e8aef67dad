// DOM helpers. Everything the controller returns (log lines above all) is attacker-controlled
// text: it only ever enters the page as text nodes, never as HTML.

/** h('a', {href: '#', class: 'x', onclick: fn}, 'text', child, [children]) */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/**
 * Replaces a container's content. Live updates must not yank things away from the operator:
 * keyboard focus and opened <details> stay with the elements of the same data-key.
 */
export function render(container, ...children) {
  const key = document.activeElement && container.contains(document.activeElement)
    ? document.activeElement.dataset.key : undefined;
  const open = [...container.querySelectorAll('details[open][data-key]')].map((d) => d.dataset.key);
  container.replaceChildren();
  append(container, children);
  const find = (k) => container.querySelector(`[data-key="${CSS.escape(k)}"]`);
  open.forEach((k) => { const d = find(k); if (d) d.open = true; });
  if (key) {
    const again = find(key);
    if (again) again.focus();
  }
}

const UNITS = [[86400, 'd'], [3600, 'h'], [60, 'm'], [1, 's']];

/** 6000 -> "1h40m", as the controller writes durations. */
export function duration(seconds) {
  let s = Math.round(Number(seconds));
  if (!(s > 0)) return '0s';
  let out = '';
  for (const [n, u] of UNITS) {
    if (s >= n) { out += Math.floor(s / n) + u; s %= n; }
  }
  return out;
}

/** "3m ago" / "in 2h" with the exact time on hover and for assistive technology. */
export function when(iso) {
  if (!iso) return h('span', { class: 'muted' }, 'never');
  const t = new Date(iso);
  const secs = Math.round((t.getTime() - Date.now()) / 1000);
  const rel = Math.abs(secs) < 5 ? 'now' : secs < 0 ? `${duration(-secs)} ago` : `in ${duration(secs)}`;
  return h('time', { datetime: t.toISOString(), title: t.toLocaleString() }, rel);
}

export function number(n) {
  return Number(n || 0).toLocaleString('en');
}

let toastTimer;
/** A short message in the polite live region. */
export function toast(message, kind = 'ok') {
  const el = document.getElementById('toast');
  el.textContent = message;
  el.dataset.kind = kind;
  el.classList.add('shown');
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => el.classList.remove('shown'), 6000);
}

/**
 * A modal dialog (native <dialog>: focus moves in, Escape closes, focus returns to the opener).
 * Resolves with the form's values when confirmed, null when cancelled.
 */
export function dialog({ title, body, confirm, danger = false, fields = [] }) {
  return new Promise((resolve) => {
    const opener = document.activeElement;
    const form = h('form', { method: 'dialog' },
      h('h2', { id: 'dialog-title' }, title),
      body,
      fields,
      h('div', { class: 'actions' },
        h('button', { type: 'submit', value: 'ok', class: danger ? 'danger' : null }, confirm),
        h('button', { type: 'button', class: 'secondary', onclick: () => dlg.close('cancel') }, 'Cancel')));
    const dlg = h('dialog', { 'aria-labelledby': 'dialog-title' }, form);
    dlg.addEventListener('close', () => {
      const values = dlg.returnValue === 'ok' ? Object.fromEntries(new FormData(form)) : null;
      dlg.remove();
      if (opener && opener.isConnected) opener.focus();
      resolve(values);
    });
    document.body.append(dlg);
    dlg.showModal();
  });
}

/** Shows the API's {"error","field"} next to the field it names, or at the form's top. */
export function showErrors(form, error) {
  clearErrors(form);
  const input = error.field ? form.querySelector(`[name="${CSS.escape(error.field)}"]`) : null;
  const msg = h('p', { class: 'error', id: `${form.id}-error`, role: 'alert' }, error.message);
  if (input) {
    input.setAttribute('aria-invalid', 'true');
    input.setAttribute('aria-describedby', msg.id);
    (input.closest('.field') || input.parentElement).append(msg);
    input.focus();
  } else {
    form.prepend(msg);
  }
}

export function clearErrors(form) {
  form.querySelectorAll('.error').forEach((e) => e.remove());
  form.querySelectorAll('[aria-invalid]').forEach((e) => {
    e.removeAttribute('aria-invalid');
    e.removeAttribute('aria-describedby');
  });
}

/** A labelled form control in a .field wrapper. */
export function field(label, control, hint) {
  const id = control.id || (control.id = `f-${Math.random().toString(36).slice(2, 9)}`);
  const hintEl = hint ? h('span', { class: 'hint', id: `${id}-hint` }, hint) : null;
  if (hintEl) control.setAttribute('aria-describedby', hintEl.id);
  return h('div', { class: 'field' }, h('label', { for: id }, label), control, hintEl);
}

/** A table with a caption and column headers; rows are arrays of cells (nodes or text). */
export function table(caption, headers, rows, empty = 'Nothing here.') {
  return h('div', { class: 'table-wrap', role: 'region', 'aria-label': caption, tabindex: 0 },
    h('table', {},
      h('caption', {}, caption),
      h('thead', {}, h('tr', {}, headers.map((x) => h('th', { scope: 'col' }, x)))),
      h('tbody', {}, rows.length
        ? rows.map((r) => h('tr', {}, r.map((c, i) => (i === 0 ? h('th', { scope: 'row' }, c) : h('td', {}, c)))))
        : h('tr', {}, h('td', { colspan: headers.length, class: 'muted' }, empty)))));
}

export function debounce(fn, ms) {
  let t;
  return (...args) => { clearTimeout(t); t = setTimeout(() => fn(...args), ms); };
}
