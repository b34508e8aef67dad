// Allowlist (fail2ban's ignoreip): add and remove, with a warning when an entry would lift bans.
import { get, api, segment } from '../api.js';
import { h, render, when, number, table, toast, dialog, field, showErrors, clearErrors, debounce } from '../ui.js';

export default function allowlist(main) {
  const list = h('div');
  const value = h('input', { name: 'value', required: true, autocomplete: 'off', spellcheck: 'false' });
  const preview = h('div', { id: 'allow-preview', 'aria-live': 'polite' });
  const form = h('form', { class: 'card', id: 'allow-add', novalidate: true },
    h('h2', {}, 'Add an entry'),
    h('div', { class: 'row' },
      field('IP, CIDR or DNS name', value, 'e.g. 198.51.100.7, 198.51.100.0/24, sbc.example.net (re-resolved every 5 minutes)'),
      field('Note', h('input', { name: 'note', maxlength: 500, autocomplete: 'off' }))),
    preview,
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Add to allowlist')));

  async function check(v) {
    if (!v) { render(preview); return null; }
    try {
      const p = await get(`/api/v1/allowlist/preview?value=${encodeURIComponent(v)}`);
      if (value.value.trim() !== v) return p; // typed on meanwhile
      render(preview, describe(p));
      return p;
    } catch (e) {
      if (value.value.trim() === v) render(preview, h('p', { class: 'hint' }, e.message));
      return null;
    }
  }

  function describe(p) {
    if (p.exists) return h('p', { class: 'hint' }, `${p.value} is already on the allowlist.`);
    const what = p.kind === 'dns' ? `${p.value} (now ${p.networks.join(', ')})` : p.value;
    if (p.lifts === 0) return h('p', { class: 'hint' }, `${what}: lifts no active ban.`);
    return h('div', { class: 'banner warning', role: 'alert' },
      h('p', {}, h('strong', {}, `Adding ${what} lifts ${number(p.lifts)} active ban${p.lifts > 1 ? 's' : ''}`),
        `, and ${p.lifts > 1 ? 'none of these addresses' : 'this address'} can be banned again while it is listed: `,
        `${p.bans.join(', ')}${p.lifts > p.bans.length ? ', …' : ''}`));
  }

  value.addEventListener('input', debounce(() => check(value.value.trim()), 400));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const f = Object.fromEntries(new FormData(form));
    const v = f.value.trim();
    const p = await check(v);
    if (p && p.lifts > 0) {
      const ok = await dialog({ title: `Lift ${number(p.lifts)} active ban${p.lifts > 1 ? 's' : ''}?`, danger: true,
        confirm: `Add and lift ${number(p.lifts)} ban${p.lifts > 1 ? 's' : ''}`,
        body: h('p', {}, `${p.value} covers ${p.lifts > 1 ? 'these banned addresses' : 'this banned address'}: ${p.bans.join(', ')}${p.lifts > p.bans.length ? ', …' : ''}. Every node drops ${p.lifts > 1 ? 'them' : 'it'} at once.`) });
      if (!ok) return;
    }
    try {
      const added = await api('POST', '/api/v1/allowlist', { value: v, note: f.note.trim() || undefined });
      toast(`Added ${added.value}${added.lifted.length ? `; lifted ${added.lifted.length} ban${added.lifted.length > 1 ? 's' : ''}` : ''}.`);
      form.reset();
      render(preview);
      load();
    } catch (err) { showErrors(form, err); }
  });

  render(main, h('h1', {}, 'Allowlist'),
    h('p', { class: 'muted' }, 'Addresses never banned. Failures from them are still counted.'), form, list);

  async function load() {
    try {
      const { allowlist: entries } = await get('/api/v1/allowlist');
      render(list, table('Allowlist', ['Entry', 'Kind', 'Resolves to', 'Note', 'Added', 'By', 'Actions'],
        entries.map((e) => [h('span', { class: 'mono' }, e.value), e.kind, e.resolved ? e.resolved.join(', ') : '–',
          e.note || '', when(e.created), e.created_by || '–',
          h('button', { type: 'button', class: 'danger', 'aria-label': `Remove ${e.value}`, dataset: { key: `remove-${e.value}` },
            onclick: () => remove(e) }, 'Remove')]),
        'The allowlist is empty.'));
    } catch (e) {
      render(list, h('p', { class: 'error', role: 'alert' }, `Could not load the allowlist: ${e.message}`));
    }
  }

  async function remove(e) {
    const ok = await dialog({ title: `Remove ${e.value}?`, confirm: 'Remove', danger: true,
      body: h('p', {}, `${e.value} can be banned again from now on.`) });
    if (!ok) return;
    try {
      await api('DELETE', `/api/v1/allowlist/${segment(e.value)}`);
      toast(`Removed ${e.value}.`);
      load();
    } catch (err) { toast(err.message, 'error'); }
  }

  load();
  return { title: 'Allowlist', refresh: load, dispose: () => {} };
}
