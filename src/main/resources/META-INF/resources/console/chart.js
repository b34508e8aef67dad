// Failures per minute as stacked SVG bars, with the same numbers as a table for screen readers.
import { h, number, table } from './ui.js';

const SVG = 'http://www.w3.org/2000/svg';
const H = 220;
const PAD = { left: 44, right: 8, top: 10, bottom: 24 };

function s(tag, attrs, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, String(v));
  for (const c of children) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

/** A round axis maximum with four whole-number steps: 24 -> 40, 130 -> 200. */
function niceMax(v) {
  const raw = Math.max(1, v / 4);
  const p = 10 ** Math.floor(Math.log10(raw));
  return 4 * [1, 2, 5, 10].map((m) => m * p).find((m) => m >= raw);
}

const clock = (iso) => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

/**
 * series: {"kinds":[...],"points":[{"minute":"…","auth-failure":3,…}]}; width: the pixels it gets,
 * so its labels stay readable on a phone.
 */
export function failureChart(series, width) {
  const W = Math.max(300, Math.round(width || 720));
  const { kinds, points } = series;
  const totals = points.map((p) => kinds.reduce((a, k) => a + p[k], 0));
  const sum = totals.reduce((a, b) => a + b, 0);
  const peak = Math.max(0, ...totals);
  const peakAt = peak > 0 ? clock(points[totals.indexOf(peak)].minute) : null;
  const max = niceMax(peak);
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const bw = plotW / points.length;
  const y = (v) => PAD.top + plotH - (v / max) * plotH;

  const summary = sum === 0 ? 'No failures in the last hour.'
    : `${number(sum)} failures in the last hour; the busiest minute was ${peakAt} with ${number(peak)}.`;
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-labelledby': 'chart-title chart-desc', class: 'chart' },
    s('title', { id: 'chart-title' }, 'Failures per minute, last hour'),
    s('desc', { id: 'chart-desc' }, summary));
  for (let i = 0; i <= 4; i++) {
    const v = (max / 4) * i;
    svg.append(s('line', { x1: PAD.left, x2: W - PAD.right, y1: y(v), y2: y(v), class: 'grid' }),
      s('text', { x: PAD.left - 6, y: y(v) + 4, class: 'axis', 'text-anchor': 'end' }, number(v)));
  }
  points.forEach((p, i) => {
    const g = s('g', {}, s('title', {}, `${clock(p.minute)}: ${kinds.map((k) => `${k} ${p[k]}`).join(', ')}`));
    let base = 0;
    kinds.forEach((k, ki) => {
      if (p[k] > 0) {
        g.append(s('rect', { x: PAD.left + i * bw + 1, width: Math.max(1, bw - 2), y: y(base + p[k]),
          height: y(base) - y(base + p[k]), class: `k${ki}` }));
      }
      base += p[k];
    });
    svg.append(g);
    if ((points.length - 1 - i) % (W < 500 ? 20 : 10) === 0) {
      const anchor = i === points.length - 1 ? 'end' : i === 0 ? 'start' : 'middle';
      svg.append(s('text', { x: PAD.left + i * bw + (anchor === 'end' ? bw : anchor === 'start' ? 0 : bw / 2), y: H - 6,
        class: 'axis', 'text-anchor': anchor }, clock(p.minute)));
    }
  });

  const legend = h('ul', { class: 'legend' }, kinds.map((k, ki) => h('li', {}, h('span', { class: `swatch k${ki}`, 'aria-hidden': 'true' }), k)));
  const rows = points.filter((p, i) => totals[i] > 0).map((p) => [clock(p.minute), ...kinds.map((k) => number(p[k]))]);
  return h('figure', { class: 'chart-figure' },
    svg,
    h('figcaption', {}, legend, h('p', { class: 'summary', dataset: { total: sum } }, summary)),
    h('details', { dataset: { key: 'chart-table' } }, h('summary', {}, 'Show as a table'),
      table('Failures per minute (minutes with failures)', ['Minute', ...kinds], rows, 'No failures in the last hour.')));
}
