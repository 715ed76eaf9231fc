
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
  box.appendChild(el('div', { class: 'small' }, el('b', {}, 'Source: '), (e.source_tokens || []).join(' ') || opts.source || ''));
  box.appendChild(el('div', { class: 'small' }, el('b', {}, 'Output: '), (e.target_tokens || []).join(' ') || (opts.output || '')));
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
  const att = e.attention || [];
  const isPE = a => a.kind === 'positional-encoding' || a.kind === 'positional';
  const multiKinds = [...new Set(att.filter(a => !isPE(a) && (MULTI_HEAD_KINDS.includes(a.kind) ||
    att.some(o => o.kind === a.kind && (o.layer > 0 || o.head > 0)))).map(a => a.kind))];
  for (const a of att.filter(a => !isPE(a) && !multiKinds.includes(a.kind)))
    box.appendChild(el('div', {}, el('h3', {}, (ATTENTION_TITLES[a.kind] || 'Attention (' + a.kind + ')') + ': rows output, columns source'),
      heatmap(a.row_tokens, a.col_tokens, weightsOf(a))));
  const multi = att.filter(a => multiKinds.includes(a.kind));
  if (multi.length) box.appendChild(headView(multi, opts.state || {}));
  const pe = att.filter(isPE);
  for (const a of pe) box.appendChild(el('div', {}, el('h3', {}, 'Positional encoding (Vaswani et al. 2017, sec. 3.5): rows positions, columns dimensions; red positive, blue negative'),
    heatmap(a.row_tokens, a.col_tokens, weightsOf(a), { cell: Math.max(4, Math.min(12, Math.floor(900 / Math.max(1, a.col_tokens.length)))), colLabels: false, labelEvery: 5 })));
  // Bookkeeping fields of the harness (how many attention values a size bound dropped) are not model scores.
  const scores = (e.scores || []).filter(s => !String(s[0]).startsWith('attention_values_dropped'));
  if (scores.length) box.appendChild(el('div', { class: 'small muted' }, 'Model scores: ' + scores.map(s => s[0] + ' = ' + fmt(s[1], 3)).join(', ')));
  return box;
}

// Captions of the attention kinds this repository's systems report; others are named by kind.
const ATTENTION_TITLES = {
  'bahdanau': 'Attention (Bahdanau et al. 2014, fig. 3), subwords',
  'bahdanau-words': 'Attention (Bahdanau et al. 2014, fig. 3), words',
};
// Kinds always shown in the head view, in this order (then any other multi-head kind).
const MULTI_HEAD_KINDS = ['cross', 'encoder-self', 'decoder-self'];
const kindRank = k => MULTI_HEAD_KINDS.includes(k) ? MULTI_HEAD_KINDS.indexOf(k) : MULTI_HEAD_KINDS.length;

// BertViz-like head view (Vig 2019): query tokens left, key tokens right, one colour per head,
// line opacity = attention weight; hover a token to see only its links.
function headView(mats, state) {
  const S = state;
  const kinds = [...new Set(mats.map(m => m.kind))].sort((a, b) => kindRank(a) - kindRank(b));
  if (!kinds.includes(S.kind)) { S.kind = kinds[0]; S.layer = 0; S.heads = null; }
  const ofKind = mats.filter(m => m.kind === S.kind);
  const layers = [...new Set(ofKind.map(m => m.layer))].sort((a, b) => a - b);
  if (!layers.includes(S.layer)) S.layer = layers[0];
  const heads = ofKind.filter(m => m.layer === S.layer).sort((a, b) => a.head - b.head);
  if (!S.heads || S.heads.length !== heads.length) S.heads = heads.map(() => true);
  const box = el('div', { class: 'head-view' });
  const rerender = () => box.replaceWith(headView(mats, state));
  box.appendChild(el('h3', {}, 'Transformer attention, head view'));
  box.appendChild(el('div', { class: 'controls-line' }, 'Attention: ', select(kinds, S.kind, v => { S.kind = v; S.heads = null; rerender(); }),
    'Layer: ', select(layers.map(l => [String(l), String(l + 1)]), String(S.layer), v => { S.layer = +v; S.heads = null; rerender(); }),
    'Heads: ', heads.map((h, k) => el('button', { class: S.heads[k] ? 'on' : '', style: S.heads[k] ? `background:${PALETTE[k % PALETTE.length]};border-color:${PALETTE[k % PALETTE.length]}` : '',
      onclick: () => { S.heads[k] = !S.heads[k]; rerender(); } }, String(h.head + 1)))));
  if (!heads.length) return box;
  const rows = heads[0].row_tokens, cols = heads[0].col_tokens, rowH = 20, W = 520;
  const H = 30 + Math.max(rows.length, cols.length) * rowH;
  const svg = sv('svg', { width: W, height: H, viewBox: `0 0 ${W} ${H}`, class: 'headview' });
  svg.appendChild(sv('text', { x: 150, y: 14, 'text-anchor': 'end', 'font-size': 11, fill: '#829ab1', text: 'queries' }));
  svg.appendChild(sv('text', { x: 370, y: 14, 'font-size': 11, fill: '#829ab1', text: 'keys' }));
  const lines = sv('g', {});
  const draw = focus => {
    clear(lines);
    heads.forEach((h, k) => {
      if (!S.heads[k]) return;
      const w = weightsOf(h);
      for (let i = 0; i < rows.length; i++) {
        if (focus !== null && focus !== i) continue;
        for (let j = 0; j < cols.length; j++) {
          const v = w[i * cols.length + j] || 0;
          if (v < 0.02) continue;
          lines.appendChild(sv('line', { x1: 160, y1: 30 + i * rowH - 4, x2: 360, y2: 30 + j * rowH - 4,
            stroke: PALETTE[k % PALETTE.length], 'stroke-opacity': Math.min(1, v).toFixed(3), 'stroke-width': 2 }));
        }
      }
    });
  };
  svg.appendChild(lines);
  rows.forEach((tok, i) => svg.appendChild(sv('text', { class: 'tok', x: 150, y: 30 + i * rowH, 'text-anchor': 'end', text: tok,
    onmouseenter: () => draw(i), onmouseleave: () => draw(null) })));
  cols.forEach((tok, j) => svg.appendChild(sv('text', { class: 'tok', x: 370, y: 30 + j * rowH, text: tok })));
  draw(null);
  box.appendChild(svg);
  return box;
}

