
// How one system translated one sentence, drawn from its explanation (systems/explanation.h in
// JSON, as `mtbench translate --explain` writes it, with attention weights either plain or
// quantized by html_report.cc): rule trace, lexicon, phrase segmentation, word alignment,
// attention (head view for multi-head kinds, heatmaps for single matrices) and positional
// encodings. Shared by the report (its explanations section) and the `mtbench serve` page, so
// both show the same views. opts: {source, output (texts shown when the explanation has no
// tokens), state (the head view's selection: kind, layer, heads; kept by the caller)}.
function explanationView(e, opts) {
  opts = opts || {};
  const box = el('div', { class: 'explanation' });
  for (const a of e.attention || []) {  // token lists are stored once per explanation (html_report.cc)
    if (a.r !== undefined) a.row_tokens = (e.token_lists || [])[a.r] || [];
    if (a.c !== undefined) a.col_tokens = (e.token_lists || [])[a.c] || [];
  }
  const words = !opts.state || opts.state.words !== false;
  box.appendChild(el('div', { class: 'small' }, el('b', {}, 'Source: '), shownTokens(e.source_tokens, words).join(' ') || opts.source || ''));
  box.appendChild(el('div', { class: 'small' }, el('b', {}, 'Output: '), shownTokens(e.target_tokens, words).join(' ') || (opts.output || '')));
  if (e.unknown_words && e.unknown_words.length) box.appendChild(el('div', { class: 'small' }, el('b', {}, 'Unknown words: '), e.unknown_words.join(', ')));
  if (e.rules && e.rules.length) box.appendChild(el('div', {}, el('h3', {}, 'Rule trace'),
    e.rules.map((r, k) => el('div', { class: 'rule' }, (k + 1) + '. ', el('b', {}, r.rule), ' \u2014 ', r.detail || ''))));
  if (e.lexicon && e.lexicon.length) box.appendChild(el('div', {}, el('h3', {}, 'Lexicon entries'),
    table(['Source', 'Lemma', 'Translation', 'POS', 'Note'], e.lexicon.map(x => [x.source, x.lemma, x.target, x.pos, x.note]), 'text')));
  if (e.phrases && e.phrases.length) box.appendChild(el('div', {}, el('h3', {}, 'Phrase segmentation (target order)'),
    el('div', { class: 'phrases' }, e.phrases.map(p => el('div', { class: 'phrase', title: (p.scores || []).map(s => s[0] + ' ' + fmt(s[1], 3)).join('\n') },
      el('span', { class: 's' }, p.source, el('span', { class: 'n' }, ` [${p.source_begin}\u2013${p.source_end})`)), p.target)))));
  if (e.alignment && e.alignment.length && e.source_tokens && e.target_tokens) {
    const w = new Array(e.source_tokens.length * e.target_tokens.length).fill(0);
    for (const [s, tg] of e.alignment) if (tg < e.target_tokens.length && s < e.source_tokens.length) w[tg * e.source_tokens.length + s] = 1;
    box.appendChild(el('div', {}, el('h3', {}, 'Word alignment'), heatmap(e.target_tokens, e.source_tokens, w)));
  }
  // Attention of any kind a system reports is drawn: kinds with several layers or heads (and
  // the Transformer's) in the head view, single matrices as heatmaps, positional encodings as
  // their own picture. Known kinds get their paper's caption; a new kind needs no change here.
  const att = (e.attention || []).filter(a => !isVectorKind(a.kind));  // query/key vectors: the neuron view's
  const isPE = a => a.kind === 'positional-encoding' || a.kind === 'positional';
  const multiKinds = [...new Set(att.filter(a => !isPE(a) && (MULTI_HEAD_KINDS.includes(a.kind) ||
    att.some(o => o.kind === a.kind && (o.layer > 0 || o.head > 0)))).map(a => a.kind))];
  for (const a of att.filter(a => !isPE(a) && !multiKinds.includes(a.kind)))
    box.appendChild(el('div', {}, el('h3', {}, (ATTENTION_TITLES[a.kind] || 'Attention (' + a.kind + ')') + ': rows output, columns source'),
      heatmap(a.row_tokens, a.col_tokens, weightsOf(a))));
  const multi = att.filter(a => multiKinds.includes(a.kind));
  if (multi.length) box.appendChild(headView(multi, opts.state || {}));
  const pe = opts.skipPositional ? [] : att.filter(isPE);
  for (const a of pe) box.appendChild(el('div', {}, el('h3', {}, 'Positional encoding (Vaswani et al. 2017, sec. 3.5): rows positions, columns dimensions; red positive, blue negative'),
    heatmap(a.row_tokens, a.col_tokens, weightsOf(a), { cell: Math.max(4, Math.min(12, Math.floor(900 / Math.max(1, a.col_tokens.length)))), colLabels: false, labelEvery: 5 })));
  // Bookkeeping fields of the harness (how many attention values a size bound dropped) are not model scores.
  const scores = (e.scores || []).filter(s => !String(s[0]).startsWith('attention_values_dropped'));
  if (scores.length) box.appendChild(el('div', { class: 'small muted' }, 'Model scores: ' + scores.map(s => s[0] + ' = ' + fmt(s[1], 3)).join(', ')));
  return box;
}


// Subwords back into words: SentencePiece marks a word's first piece with U+2581; a special
// token (<s>, </s>, <unk>) is a word of its own. Attention between words as Clark et al. (2019)
// and BertViz's word mode do it: a query word's row is the mean of its pieces' rows, a key
// word's column the sum of its pieces' columns, so every row still sums to 1.
const hasPieces = toks => (toks || []).some(t => String(t).startsWith('\u2581'));
function wordGroups(tokens) {
  const groups = [];
  tokens.forEach((t, i) => {
    const s = String(t);
    if (!groups.length || s.startsWith('\u2581') || /^<.*>$/.test(s) || /^<.*>$/.test(String(tokens[i - 1]))) groups.push([i]);
    else groups[groups.length - 1].push(i);
  });
  return groups;
}
const wordOf = (tokens, g) => g.map(i => String(tokens[i])).join('').replace(/\u2581/g, '') || String(tokens[g[0]]);
const shownTokens = (toks, words) => words && hasPieces(toks) ? wordGroups(toks).map(g => wordOf(toks, g)) : (toks || []);
function mergeAttention(w, rows, cols) {
  const rg = wordGroups(rows), cg = wordGroups(cols), out = new Array(rg.length * cg.length).fill(0);
  rg.forEach((ri, a) => cg.forEach((cj, b) => {
    let sum = 0;
    for (const i of ri) for (const j of cj) sum += w[i * cols.length + j] || 0;
    out[a * cg.length + b] = sum / ri.length;
  }));
  return { rows: rg.map(g => wordOf(rows, g)), cols: cg.map(g => wordOf(cols, g)), weights: out };
}
// One matrix as shown: words (merged) or pieces, per the view's state.
function shownMatrix(m, words) {
  const w = weightsOf(m);
  if (!words || !(hasPieces(m.row_tokens) || hasPieces(m.col_tokens))) return { rows: m.row_tokens, cols: m.col_tokens, weights: w };
  return mergeAttention(w, m.row_tokens, m.col_tokens);
}

// Matrices of vectors rather than attention (rows tokens, columns dimensions): the queries and
// keys of the neuron view.
const isVectorKind = k => /-(query|key)$/.test(String(k));

// Captions of the attention kinds this repository's systems report; others are named by kind.
const ATTENTION_TITLES = {
  'bahdanau': 'Attention (Bahdanau et al. 2014, fig. 3), subwords',
  'bahdanau-words': 'Attention (Bahdanau et al. 2014, fig. 3), words',
};
// Kinds always shown in the head view, in this order (then any other multi-head kind).
const MULTI_HEAD_KINDS = ['cross', 'encoder-self', 'decoder-self'];
const kindRank = k => MULTI_HEAD_KINDS.includes(k) ? MULTI_HEAD_KINDS.indexOf(k) : MULTI_HEAD_KINDS.length;

// BertViz-like head view (Vig 2019): query tokens left, key tokens right, one colour per head,
// line opacity = attention weight. Hover (or focus with the keyboard) a token on either side to
// see only its links; click (or Enter) locks it, click again unlocks. Heads toggle by their
// buttons; "only" keeps one head. Words or subword pieces (state.words).
function headView(mats, state) {
  const S = state;
  const kinds = [...new Set(mats.map(m => m.kind))].sort((a, b) => kindRank(a) - kindRank(b));
  if (!kinds.includes(S.kind)) { S.kind = kinds[0]; S.layer = 0; S.heads = null; S.lock = null; }
  const ofKind = mats.filter(m => m.kind === S.kind);
  const layers = [...new Set(ofKind.map(m => m.layer))].sort((a, b) => a - b);
  if (!layers.includes(S.layer)) S.layer = layers[0];
  const heads = ofKind.filter(m => m.layer === S.layer).sort((a, b) => a.head - b.head);
  if (!S.heads || S.heads.length !== heads.length) S.heads = heads.map(() => true);
  if (S.words === undefined) S.words = true;
  const pieces = heads.some(h => hasPieces(h.row_tokens) || hasPieces(h.col_tokens));
  const box = el('div', { class: 'head-view' });
  const rerender = () => { const fresh = headView(mats, state); box.replaceWith(fresh); if (S.onchange) S.onchange(); };
  box.appendChild(el('h3', {}, 'Attention, head view'));
  box.appendChild(el('div', { class: 'controls-line' }, 'Attention: ', select(kinds, S.kind, v => { S.kind = v; S.heads = null; S.lock = null; rerender(); }),
    'Layer: ', select(layers.map(l => [String(l), String(l + 1)]), String(S.layer), v => { S.layer = +v; S.heads = null; rerender(); }),
    'Heads: ', heads.map((h, k) => el('button', { type: 'button', class: 'head-toggle' + (S.heads[k] ? ' on' : ''), 'aria-pressed': S.heads[k] ? 'true' : 'false',
      title: 'head ' + (h.head + 1) + ': click to toggle', style: S.heads[k] ? `background:${PALETTE[k % PALETTE.length]};border-color:${PALETTE[k % PALETTE.length]}` : '',
      onclick: () => { S.heads[k] = !S.heads[k]; rerender(); } }, String(h.head + 1))),
    heads.length > 1 ? el('button', { type: 'button', class: 'head-all', onclick: () => { S.heads = heads.map(() => true); rerender(); } }, 'all') : null,
    pieces ? el('label', { class: 'small' }, el('input', { type: 'checkbox', class: 'show-pieces', checked: !S.words,
      onchange: e => { S.words = !e.target.checked; S.lock = null; rerender(); } }), ' subword pieces') : null));
  if (!heads.length) return box;
  const shown = heads.map(h => shownMatrix(h, S.words));
  const rows = shown[0].rows, cols = shown[0].cols, rowH = 20;
  const longest = Math.max(4, ...rows.concat(cols).map(t => String(t).length));
  const labelW = Math.min(220, 14 + longest * 7), W = 2 * labelW + 200;
  const xq = labelW - 10, xk = labelW + 210;
  const H = 30 + Math.max(rows.length, cols.length) * rowH;
  const svg = sv('svg', { width: W, height: H, viewBox: `0 0 ${W} ${H}`, class: 'headview', role: 'img',
    'aria-label': `${S.kind} attention, layer ${S.layer + 1}: queries left, keys right` });
  svg.appendChild(sv('text', { x: xq, y: 14, 'text-anchor': 'end', 'font-size': 11, fill: '#829ab1', text: 'queries' }));
  svg.appendChild(sv('text', { x: xk, y: 14, 'font-size': 11, fill: '#829ab1', text: 'keys' }));
  const lines = sv('g', {});
  // focus: null, or {side: 'q'|'k', index}.
  const draw = focus => {
    clear(lines);
    shown.forEach((m, k) => {
      if (!S.heads[k]) return;
      for (let i = 0; i < rows.length; i++) {
        if (focus && focus.side === 'q' && focus.index !== i) continue;
        for (let j = 0; j < cols.length; j++) {
          if (focus && focus.side === 'k' && focus.index !== j) continue;
          const v = m.weights[i * cols.length + j] || 0;
          if (v < 0.02) continue;
          lines.appendChild(sv('line', { x1: xq + 10, y1: 30 + i * rowH - 4, x2: xk - 10, y2: 30 + j * rowH - 4,
            stroke: PALETTE[k % PALETTE.length], 'stroke-opacity': Math.min(1, v).toFixed(3), 'stroke-width': 2 }));
        }
      }
    });
    for (const t of svg.querySelectorAll('text.tok'))
      t.classList.toggle('locked', !!(S.lock && t.dataset.side === S.lock.side && +t.dataset.index === S.lock.index));
  };
  svg.appendChild(lines);
  const token = (side, i, text, x, anchor) => {
    const focus = { side, index: i };
    const same = f => f && f.side === side && f.index === i;
    const toggle = () => { S.lock = same(S.lock) ? null : focus; draw(S.lock); };
    return sv('text', { class: 'tok', x, y: 30 + i * rowH, 'text-anchor': anchor, text, tabindex: 0, 'data-side': side, 'data-index': i,
      onmouseenter: () => { if (!S.lock) draw(focus); }, onmouseleave: () => { if (!S.lock) draw(null); },
      onfocus: () => { if (!S.lock) draw(focus); }, onblur: () => { if (!S.lock) draw(null); },
      onclick: toggle, onkeydown: e => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); toggle(); } },
      ontouchstart: () => toggle() });
  };
  rows.forEach((tok, i) => svg.appendChild(token('q', i, tok, xq, 'end')));
  cols.forEach((tok, j) => svg.appendChild(token('k', j, tok, xk, 'start')));
  if (S.lock && ((S.lock.side === 'q' && S.lock.index >= rows.length) || (S.lock.side === 'k' && S.lock.index >= cols.length))) S.lock = null;
  draw(S.lock);
  box.appendChild(svg);
  box.appendChild(el('div', { class: 'small muted' }, 'Hover or focus (Tab) a token to see its links; click or Enter locks it. ' +
    (pieces ? (S.words ? 'Words: query rows averaged over their pieces, key columns summed (Clark et al. 2019).' : 'Subword pieces as the model saw them.') : '')));
  return box;
}

// Model view (BertViz): every layer (rows) x head (columns) of one attention kind as
// thumbnails; a click opens that layer and head in the head view.
function modelView(mats, state, onpick) {
  const S = state;
  const kinds = [...new Set(mats.map(m => m.kind))].sort((a, b) => kindRank(a) - kindRank(b));
  const kind = kinds.includes(S.kind) ? S.kind : kinds[0];
  const ofKind = mats.filter(m => m.kind === kind);
  const layers = [...new Set(ofKind.map(m => m.layer))].sort((a, b) => a - b);
  const headIds = [...new Set(ofKind.map(m => m.head))].sort((a, b) => a - b);
  const box = el('div', { class: 'model-view' });
  box.appendChild(el('div', { class: 'controls-line' }, 'Attention: ', select(kinds, kind, v => { S.kind = v; S.heads = null; S.lock = null; onpick(); }),
    el('span', { class: 'small muted' }, `${layers.length} layers \u00d7 ${headIds.length} heads; click a thumbnail to open it in the head view`)));
  const size = 96;
  const grid = el('table', { class: 'model-grid' }, el('thead', {}, el('tr', {}, el('th', {}, ''), headIds.map(h => el('th', { scope: 'col' }, 'head ' + (h + 1))))),
    el('tbody', {}, layers.map(l => el('tr', {}, el('th', { scope: 'row' }, 'layer ' + (l + 1)), headIds.map(h => {
      const m = ofKind.find(x => x.layer === l && x.head === h);
      if (!m) return el('td', {}, '');
      const shown = shownMatrix(m, S.words !== false), nr = shown.rows.length, nc = shown.cols.length;
      const c = Math.max(1, Math.floor(size / Math.max(nr, nc, 1)));
      const svg = sv('svg', { width: nc * c, height: nr * c, viewBox: `0 0 ${nc * c} ${nr * c}`, class: 'thumb' });
      const hi = Math.max(...shown.weights, 1e-9);
      for (let i = 0; i < nr; i++) for (let j = 0; j < nc; j++) {
        const v = shown.weights[i * nc + j] || 0;
        if (v / hi < 0.03) continue;
        svg.appendChild(sv('rect', { x: j * c, y: i * c, width: c, height: c, fill: `rgba(31,95,168,${(v / hi).toFixed(2)})` }));
      }
      const selected = kind === S.kind && l === S.layer && S.heads && S.heads.filter(Boolean).length === 1 && S.heads[headIds.indexOf(h)];
      return el('td', {}, el('button', { type: 'button', class: 'thumb-button' + (selected ? ' selected' : ''), title: `layer ${l + 1}, head ${h + 1}`,
        'aria-label': `${kind} attention, layer ${l + 1}, head ${h + 1}`,
        onclick: () => { S.kind = kind; S.layer = l; S.heads = headIds.map(x => x === h); S.lock = null; onpick(true); } }, svg));
    })))));
  box.appendChild(grid);
  return box;
}

// A numeric matrix as a picture with axes and a colour bar (values in [lo, hi]; diverging
// red/blue around 0 when lo < 0). opts: {cellW, cellH, xTitle, yTitle, xEvery, yEvery, title}.
function matrixPlot(values, nRows, nCols, opts) {
  const cw = opts.cellW, ch = opts.cellH, m = { l: 52, t: opts.title ? 26 : 8, r: 90, b: 44 };
  const W = m.l + nCols * cw + m.r, H = m.t + nRows * ch + m.b;
  const svg = sv('svg', { width: W, height: H, viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': opts.title || 'matrix' });
  let lo = Infinity, hi = -Infinity;
  for (const v of values) { if (v < lo) lo = v; if (v > hi) hi = v; }
  if (!(hi > lo)) { lo = Math.min(lo, 0); hi = lo + 1; }
  const diverging = lo < 0, span = Math.max(Math.abs(lo), Math.abs(hi));
  const color = v => diverging ? (v >= 0 ? `rgba(197,48,48,${(v / span).toFixed(3)})` : `rgba(31,95,168,${(-v / span).toFixed(3)})`)
    : `rgba(31,95,168,${((v - lo) / (hi - lo)).toFixed(3)})`;
  if (opts.title) svg.appendChild(sv('text', { x: m.l, y: 16, 'font-weight': 600, 'font-size': 13, text: opts.title }));
  const g = sv('g', {});
  for (let i = 0; i < nRows; i++) for (let j = 0; j < nCols; j++)
    g.appendChild(sv('rect', { x: m.l + j * cw, y: m.t + i * ch, width: cw + 0.3, height: ch + 0.3, fill: color(values[i * nCols + j] || 0) }));
  svg.appendChild(g);
  svg.appendChild(sv('rect', { x: m.l, y: m.t, width: nCols * cw, height: nRows * ch, fill: 'none', stroke: '#9fb3c8' }));
  const axis = sv('g', { 'font-size': 10, fill: '#334e68' });
  for (let j = 0; j < nCols; j += opts.xEvery) axis.appendChild(sv('text', { x: m.l + j * cw + cw / 2, y: m.t + nRows * ch + 13, 'text-anchor': 'middle', text: j }));
  for (let i = 0; i < nRows; i += opts.yEvery) axis.appendChild(sv('text', { x: m.l - 5, y: m.t + i * ch + ch / 2 + 3, 'text-anchor': 'end', text: i }));
  axis.appendChild(sv('text', { x: m.l + nCols * cw / 2, y: H - 8, 'text-anchor': 'middle', 'font-size': 11.5, text: opts.xTitle }));
  axis.appendChild(sv('text', { x: 12, y: m.t + nRows * ch / 2, 'text-anchor': 'middle', 'font-size': 11.5,
    transform: `rotate(-90 12 ${m.t + nRows * ch / 2})`, text: opts.yTitle }));
  svg.appendChild(axis);
  // Colour bar.
  const bx = m.l + nCols * cw + 24, bh = Math.max(60, Math.min(200, nRows * ch)), steps = 20;
  for (let k = 0; k < steps; k++) {
    const v = hi - (hi - (diverging ? -span : lo)) * (k + 0.5) / steps;
    svg.appendChild(sv('rect', { x: bx, y: m.t + k * bh / steps, width: 14, height: bh / steps + 0.3, fill: color(v) }));
  }
  svg.appendChild(sv('rect', { x: bx, y: m.t, width: 14, height: bh, fill: 'none', stroke: '#9fb3c8' }));
  svg.appendChild(sv('text', { x: bx + 18, y: m.t + 9, 'font-size': 10, text: fmt(diverging ? span : hi, 2) }));
  svg.appendChild(sv('text', { x: bx + 18, y: m.t + bh, 'font-size': 10, text: fmt(diverging ? -span : lo, 2) }));
  return withData(svg, ['row'].concat([...Array(nCols).keys()].map(String)),
    [...Array(nRows).keys()].map(i => [i].concat(Array.from(values.slice(i * nCols, (i + 1) * nCols)))));
}

// Positional encodings as the course material draws them: the matrix (positions x dimensions)
// with axes and a colour bar, a few dimensions as curves over positions (sinusoids of
// decreasing frequency, Vaswani et al. 2017 sec. 3.5), and the similarity of every pair of
// positions (cosine of their encodings), whose bands along the diagonal show that it depends on
// the relative distance (Kazemnejad 2019). `pe`: one matrix of kind positional-encoding.
function positionalView(pe) {
  const box = el('div', { class: 'positional' });
  const w = weightsOf(pe), n = pe.row_tokens.length, d = pe.col_tokens.length;
  box.appendChild(el('p', { class: 'small' }, `The encodings this model adds to its embeddings, for positions 0\u2013${n - 1} ` +
    `(the longest explained sentence) and all ${d} dimensions.`));
  const cellW = Math.max(1.5, Math.min(8, 900 / Math.max(d, 1))), cellH = Math.max(3, Math.min(14, 320 / Math.max(n, 1)));
  box.appendChild(matrixPlot(w, n, d, { cellW, cellH, xEvery: d > 64 ? 32 : 8, yEvery: n > 30 ? 10 : 5,
    xTitle: 'dimension', yTitle: 'position', title: 'Positional encoding matrix' }));
  const dims = [0, 1, 4, 16, 64, Math.floor(d / 2)].filter((x, i, a) => x < d && a.indexOf(x) === i);
  box.appendChild(el('div', { class: 'row' }, lineChart({ title: 'Selected dimensions over positions', xTitle: 'position', yTitle: 'value',
    width: 560, height: 280, series: dims.map((j, k) => ({ name: 'dim ' + j, color: PALETTE[k % PALETTE.length],
      points: [...Array(n).keys()].map(i => [i, w[i * d + j]]) })) }), legend(dims.map((j, k) => ['dim ' + j, PALETTE[k % PALETTE.length]]))));
  const norms = [...Array(n).keys()].map(i => Math.sqrt(w.slice(i * d, (i + 1) * d).reduce((a, v) => a + v * v, 0)) || 1);
  const sim = new Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    let dot = 0;
    for (let k = 0; k < d; k++) dot += w[i * d + k] * w[j * d + k];
    sim[i * n + j] = dot / (norms[i] * norms[j]);
  }
  const c = Math.max(4, Math.min(16, 360 / Math.max(n, 1)));
  box.appendChild(matrixPlot(sim, n, n, { cellW: c, cellH: c, xEvery: n > 30 ? 10 : 5, yEvery: n > 30 ? 10 : 5,
    xTitle: 'position', yTitle: 'position', title: 'Similarity of positions (cosine of their encodings)' }));
  box.appendChild(el('p', { class: 'small muted' }, 'Bands parallel to the diagonal: the similarity of two positions depends ' +
    'mostly on their distance, which is what lets attention use relative positions (Vaswani et al. 2017, sec. 3.5; Kazemnejad 2019).'));
  return box;
}

// Neuron view (BertViz, Vig 2019) for one encoder layer and head: how a query token's attention
// comes about. Its query vector q, each key vector k_j, their elementwise product q*k_j (whose
// sum is q.k_j), the score q.k_j / sqrt(d) and the softmax over the keys (Vaswani et al. 2017,
// eq. 1). Everything is recomputed here from the recorded vectors (stored to 1e-3) and checked
// against the attention weights the model recorded. Subword pieces, as the model saw them.
// state: {nLayer, nHead, nQuery}, kept by the caller.
function neuronView(e, state, rerender) {
  const S = state, att = e.attention || [];
  const qs = att.filter(a => a.kind === 'encoder-query'), ks = att.filter(a => a.kind === 'encoder-key');
  const box = el('div', { class: 'neuron-view' });
  if (!qs.length || !ks.length) return box;
  const layers = [...new Set(qs.map(a => a.layer))].sort((a, b) => a - b);
  if (!layers.includes(S.nLayer)) S.nLayer = layers[layers.length - 1];
  const heads = [...new Set(qs.filter(a => a.layer === S.nLayer).map(a => a.head))].sort((a, b) => a - b);
  if (!heads.includes(S.nHead)) S.nHead = heads[0];
  const at = (list, kind) => list.find(a => a.kind === kind && a.layer === S.nLayer && a.head === S.nHead);
  const qm = at(qs, 'encoder-query'), km = at(ks, 'encoder-key');
  if (!qm || !km) return box;
  const toks = qm.row_tokens || [], n = toks.length, d = (qm.col_tokens || []).length;
  if (!(S.nQuery >= 0 && S.nQuery < n)) S.nQuery = 0;
  const Q = weightsOf(qm), K = weightsOf(km), i = S.nQuery;
  const q = Q.slice(i * d, (i + 1) * d), prods = [], scores = [];
  for (let j = 0; j < n; j++) {
    const p = new Array(d);
    let dot = 0;
    for (let k = 0; k < d; k++) { p[k] = q[k] * K[j * d + k]; dot += p[k]; }
    prods.push(p);
    scores.push(dot / Math.sqrt(d));
  }
  const top = Math.max(...scores), ex = scores.map(s => Math.exp(s - top)), z = ex.reduce((a, b) => a + b, 0);
  const soft = ex.map(v => v / z);
  const recorded = att.find(a => a.kind === 'encoder-self' && a.layer === S.nLayer && a.head === S.nHead);
  let check = null;
  if (recorded && (recorded.row_tokens || []).length === n) {
    const w = weightsOf(recorded);
    check = Math.max(...soft.map((v, j) => Math.abs(v - (w[i * n + j] || 0))));
  }
  box.appendChild(el('div', { class: 'controls-line' },
    'Layer: ', select(layers.map(l => [String(l), String(l + 1)]), String(S.nLayer), v => { S.nLayer = +v; rerender(); }),
    'Head: ', select(heads.map(h => [String(h), String(h + 1)]), String(S.nHead), v => { S.nHead = +v; rerender(); }),
    el('span', { class: 'small muted' }, `encoder self-attention, ${d} dimensions per head`)));
  box.appendChild(el('div', { class: 'controls-line neuron-queries' }, 'Query: ', toks.map((t, j) =>
    el('button', { type: 'button', class: 'neuron-query' + (j === i ? ' on' : ''), 'aria-pressed': j === i ? 'true' : 'false',
      onclick: () => { S.nQuery = j; rerender(); } }, String(t)))));
  // Strips of d cells; q and k share one diverging scale, the products another.
  const cw = Math.max(2, Math.min(14, Math.floor(320 / Math.max(d, 1)))), rh = 18, labelW = 14 + Math.min(16, Math.max(4, ...toks.map(t => String(t).length))) * 7;
  const sw = Math.max(d * cw, 130);  // column width: room for the column titles
  const x1 = labelW + 8, x2 = x1 + sw + 16, x3 = x2 + sw + 16, x4 = x3 + 58;
  const W = x4 + 130, H = 40 + (n + 1) * rh + 8;
  const spanQK = Math.max(1e-9, ...q.map(Math.abs), ...K.slice(0, n * d).map(Math.abs));
  const spanP = Math.max(1e-9, ...prods.flat().map(Math.abs));
  const color = (v, span) => v >= 0 ? `rgba(197,48,48,${Math.min(1, v / span).toFixed(3)})` : `rgba(31,95,168,${Math.min(1, -v / span).toFixed(3)})`;
  const svg = sv('svg', { width: W, height: H, viewBox: `0 0 ${W} ${H}`, class: 'neuronview', role: 'img',
    'aria-label': `neuron view, layer ${S.nLayer + 1}, head ${S.nHead + 1}, query ${toks[i]}` });
  const head = (x, text) => svg.appendChild(sv('text', { x, y: 12, 'font-size': 11, fill: '#627d98', text }));
  head(x1, 'key k'); head(x2, 'q \u00d7 k (elementwise)'); head(x3, 'q\u00b7k/\u221ad'); head(x4, 'softmax');
  const strip = (values, x, y, span) => {
    for (let k = 0; k < values.length; k++)
      svg.appendChild(sv('rect', { x: x + k * cw, y, width: cw, height: rh - 4, fill: color(values[k], span) }));
    svg.appendChild(sv('rect', { x, y, width: values.length * cw, height: rh - 4, fill: 'none', stroke: '#d9e2ec' }));
  };
  // The query row.
  const yq = 22;
  svg.appendChild(sv('text', { x: labelW, y: yq + 11, 'text-anchor': 'end', 'font-weight': 700, fill: '#c53030', text: String(toks[i]) }));
  strip(q, x1, yq, spanQK);
  svg.appendChild(sv('text', { x: x2, y: yq + 11, 'font-size': 11, fill: '#627d98', text: '\u2190 query q' }));
  for (let j = 0; j < n; j++) {
    const y = 40 + (j + 1) * rh - rh;
    svg.appendChild(sv('text', { x: labelW, y: y + 11, 'text-anchor': 'end', text: String(toks[j]) }));
    strip(K.slice(j * d, (j + 1) * d), x1, y, spanQK);
    strip(prods[j], x2, y, spanP);
    svg.appendChild(sv('text', { x: x3 + 50, y: y + 11, 'text-anchor': 'end', 'font-size': 11, text: fmt(scores[j], 2).replace('-', '\u2212') }));
    svg.appendChild(sv('rect', { x: x4, y, width: Math.max(0.5, soft[j] * 100), height: rh - 4, fill: PALETTE[S.nHead % PALETTE.length] }));
    svg.appendChild(sv('text', { x: x4 + Math.max(0.5, soft[j] * 100) + 4, y: y + 11, 'font-size': 10, text: fmt(soft[j], 2) }));
  }
  box.appendChild(withData(svg, ['key', 'q.k/sqrt(d)', 'softmax'], toks.map((t, j) => [t, scores[j], soft[j]])));
  box.appendChild(el('p', { class: 'small muted' }, `Red positive, blue negative (q and k on one scale, products on another). ` +
    `The sum of a product row is q\u00b7k; divided by \u221a${d} and passed through the softmax over the keys it gives the ` +
    'attention weights the head view draws. ' + (check === null ? '' :
      `Recomputed from the stored vectors, these weights differ from the ones the model recorded by at most ${fmt(check, 3)}.`)));
  return box;
}
