// Bans: search and page through the active bans, read their evidence, unban, extend, ban by hand.
import { get, api, segment } from '../api.js';
import { h, render, when, number, table, toast, dialog, field, showErrors, clearErrors, debounce, duration } from '../ui.js';

const PAGE_SIZES = [25, 50, 100, 250];
const EXTEND_BY = [['1h', 3600], ['6h', 21600], ['1d', 86400], ['1w', 604800], ['30d', 2592000]];

export default function bans(main) {
  const state = { q: '', jail: '', limit: 50, offset: 0 };
  const results = h('div', { 'aria-live': 'polite', 'aria-busy': 'false' });
  const jailSelect = h('select', { name: 'jail' }, h('option', { value: '' }, 'All jails'));

  const search = h('form', { class: 'card filters', id: 'ban-search', role: 'search' },
    field('Search IP', h('input', { type: 'search', name: 'q', placeholder: '198.51.100.', autocomplete: 'off' })),
    field('Jail', jailSelect),
    field('Per page', h('select', { name: 'limit' }, PAGE_SIZES.map((n) => h('option', { value: n, selected: n === state.limit }, n)))),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Search')));
  const applySearch = () => {
    const f = new FormData(search);
    Object.assign(state, { q: f.get('q').trim(), jail: f.get('jail'), limit: Number(f.get('limit')), offset: 0 });
    load();
  };
  search.addEventListener('submit', (e) => { e.preventDefault(); applySearch(); });
  search.addEventListener('input', debounce(applySearch, 400));

  const banForm = h('form', { class: 'card', id: 'manual-ban' },
    h('h2', {}, 'Ban by hand'),
    h('div', { class: 'row' },
      field('IP or range', h('input', { name: 'ip', required: true, autocomplete: 'off', spellcheck: 'false' }),
        'An address, or a range up to /16 (IPv6 /48).'),
      field('Duration', h('input', { name: 'duration', value: '1h', required: true, list: 'durations', autocomplete: 'off' }),
        'e.g. 10m, 1h, 1d, 1w'),
      field('Reason', h('input', { name: 'reason', maxlength: 500, autocomplete: 'off' }))),
    h('datalist', { id: 'durations' }, ['10m', '1h', '6h', '1d', '1w', '30d'].map((d) => h('option', { value: d }))),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Ban')));
  banForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(banForm);
    const f = Object.fromEntries(new FormData(banForm));
    try {
      const r = await api('POST', '/api/v1/bans', { ip: f.ip.trim(), duration: f.duration.trim(), reason: f.reason.trim() || undefined });
      toast(`Banned ${r.ip} for ${duration(r.ttl)}.`);
      banForm.reset();
      load();
    } catch (err) { showErrors(banForm, err); }
  });

  render(main, h('h1', {}, 'Bans'), search, results, banForm);

  async function loadJails() {
    try {
      const { jails } = await get('/api/v1/jails');
      const names = [...jails.map((j) => j.name), 'manual'];
      render(jailSelect, h('option', { value: '' }, 'All jails'), names.map((n) => h('option', { value: n, selected: n === state.jail }, n)));
    } catch { /* the filter still works with "All jails" */ }
  }

  async function load() {
    results.setAttribute('aria-busy', 'true');
    const params = new URLSearchParams({ limit: state.limit, offset: state.offset });
    if (state.q) params.set('q', state.q);
    if (state.jail) params.set('jail', state.jail);
    try {
      const page = await get(`/api/v1/bans?${params}`);
      if (page.bans.length === 0 && state.offset > 0 && page.total > 0) {
        state.offset = Math.max(0, Math.floor((page.total - 1) / state.limit) * state.limit);
        return load();
      }
      render(results, summary(page), bansTable(page.bans), pager(page));
    } catch (e) {
      render(results, h('p', { class: 'error', role: 'alert' }, `Could not load bans: ${e.message}`));
    } finally {
      results.setAttribute('aria-busy', 'false');
    }
  }

  function summary(page) {
    const from = page.total === 0 ? 0 : state.offset + 1;
    const to = state.offset + page.bans.length;
    return h('p', { class: 'summary', id: 'ban-count' },
      page.total === 0 ? 'No active bans match.' : `Showing ${number(from)}–${number(to)} of ${number(page.total)} active bans`);
  }

  function bansTable(list) {
    return table('Active bans', ['IP', 'Jail', 'Reason', 'First seen', 'Last seen', 'Expires', 'Nodes', 'Evidence', 'Actions'],
      list.map((b) => {
        const ev = b.evidence || {};
        const nodes = Object.entries(ev.nodes || {});
        const samples = ev.samples || [];
        return [
          h('span', { class: 'mono' }, b.ip),
          b.jail,
          h('span', {}, b.reason, b.ban_count > 1 ? h('span', { class: 'muted' }, ` (ban ${b.ban_count})`) : null),
          when(ev.first || b.created),
          when(ev.last || b.created),
          when(b.expires),
          nodes.length ? h('ul', { class: 'plain' }, nodes.map(([n, kinds]) =>
            h('li', {}, n, h('span', { class: 'muted' }, ` ${Object.entries(kinds).map(([k, c]) => `${k} ${c}`).join(', ')}`))))
            : h('span', { class: 'muted' }, b.created_by ? `by ${b.created_by}` : '–'),
          samples.length ? h('details', { dataset: { key: `evidence-${b.ip}` } }, h('summary', {}, `${samples.length} log line${samples.length > 1 ? 's' : ''}`),
            h('pre', { class: 'evidence' }, samples.join('\n'))) : h('span', { class: 'muted' }, '–'),
          h('div', { class: 'buttons' },
            h('button', { type: 'button', class: 'secondary', 'aria-label': `Extend ban of ${b.ip}`, dataset: { key: `extend-${b.ip}` }, onclick: () => extend(b) }, 'Extend'),
            h('button', { type: 'button', class: 'danger', 'aria-label': `Unban ${b.ip}`, dataset: { key: `unban-${b.ip}` }, onclick: () => unban(b) }, 'Unban')),
        ];
      }), 'No active bans match.');
  }

  function pager(page) {
    const last = state.offset + state.limit >= page.total;
    const go = (offset) => { state.offset = Math.max(0, offset); load(); };
    return h('nav', { class: 'pager', 'aria-label': 'Pages of bans' },
      h('button', { type: 'button', class: 'secondary', disabled: state.offset === 0, onclick: () => go(state.offset - state.limit) }, 'Previous page'),
      h('span', {}, `Page ${number(Math.floor(state.offset / state.limit) + 1)} of ${number(Math.max(1, Math.ceil(page.total / state.limit)))}`),
      h('button', { type: 'button', class: 'secondary', disabled: last, onclick: () => go(state.offset + state.limit) }, 'Next page'));
  }

  async function unban(b) {
    const ok = await dialog({ title: `Unban ${b.ip}?`, confirm: 'Unban', danger: true,
      body: h('p', {}, `Every node drops its rule for ${b.ip} within a second. Failures from it are counted again from now.`) });
    if (!ok) return;
    try {
      await api('DELETE', `/api/v1/bans/${segment(b.ip)}`);
      toast(`Unbanned ${b.ip}.`);
      load();
    } catch (e) { toast(e.message, 'error'); }
  }

  async function extend(b) {
    const select = h('select', { name: 'by' }, EXTEND_BY.map(([label, s]) => h('option', { value: s }, label)));
    const values = await dialog({ title: `Extend the ban of ${b.ip}`, confirm: 'Extend',
      body: h('p', {}, `It expires in ${duration(b.ttl)}. Extending makes it a manual ban of the new length; the automatic ban and its evidence stay in the history.`),
      fields: field('Extend by', select) });
    if (!values) return;
    const reason = `${b.reason} (extended)`.slice(0, 500);
    try {
      const r = await api('POST', '/api/v1/bans', { ip: b.ip, duration: `${b.ttl + Number(values.by)}s`, reason });
      toast(`${r.ip} is banned for ${duration(r.ttl)} more.`);
      load();
    } catch (e) { toast(e.message, 'error'); }
  }

  loadJails();
  load();
  return { title: 'Bans', refresh: load, dispose: () => {} };
}
