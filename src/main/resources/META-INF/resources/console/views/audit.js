// Audit: who did what through the admin API, newest first.
import { get } from '../api.js';
import { h, render, when, number, table, field, debounce } from '../ui.js';

const ACTIONS = [['', 'Everything'], ['ban', 'Manual bans'], ['unban', 'Unbans'], ['jail.', 'Jail changes'],
  ['allowlist.', 'Allowlist changes'], ['node.', 'Nodes and tokens'], ['breaker.confirm', 'Breaker confirmed']];
const LIMIT = 50;

export default function audit(main) {
  const state = { action: '', actor: '', q: '', offset: 0 };
  const results = h('div', { 'aria-live': 'polite' });
  const filters = h('form', { class: 'card filters', id: 'audit-filter', role: 'search' },
    field('Action', h('select', { name: 'action' }, ACTIONS.map(([v, label]) => h('option', { value: v }, label)))),
    field('Who', h('input', { name: 'actor', autocomplete: 'off', placeholder: 'token name' })),
    field('Target', h('input', { type: 'search', name: 'q', autocomplete: 'off', placeholder: 'ip, jail, node…' })),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Filter')));
  const apply = () => {
    const f = new FormData(filters);
    Object.assign(state, { action: f.get('action'), actor: f.get('actor').trim(), q: f.get('q').trim(), offset: 0 });
    load();
  };
  filters.addEventListener('submit', (e) => { e.preventDefault(); apply(); });
  filters.addEventListener('input', debounce(apply, 400));
  render(main, h('h1', {}, 'Audit trail'), filters, results);

  async function load() {
    const params = new URLSearchParams({ limit: LIMIT, offset: state.offset });
    for (const k of ['action', 'actor', 'q']) if (state[k]) params.set(k, state[k]);
    try {
      const page = await get(`/api/v1/audit?${params}`);
      const go = (offset) => { state.offset = Math.max(0, offset); load(); };
      render(results,
        table('Audit trail, newest first', ['When', 'Who', 'Action', 'Target', 'Details', 'From'],
          page.entries.map((e) => [when(e.at), e.actor, h('code', {}, e.action), e.target || '–',
            details(e.details), e.address || '–']), 'Nothing recorded yet.'),
        h('nav', { class: 'pager', 'aria-label': 'Pages of the audit trail' },
          h('button', { type: 'button', class: 'secondary', disabled: state.offset === 0, onclick: () => go(state.offset - LIMIT) }, 'Newer'),
          h('span', {}, `${number(page.total)} entries`),
          h('button', { type: 'button', class: 'secondary', disabled: state.offset + LIMIT >= page.total, onclick: () => go(state.offset + LIMIT) }, 'Older')));
    } catch (e) {
      render(results, h('p', { class: 'error', role: 'alert' }, `Could not load the audit trail: ${e.message}`));
    }
  }

  function details(d) {
    const entries = Object.entries(d || {}).filter(([, v]) => v !== null && v !== undefined);
    if (!entries.length) return '–';
    return h('dl', { class: 'details' }, entries.map(([k, v]) => [h('dt', {}, k), h('dd', {}, typeof v === 'object' ? JSON.stringify(v) : String(v))]));
  }

  load();
  return { title: 'Audit', refresh: () => { if (state.offset === 0) load(); }, dispose: () => {} };
}
