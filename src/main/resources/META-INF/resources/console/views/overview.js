// Overview: bans per jail, failures per minute, top offenders, and the nodes' health.
import { get, api } from '../api.js';
import { h, render, when, number, table, toast, dialog } from '../ui.js';
import { failureChart } from '../chart.js';

const SILENT_SECONDS = 60;

export default function overview(main) {
  const breaker = h('div');
  const jails = h('section', { class: 'card', 'aria-labelledby': 'jails-h' });
  const chart = h('section', { class: 'card wide', 'aria-labelledby': 'chart-h' });
  const ips = h('section', { class: 'card wide', 'aria-labelledby': 'ips-h' });
  const nets = h('section', { class: 'card', 'aria-labelledby': 'nets-h' });
  const nodes = h('section', { class: 'card full', 'aria-labelledby': 'nodes-h' });
  const problem = h('p', { class: 'error', role: 'alert', hidden: true });
  render(main, h('h1', {}, 'Overview'), problem, breaker,
    h('div', { class: 'grid' }, jails, chart, ips, nets, nodes));

  async function load() {
    try {
      const [ov, failures, top, nodeList] = await Promise.all([get('/api/v1/dashboard/overview'),
        get('/api/v1/dashboard/failures?minutes=60'), get('/api/v1/dashboard/offenders?hours=24&limit=10'),
        get('/api/v1/nodes')]);
      problem.hidden = true;
      renderBreaker(ov.breaker);
      render(jails, h('h2', { id: 'jails-h' }, 'Active bans'),
        h('p', { class: 'big', id: 'active-total' }, number(ov.active_bans)),
        table('Active bans per jail', ['Jail', 'Active bans', 'Enabled'],
          ov.jails.map((j) => [j.name, h('span', { dataset: { jail: j.name } }, number(j.active_bans)), j.enabled ? 'yes' : 'no'])));
      render(chart, h('h2', { id: 'chart-h' }, 'Failures per minute'), failureChart(failures, chart.clientWidth - 32));
      render(ips, h('h2', { id: 'ips-h' }, 'Top offending IPs (24 h)'),
        table('IPs with the most failures that led to a ban', ['IP', 'Failures', 'Bans', 'Jails', 'Banned now'],
          top.ips.map((o) => [o.ip, number(o.failures), number(o.bans), o.jails.join(', '), o.active ? 'yes' : 'no']),
          'No automatic bans in the last 24 hours.'));
      render(nets, h('h2', { id: 'nets-h' }, 'Top offending networks (24 h)'),
        table('/24 networks (IPv6: /64) with the most banned IPs', ['Network', 'IPs', 'Bans', 'Failures'],
          top.networks.map((n) => [n.network, number(n.ips), number(n.bans), number(n.failures)]),
          'No automatic bans in the last 24 hours.'));
      renderNodes(nodeList.nodes);
    } catch (e) {
      problem.hidden = false;
      problem.textContent = `Could not load the overview: ${e.message}`;
    }
  }

  function renderBreaker(b) {
    if (!b || !b.tripped) { render(breaker); return; }
    render(breaker, h('div', { class: 'banner danger', role: 'alert' },
      h('p', {}, h('strong', {}, 'Ban-storm breaker tripped: '), b.reason || '',
        `. ${number(b.held)} automatic bans are held, not enforced.`),
      h('button', { type: 'button', class: 'danger', onclick: confirmBreaker }, 'Review done: resume automatic bans')));
  }

  async function confirmBreaker() {
    const ok = await dialog({ title: 'Resume automatic bans?', confirm: 'Resume', danger: true,
      body: h('p', {}, 'Held bans stay held; new automatic bans are enforced again from now on.') });
    if (!ok) return;
    try {
      await api('POST', '/api/v1/breaker/confirm');
      toast('Automatic bans resumed.');
      load();
    } catch (e) { toast(e.message, 'error'); }
  }

  function renderNodes(list) {
    const now = Date.now();
    const rows = list.map((n) => {
      const seen = Math.max(n.last_report ? Date.parse(n.last_report) : 0, n.last_poll ? Date.parse(n.last_poll) : 0);
      const silent = !seen || (now - seen) / 1000 > SILENT_SECONDS;
      const state = h('span', { class: silent ? 'state bad' : 'state good', dataset: { node: n.name } },
        h('span', { class: 'dot', 'aria-hidden': 'true' }), silent ? (seen ? 'silent' : 'never seen') : 'ok');
      return [n.name, state, when(n.last_report), when(n.last_poll),
        n.cursor_lag === null || n.cursor_lag === undefined ? '–' : number(n.cursor_lag), n.address || '–'];
    });
    const silentCount = rows.filter((r) => r[1].classList.contains('bad')).length;
    render(nodes, h('h2', { id: 'nodes-h' }, 'Nodes'),
      h('p', {}, `${number(list.length)} node${list.length === 1 ? '' : 's'}`, silentCount ? `, ${number(silentCount)} silent for more than ${SILENT_SECONDS} s` : ', all reporting'),
      table('Nodes: last report, last poll and cursor lag', ['Node', 'Status', 'Last report', 'Last poll', 'Cursor lag', 'Address'],
        rows, 'No nodes yet: register one with POST /api/v1/nodes.'));
  }

  load();
  const timer = setInterval(load, 10000);
  return { title: 'Overview', refresh: load, dispose: () => clearInterval(timer) };
}
