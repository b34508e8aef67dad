// Jails: fail2ban's settings per jail, edited in place; the controller validates and names the field.
import { get, api, segment } from '../api.js';
import { h, render, toast, field, showErrors, clearErrors, duration } from '../ui.js';

const KINDS = ['auth-failure', 'unknown-user', 'auth-challenge'];

export default function jails(main) {
  const list = h('div', { class: 'grid' });
  const problem = h('p', { class: 'error', role: 'alert', hidden: true });
  render(main, h('h1', {}, 'Jails'),
    h('p', { class: 'muted' }, 'Changes apply to the next report, on every controller replica. Durations: 600, 10m, 1h, 1d, 1w.'),
    problem, list);
  let editing = false;

  async function load() {
    if (editing) return; // don't overwrite what someone is typing
    try {
      const { jails: all } = await get('/api/v1/jails');
      problem.hidden = true;
      render(list, all.map(jailForm));
    } catch (e) {
      problem.hidden = false;
      problem.textContent = `Could not load jails: ${e.message}`;
    }
  }

  function jailForm(j) {
    const id = `jail-${j.name}`;
    const text = (name, value, attrs = {}) => h('input', { name, value, autocomplete: 'off', spellcheck: 'false', ...attrs, dataset: { key: `${id}-${name}` } });
    const check = (name, checked) => h('input', { type: 'checkbox', name, checked, dataset: { key: `${id}-${name}` } });
    const form = h('form', { class: 'card jail', id, novalidate: true, 'aria-labelledby': `${id}-h` },
      h('h2', { id: `${id}-h`, tabindex: -1 }, j.name),
      h('div', { class: 'row' },
        field('maxretry', text('maxretry', j.maxretry, { inputmode: 'numeric' }), 'failures that ban'),
        field('findtime', text('findtime', duration(j.findtime)), 'counted within'),
        field('bantime', text('bantime', duration(j.bantime)), 'first ban lasts')),
      h('div', { class: 'row' },
        h('div', { class: 'field check' }, h('label', {}, check('bantime.increment', j['bantime.increment']), ' bantime.increment'),
          h('span', { class: 'hint' }, 'repeat offenders get bantime × factor × 2ⁿ')),
        field('bantime.factor', text('bantime.factor', j['bantime.factor'], { inputmode: 'decimal' })),
        field('bantime.maxtime', text('bantime.maxtime', duration(j['bantime.maxtime'])))),
      h('fieldset', { class: 'kinds' }, h('legend', {}, 'Counts these failures'),
        KINDS.map((k) => h('label', {}, h('input', { type: 'checkbox', name: 'kinds', value: k, checked: j.kinds.includes(k) }), ` ${k}`))),
      h('div', { class: 'actions' },
        h('label', { class: 'check' }, check('enabled', j.enabled), ' enabled'),
        h('button', { type: 'submit' }, `Save ${j.name}`)));
    form.addEventListener('input', () => { editing = true; });
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(form);
      const f = new FormData(form);
      const num = (v) => (/^\s*-?\d+(\.\d+)?\s*$/.test(v) ? Number(v) : v);
      const body = {
        maxretry: num(f.get('maxretry')),
        findtime: f.get('findtime').trim(),
        bantime: f.get('bantime').trim(),
        'bantime.increment': f.get('bantime.increment') === 'on',
        'bantime.factor': num(f.get('bantime.factor')),
        'bantime.maxtime': f.get('bantime.maxtime').trim(),
        enabled: f.get('enabled') === 'on',
        kinds: f.getAll('kinds'),
      };
      try {
        const saved = await api('PUT', `/api/v1/jails/${segment(j.name)}`, body);
        editing = false;
        toast(`Saved jail ${saved.name}.`);
        form.replaceWith(jailForm(saved));
        document.getElementById(`${id}-h`).focus();
      } catch (err) {
        showErrors(form, err);
      }
    });
    return form;
  }

  load();
  return { title: 'Jails', refresh: load, dispose: () => {} };
}
