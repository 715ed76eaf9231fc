
'use strict';
const MT = { errors: [] };
MT.record = function (message) {
  MT.errors.push(String(message));
  document.documentElement.setAttribute('data-errors', String(MT.errors.length));
  const box = document.getElementById('js-errors');
  if (box) { box.hidden = false; box.textContent += String(message) + '\n'; }
};
window.addEventListener('error', function (e) { MT.record('error: ' + e.message + ' (line ' + e.lineno + ')'); });
window.addEventListener('unhandledrejection', function (e) { MT.record('unhandled rejection: ' + e.reason); });
(function () {
  const original = console.error;
  console.error = function () {
    MT.record('console.error: ' + Array.prototype.map.call(arguments, String).join(' '));
    original.apply(console, arguments);
  };
})();
document.documentElement.setAttribute('data-errors', '0');

const SVGNS = 'http://www.w3.org/2000/svg';
// el('div', {class: 'x', onclick: fn}, child, 'text', ...)
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  setAttrs(node, attrs);
  appendAll(node, children);
  return node;
}
function sv(tag, attrs, ...children) {
  const node = document.createElementNS(SVGNS, tag);
  setAttrs(node, attrs);
  appendAll(node, children);
  return node;
}
function setAttrs(node, attrs) {
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') node.addEventListener(k.slice(2), v);
    else if (k === 'text') node.textContent = v;
    // Through the CSSOM, not the style attribute: `mtbench serve` sends a Content-Security-Policy
    // without 'unsafe-inline', which blocks style attributes but not CSSOM changes.
    else if (k === 'style') node.style.cssText = String(v);
    else node.setAttribute(k, v === true ? '' : String(v));
  }
}
function appendAll(node, children) {
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    node.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}
function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); return node; }
function fmt(x, digits) {
  if (x === undefined || x === null || !isFinite(x)) return '\u2013';
  return Number(x).toFixed(digits === undefined ? 1 : digits);
}
function fmtBytes(b) {
  if (!b) return '\u2013';
  const u = [['GB', 1e9], ['MB', 1e6], ['KB', 1e3]];
  for (const [n, s] of u) if (b >= s) return (b / s).toFixed(1) + ' ' + n;
  return b + ' B';
}
function fmtCount(c) {
  if (c === undefined || c === null) return '\u2013';
  if (c >= 1e9) return (c / 1e9).toFixed(2) + ' B';
  if (c >= 1e6) return (c / 1e6).toFixed(1) + ' M';
  if (c >= 1e3) return (c / 1e3).toFixed(1) + ' K';
  return String(c);
}
function fmtDuration(s) {
  if (s === undefined || s === null) return '\u2013';
  if (s < 60) return s.toFixed(1) + ' s';
  const t = Math.round(s);
  if (t < 3600) return Math.floor(t / 60) + ' min ' + String(t % 60).padStart(2, '0') + ' s';
  return Math.floor(t / 3600) + ' h ' + String(Math.floor((t % 3600) / 60)).padStart(2, '0') + ' min';
}
// Colour-blind-safe palette (Okabe & Ito 2008), then Tableau's.
const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#D55E00', '#56B4E9', '#8c564b', '#7f7f7f',
                 '#bcbd22', '#17becf', '#4e79a7', '#f28e2b'];
MT.colorOf = {};
function colorFor(label) {
  if (!(label in MT.colorOf)) MT.colorOf[label] = PALETTE[Object.keys(MT.colorOf).length % PALETTE.length];
  return MT.colorOf[label];
}
// Legend of system labels (their colours), or of [label, colour] pairs.
function legend(labels) {
  return el('div', { class: 'small' }, labels.map(l => el('span', { class: 'legend-item' },
    el('span', { class: 'swatch', style: 'background:' + (Array.isArray(l) ? l[1] : colorFor(l)) }), Array.isArray(l) ? l[0] : l)));
}
function niceTicks(lo, hi, count) {
  if (!(hi > lo)) { hi = lo + 1; }
  const span = hi - lo, raw = span / Math.max(1, count), mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 2.5, 5, 10].map(m => m * mag).find(s => span / s <= count) || raw;
  const ticks = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) ticks.push(+v.toFixed(10));
  return ticks;
}
// Line chart. opts: {series: [{name, color, points: [[x, y], ...]}], categories (x labels for
// categorical x), xTitle, yTitle, width, height, logX, yMin, yMax, title}.
function lineChart(opts) {
  const W = opts.width || 560, H = opts.height || 300, m = { l: 56, r: 16, t: opts.title ? 28 : 12, b: 48 };
  const svg = sv('svg', { width: W, height: H, viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': opts.title || opts.yTitle });
  const all = opts.series.flatMap(s => s.points.filter(p => p[1] !== null && p[1] !== undefined && isFinite(p[1])));
  if (!all.length) { svg.appendChild(sv('text', { x: W / 2, y: H / 2, 'text-anchor': 'middle', text: 'no data' })); return svg; }
  const cat = opts.categories;
  const tx = opts.logX ? Math.log10 : (x => x);
  let xs = cat ? [0, Math.max(1, cat.length - 1)] : [Math.min(...all.map(p => tx(p[0]))), Math.max(...all.map(p => tx(p[0])))];
  if (xs[0] === xs[1]) xs = [xs[0] - 1, xs[1] + 1];
  let y0 = opts.yMin !== undefined ? opts.yMin : Math.min(...all.map(p => p[1]));
  let y1 = opts.yMax !== undefined ? opts.yMax : Math.max(...all.map(p => p[1]));
  if (opts.yMin === undefined) y0 = Math.min(y0, 0) < 0 ? y0 : Math.max(0, y0 - (y1 - y0) * 0.1);
  if (y1 === y0) y1 = y0 + 1;
  const yt = niceTicks(y0, y1 + (y1 - y0) * 0.05, 5); y0 = Math.min(y0, yt[0]); y1 = Math.max(y1, yt[yt.length - 1]);
  const pad = cat ? 0.5 : 0;
  const X = x => m.l + (tx(x) - xs[0] + pad) / (xs[1] - xs[0] + 2 * pad) * (W - m.l - m.r);
  const Y = y => H - m.b - (y - y0) / (y1 - y0) * (H - m.t - m.b);
  if (opts.title) svg.appendChild(sv('text', { x: m.l, y: 16, 'font-weight': 600, 'font-size': 13, text: opts.title }));
  const grid = sv('g', { class: 'grid' }), axis = sv('g', { class: 'axis', 'font-size': 11 });
  for (const t of yt) {
    grid.appendChild(sv('line', { x1: m.l, x2: W - m.r, y1: Y(t), y2: Y(t) }));
    axis.appendChild(sv('text', { x: m.l - 6, y: Y(t) + 4, 'text-anchor': 'end', text: +t.toFixed(3) }));
  }
  let xticks;
  if (cat) xticks = cat.map((c, i) => [i, c]);
  else if (opts.logX) xticks = all.map(p => p[0]).filter((v, i, a) => a.indexOf(v) === i).sort((a, b) => a - b).map(v => [v, fmtCount(v)]);
  else xticks = niceTicks(xs[0], xs[1], 6).map(v => [v, v >= 1000 && v % 1000 ? String(v) : fmtCount(v)]);
  for (const [v, label] of xticks) {
    const x = cat ? m.l + (v + pad) / (xs[1] - xs[0] + 2 * pad) * (W - m.l - m.r) : X(v);
    axis.appendChild(sv('line', { x1: x, x2: x, y1: H - m.b, y2: H - m.b + 4 }));
    axis.appendChild(sv('text', { x: x, y: H - m.b + 16, 'text-anchor': 'middle', text: label }));
  }
  axis.appendChild(sv('line', { x1: m.l, x2: W - m.r, y1: H - m.b, y2: H - m.b }));
  axis.appendChild(sv('line', { x1: m.l, x2: m.l, y1: m.t, y2: H - m.b }));
  axis.appendChild(sv('text', { x: (m.l + W - m.r) / 2, y: H - 8, 'text-anchor': 'middle', 'font-size': 12, text: opts.xTitle || '' }));
  axis.appendChild(sv('text', { x: 14, y: (m.t + H - m.b) / 2, 'text-anchor': 'middle', 'font-size': 12,
    transform: `rotate(-90 14 ${(m.t + H - m.b) / 2})`, text: opts.yTitle || '' }));
  svg.appendChild(grid); svg.appendChild(axis);
  for (const s of opts.series) {
    const pts = s.points.filter(p => p[1] !== null && p[1] !== undefined && isFinite(p[1]));
    const px = p => cat ? m.l + (p[0] + pad) / (xs[1] - xs[0] + 2 * pad) * (W - m.l - m.r) : X(p[0]);
    if (pts.length > 1) svg.appendChild(sv('polyline', { points: pts.map(p => px(p) + ',' + Y(p[1])).join(' '),
      fill: 'none', stroke: s.color, 'stroke-width': 2, 'stroke-dasharray': s.dash || null }));
    // Intervals (p[2] = [low, high]) as error bars.
    for (const p of pts) if (Array.isArray(p[2])) svg.appendChild(sv('line', { x1: px(p), x2: px(p), y1: Y(p[2][0]), y2: Y(p[2][1]),
      stroke: s.color, 'stroke-width': 1.2, opacity: 0.7 }));
    if (pts.length <= 60) for (const p of pts) svg.appendChild(sv('circle', { cx: px(p), cy: Y(p[1]), r: 3.2, fill: s.color },
      sv('title', { text: s.name + ': ' + fmt(p[1], 2) + (Array.isArray(p[2]) ? ` [${fmt(p[2][0])}\u2013${fmt(p[2][1])}]` : '') })));
  }
  return withData(svg, ['series', opts.xTitle || 'x', opts.yTitle || 'y', 'low', 'high'], opts.series.flatMap(s => s.points
    .filter(p => p[1] !== null && p[1] !== undefined).map(p => [s.name, cat ? cat[p[0]] : p[0], p[1],
      Array.isArray(p[2]) ? p[2][0] : '', Array.isArray(p[2]) ? p[2][1] : ''])));
}

// Figure export (SVG, PNG, CSV) for every chart: charts keep their data on the element.
function withData(svg, header, rows) { svg.mtbenchData = [header].concat(rows); return svg; }
function csvText(rows) {
  const cell = c => { const v = c === undefined || c === null ? '' : String(c); return /[",\n]/.test(v) ? '"' + v.replace(/"/g, '""') + '"' : v; };
  return rows.map(r => r.map(cell).join(',')).join('\n') + '\n';
}
function svgText(svg) {
  const c = svg.cloneNode(true);
  c.setAttribute('xmlns', SVGNS);
  c.setAttribute('font-family', 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif');
  return '<?xml version="1.0" encoding="UTF-8"?>\n' + new XMLSerializer().serializeToString(c);
}
function download(name, blob) {
  const a = el('a', { href: URL.createObjectURL(blob), download: name, style: 'display:none' });
  document.body.appendChild(a); a.click();
  setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 2000);
}
function svgToPng(svg, name) {
  const w = +svg.getAttribute('width') || 600, h = +svg.getAttribute('height') || 400, img = new Image();
  img.onload = () => {
    const canvas = document.createElement('canvas'); canvas.width = w * 2; canvas.height = h * 2;
    const g = canvas.getContext('2d'); g.fillStyle = '#fff'; g.fillRect(0, 0, canvas.width, canvas.height); g.scale(2, 2); g.drawImage(img, 0, 0);
    canvas.toBlob(b => download(name + '.png', b), 'image/png');
  };
  img.src = 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(svgText(svg));
}
// One toolbar under every chart of a section (charts: top-level SVGs wider than 120 px).
// Labels centred on a point or anchored at an axis end can stick out of their figure and be
// cut (the first landmark of the timeline, the last tick of an axis): every text of every
// visible figure is moved back inside it. Measured in screen pixels (ancestor transforms
// included) and moved in the figure's own units; rotated texts are left alone. Runs after
// rendering and after every redraw; reads all boxes first, then writes (one layout).
function fitLabels(root) {
  const moves = [];
  for (const svg of (root || document).querySelectorAll('section.card svg')) {
    const outer = svg.getBoundingClientRect();
    if (!outer.width) continue;
    const vb = svg.viewBox && svg.viewBox.baseVal;
    const scale = vb && vb.width ? vb.width / outer.width : 1;
    for (const t of svg.querySelectorAll('text')) {
      if (t.getAttribute('transform') || !t.hasAttribute('x') || /[\s,]/.test(t.getAttribute('x').trim())) continue;
      const r = t.getBoundingClientRect();
      if (!r.width || r.width > outer.width - 2) continue;
      let shift = 0;
      if (r.left < outer.left + 1) shift = outer.left + 1 - r.left;
      else if (r.right > outer.right - 1) shift = outer.right - 1 - r.right;
      if (shift) moves.push([t, shift * scale]);
    }
  }
  for (const [t, dx] of moves) t.setAttribute('x', (parseFloat(t.getAttribute('x')) + dx).toFixed(1));
}

function addExportButtons(root) {
  for (const section of (root || document).querySelectorAll('section.card')) {
    let n = 0;
    for (const svg of section.querySelectorAll('.body svg')) {
      if (svg.parentNode.closest('svg') || (+svg.getAttribute('width') || 0) < 120) continue;
      n++;
      if (svg.nextSibling && svg.nextSibling.classList && svg.nextSibling.classList.contains('export')) continue;
      const name = 'mtbench-' + section.id + '-' + n;
      const bar = el('div', { class: 'export no-print', 'data-figure': name }, 'Export: ',
        el('button', { type: 'button', class: 'export-svg', onclick: () => download(name + '.svg', new Blob([svgText(svg)], { type: 'image/svg+xml' })) }, 'SVG'),
        el('button', { type: 'button', class: 'export-png', onclick: () => svgToPng(svg, name) }, 'PNG'),
        svg.mtbenchData ? el('button', { type: 'button', class: 'export-csv', onclick: () => download(name + '.csv', new Blob([csvText(svg.mtbenchData)], { type: 'text/csv' })) }, 'CSV') : null);
      svg.parentNode.insertBefore(bar, svg.nextSibling);
    }
  }
}
// Horizontal bar chart: rows [{label, value, color, text}].
// Horizontal bars; the label margin fits the longest label. `opts.log`: a log scale when the
// values span more than two orders of magnitude (decoding speeds: 30,000 vs 40 sentences/s).
function barChart(rows, opts) {
  const longest = Math.max(0, ...rows.map(r => String(r.label).length));
  const W = opts.width || 420, rowH = 24, m = { l: Math.min(260, Math.max(110, 12 + longest * 7)), r: 80, t: opts.title ? 24 : 6 };
  const H = m.t + rows.length * rowH + (opts.log ? 22 : 8);
  const svg = sv('svg', { width: W, height: H, viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': opts.title || 'bar chart' });
  if (opts.title) svg.appendChild(sv('text', { x: 0, y: 15, 'font-weight': 600, 'font-size': 13, text: opts.title }));
  const vals = rows.map(r => r.value || 0), max = Math.max(...vals, 1e-9), pos = vals.filter(v => v > 0);
  const min = pos.length ? Math.min(...pos) : max, log = opts.log && max / min > 100;
  const lo = log ? Math.pow(10, Math.floor(Math.log10(min))) : 0, hi = log ? Math.pow(10, Math.ceil(Math.log10(max))) : max;
  const frac = v => !(v > 0) ? 0 : log ? (Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo)) : v / max;
  rows.forEach((r, i) => {
    const y = m.t + i * rowH, w = (W - m.l - m.r) * frac(r.value || 0);
    svg.appendChild(sv('text', { x: m.l - 8, y: y + 15, 'text-anchor': 'end', 'font-size': 12, text: r.label }));
    svg.appendChild(sv('rect', { x: m.l, y: y + 4, width: Math.max(w, 1), height: rowH - 8, fill: r.color, rx: 2 }));
    svg.appendChild(sv('text', { x: m.l + w + 6, y: y + 15, 'font-size': 11.5, text: r.text }));
  });
  if (log) {
    const y = m.t + rows.length * rowH + 4;
    for (let p = lo; p <= hi * 1.0001; p *= 10) {
      const x = m.l + (W - m.l - m.r) * frac(p);
      svg.appendChild(sv('line', { x1: x, x2: x, y1: m.t, y2: y, stroke: '#d9e2ec' }));
      svg.appendChild(sv('text', { x: x, y: y + 12, 'text-anchor': 'middle', 'font-size': 10, text: p >= 1 ? p.toLocaleString('en') : String(p) }));
    }
    svg.appendChild(sv('text', { x: W - 2, y: y + 12, 'text-anchor': 'end', 'font-size': 10, text: 'log scale' }));
  }
  return withData(svg, ['label', opts.title || 'value'], rows.map(r => [r.label, r.value === undefined ? '' : r.value]));
}
// Decoded attention weights of one matrix (bytes in base64, written by html_report.cc).
function weightsOf(mx) {
  if (mx.weights) return mx.weights;
  const lo = mx.lo || 0, hi = mx.hi === undefined ? 1 : mx.hi;
  if (mx.q16 !== undefined) {  // two bytes per value (query/key vectors), big-endian
    const b = atob(mx.q16), out = new Array(b.length >> 1);
    for (let i = 0; i < out.length; i++) out[i] = lo + (b.charCodeAt(2 * i) * 256 + b.charCodeAt(2 * i + 1)) / 65535 * (hi - lo);
    return out;
  }
  const bytes = atob(mx.q || ''), out = new Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = lo + bytes.charCodeAt(i) / 255 * (hi - lo);
  return out;
}
// Heatmap of a [rows x cols] matrix with token labels; diverging colours when values go below 0.
function heatmap(rowsTok, colsTok, weights, opts) {
  opts = opts || {};
  const cell = opts.cell || Math.max(6, Math.min(22, Math.floor(520 / Math.max(colsTok.length, 1))));
  const labelW = opts.rowLabels === false ? 10 : 110, labelH = opts.colLabels === false ? 10 : 90;
  const W = labelW + colsTok.length * cell + 10, H = labelH + rowsTok.length * cell + 10;
  const svg = sv('svg', { width: W, height: H, viewBox: `0 0 ${W} ${H}` });
  const lo = Math.min(0, ...weights), hi = Math.max(...weights, 1e-9);
  const color = v => {
    if (lo < 0) {
      const t = Math.max(-1, Math.min(1, v / Math.max(hi, -lo)));
      return t >= 0 ? `rgba(197,48,48,${t.toFixed(3)})` : `rgba(31,95,168,${(-t).toFixed(3)})`;
    }
    // Darkest cell = the matrix maximum (attention is often spread thin); tooltips give exact values.
    return `rgba(31,95,168,${Math.max(0, Math.min(1, v / (opts.scaleMax || hi))).toFixed(3)})`;
  };
  if (opts.colLabels !== false) colsTok.forEach((t, j) => svg.appendChild(sv('text', { x: 0, y: 0, 'font-size': 11,
    transform: `translate(${labelW + j * cell + cell / 2 + 4},${labelH - 6}) rotate(-60)`, text: t })));
  if (opts.rowLabels !== false) rowsTok.forEach((t, i) => (i % (opts.labelEvery || 1)) === 0 && svg.appendChild(sv('text', { x: labelW - 6, y: labelH + i * cell + cell / 2 + 4,
    'text-anchor': 'end', 'font-size': 11, text: t })));
  for (let i = 0; i < rowsTok.length; i++) for (let j = 0; j < colsTok.length; j++) {
    const v = weights[i * colsTok.length + j] || 0;
    svg.appendChild(sv('rect', { x: labelW + j * cell, y: labelH + i * cell, width: cell - 0.5, height: cell - 0.5, fill: color(v) },
      sv('title', { text: `${rowsTok[i]} \u2192 ${colsTok[j]}: ${v.toFixed(3)}` })));
  }
  svg.appendChild(sv('rect', { x: labelW, y: labelH, width: colsTok.length * cell, height: rowsTok.length * cell,
    fill: 'none', stroke: '#9fb3c8' }));
  return svg;
}
// Word-level diff of a hypothesis against a reference: longest common subsequence of
// whitespace tokens; returns [[word, matched], ...] in hypothesis order.
function wordDiff(hyp, ref) {
  const h = hyp.split(/\s+/).filter(Boolean), r = ref.split(/\s+/).filter(Boolean);
  if (h.length * r.length > 250000) return h.map(w => [w, r.includes(w)]);
  const L = Array.from({ length: h.length + 1 }, () => new Uint16Array(r.length + 1));
  for (let i = h.length - 1; i >= 0; i--) for (let j = r.length - 1; j >= 0; j--)
    L[i][j] = h[i] === r[j] ? L[i + 1][j + 1] + 1 : Math.max(L[i + 1][j], L[i][j + 1]);
  const out = []; let i = 0, j = 0;
  while (i < h.length) {
    if (j < r.length && h[i] === r[j]) { out.push([h[i], true]); i++; j++; }
    else if (j < r.length && L[i][j + 1] >= L[i + 1][j]) j++;
    else { out.push([h[i], false]); i++; }
  }
  return out;
}
// A data table; `opts` is a class name or {cls, caption}: a caption names the table for screen
// readers and print, and the first cell of each row is its row header.
function table(header, rows, opts) {
  const o = typeof opts === 'string' ? { cls: opts } : (opts || {});
  const cell = (c, i) => el(i === 0 && o.caption ? 'th' : 'td', i === 0 && o.caption ? { scope: 'row' } : {}, c === undefined ? '' : c);
  return el('table', { class: 'data ' + (o.cls || '') }, o.caption ? el('caption', {}, o.caption) : null,
    el('thead', {}, el('tr', {}, header.map(h => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, rows.map(r => el('tr', {}, r.map(cell)))));
}
function select(options, value, onchange) {
  const s = el('select', { onchange: e => onchange(e.target.value) },
    options.map(o => el('option', { value: Array.isArray(o) ? o[0] : o, selected: (Array.isArray(o) ? o[0] : o) === value },
      Array.isArray(o) ? o[1] : o)));
  return s;
}
