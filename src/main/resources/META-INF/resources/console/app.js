// The Fleetban console: sign-in, the hash router, and the live stream that keeps views fresh.
import { token, get, whenUnauthorized, stream, ApiError } from './api.js';
import { h, render, field } from './ui.js';
import overview from './views/overview.js';
import bans from './views/bans.js';
import jails from './views/jails.js';
import allowlist from './views/allowlist.js';
import audit from './views/audit.js';

const VIEWS = { overview, bans, jails, allowlist, audit };
const REFRESH_MS = 3000;
const main = document.getElementById('main');
const header = document.querySelector('header.top');
const liveEl = document.getElementById('live');

let view = null;
let live = null;
let signedIn = false;

function signInForm(message) {
  header.hidden = true;
  document.title = 'Sign in · Fleetban';
  const input = h('input', { type: 'password', name: 'token', autocomplete: 'off', required: true, spellcheck: 'false' });
  const error = h('p', { class: 'error', role: 'alert', hidden: !message }, message || '');
  const form = h('form', { class: 'card login', id: 'login' },
    h('h1', { tabindex: -1 }, 'Fleetban'),
    h('p', {}, 'Sign in with an admin token: FLEETBAN_ADMIN_TOKEN, or the one ./fleetban up printed.'),
    field('Admin token', input),
    error,
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Sign in')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    token.set(input.value.trim());
    try {
      await get('/api/v1/dashboard/overview');
      input.value = '';
      start();
    } catch (err) {
      token.clear();
      error.hidden = false;
      error.textContent = err instanceof ApiError && err.status === 403
        ? 'That token is not an admin token.'
        : err.status === 401 ? 'That token was not accepted.' : err.message;
      input.focus();
    }
  });
  render(main, form);
  input.focus();
}

function start() {
  signedIn = true;
  header.hidden = false;
  // At most one refresh every few seconds: during a ban storm events arrive many times a second.
  let pending = null;
  let last = 0;
  const refresh = () => {
    if (pending) return;
    pending = setTimeout(() => {
      pending = null;
      last = Date.now();
      if (view) view.refresh();
    }, Math.max(300, last + REFRESH_MS - Date.now()));
  };
  live = stream((event) => {
    if (event.type === 'bans' || event.type === 'changed') refresh();
  }, (state) => {
    liveEl.textContent = state === 'live' ? 'Live' : 'Reconnecting…';
    liveEl.dataset.state = state;
  });
  if (!location.hash || location.hash === '#' || location.hash === '#/') location.hash = '#/overview';
  else route();
}

function signOut(message) {
  signedIn = false;
  if (live) live.stop();
  live = null;
  token.clear();
  if (view) view.dispose();
  view = null;
  history.replaceState(null, '', location.pathname);
  signInForm(message);
}

function route() {
  if (!token.get()) return;
  const name = (location.hash.match(/^#\/([a-z]+)/) || [])[1];
  const mount = VIEWS[name] || VIEWS.overview;
  for (const a of document.querySelectorAll('nav a')) {
    if (a.getAttribute('href') === `#/${name}`) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  if (view) view.dispose();
  view = mount(main);
  document.title = `${view.title} · Fleetban`;
  const heading = main.querySelector('h1');
  if (heading) { heading.tabIndex = -1; heading.focus(); }
}

whenUnauthorized(() => { if (signedIn) signOut('Your token was refused (revoked or expired). Sign in again.'); });
window.addEventListener('hashchange', route);
document.getElementById('logout').addEventListener('click', () => signOut('Signed out.'));

if (token.get()) start();
else signInForm();
