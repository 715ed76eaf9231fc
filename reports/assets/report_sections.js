
// One run, or several language pairs of one comparison ({runs: [...]}, `compare --pairs`):
// D is the run every section shows; the pair selector swaps it.
const DATA = JSON.parse(document.getElementById('mtbench-data').textContent);
let D = DATA.runs ? DATA.runs[0] : DATA;
const S = { test: 0, page: 0, query: '', onlyDiff: false, exSeg: 0, exSys: null, kind: null, layer: 0, heads: null, pair: 0, sig: 0 };
const LANDMARKS = [
  [1954, 'Georgetown\u2013IBM experiment', 'Dostert 1955: 60 Russian sentences, 250 words, 6 rules'],
  [1966, 'ALPAC report', 'ALPAC 1966: funding for MT research cut in the US'],
  [1984, 'Example-based MT', 'Nagao 1984: translation by analogy with stored examples'],
  [1990, 'IBM statistical models', 'Brown et al. 1990, 1993: word alignment, noisy channel'],
  [2003, 'Phrase-based SMT', 'Koehn, Och & Marcu 2003; Moses 2007'],
  [2014, 'Attention', 'Bahdanau, Cho & Bengio 2014: jointly learning to align and translate'],
  [2017, 'Transformer', 'Vaswani et al. 2017: attention is all you need']];
const T = () => D.tests[S.test] || { name: '', source: [], references: [], outputs: {}, scores: {}, sentence_scores: {},
  significance: [], analyses: {}, explanations: {} };
const sysInfo = label => (D.systems || []).find(s => s.label === label) || { label: label };
function labels() {
  const t = T(), out = (D.systems || []).map(s => s.label).filter(l => (t.outputs || {})[l] || (t.scores || {})[l]);
  for (const l of Object.keys(t.scores || {}).concat(Object.keys(t.outputs || {}))) if (!out.includes(l)) out.push(l);
  return out;
}
function metricsOf(t) {
  const names = [];
  for (const list of Object.values(t.scores || {})) for (const s of list) if (!names.includes(s.metric)) names.push(s.metric);
  const rank = m => m.startsWith('BLEU') ? 0 : m.startsWith('chrF') ? 1 : m.startsWith('TER') ? 2 : 3;
  return names.sort((a, b) => rank(a) - rank(b));
}
const scoreOf = (t, label, metric) => ((t.scores || {})[label] || []).find(s => s.metric === metric);
function body(id) { return clear(document.getElementById(id + '-body')); }

// Reference points that ship with mtbench, keyed by "corpus pair test": measured here with the
// full presets (README, "Results measured here") and Moses' output in ../shared. Not this run.
const REFERENCE_POINTS = {
  'multi30k de-en test_2016_flickr': [
    ['rule-based, full preset', 26.5, 'mtbench, 10 s of training on 2 cores'],
    ['example-based, full preset', 30.4, 'mtbench, 6 s'],
    ['word-based, full preset', 34.0, 'mtbench, 2 min 47 s'],
    ['phrase-based, full preset (MERT)', 39.5, 'mtbench, 9 min 26 s'],
    ['rnn-encdec (no attention), full preset', 28.8, 'mtbench, 3,000 updates (2 h 12 min at 930 tokens/s)'],
    ['rnn-attention, full preset', 39.6, 'mtbench, 54 min (epoch 17)'],
    ['transformer, full preset (post-norm)', 39.6, 'mtbench, 55 min (epoch 17)'],
    ['Moses (phrase-based, outside system)', 40.1, 'Moses\u2019 output in ../shared/corpora/multi30k-outputs']]};

// What a training log says about a neural training: updates, epochs, best dev BLEU, speed, why it
// stopped, and which weights produced the test output (the trainer restores the best dev
// checkpoint, then keeps a checkpoint average only when it is no worse on dev).
function trainingFacts(s) {
  const log = s.training_log || [];
  if (!log.length) return null;
  const steps = Math.max(...log.map(e => e.step || 0)), epochs = Math.max(...log.map(e => e.epoch || 0));
  const valid = log.filter(e => e.type !== 'average' && e.type !== 'end' && e.dev_bleu !== null && e.dev_bleu !== undefined);
  const bestValid = valid.reduce((a, e) => !a || e.dev_bleu > a.dev_bleu ? e : a, null);
  const speeds = log.map(e => e.tokens_per_second).filter(v => v);
  const end = log.find(e => e.type === 'end'), avg = log.find(e => e.type === 'average');
  const averaged = avg && String(avg.note || '').startsWith('kept');
  const output = averaged ? `average of the last ${String(avg.note).split(' ')[1]} checkpoints (dev BLEU ${fmt(avg.dev_bleu)})`
    : bestValid ? `best dev checkpoint (update ${fmtCount(bestValid.step)}, dev BLEU ${fmt(bestValid.dev_bleu)})` : '';
  const stops = { max_minutes: 'time budget (max_minutes)', patience: 'no dev improvement (patience)', max_steps: 'update budget (max_steps)',
    max_epochs: 'epoch budget (max_epochs)', interrupted: 'interrupted' };
  return { steps, epochs, best: bestValid ? bestValid.dev_bleu : null, speed: speeds.length ? speeds[speeds.length - 1] : null,
    stop: end && end.note ? (stops[end.note] || end.note) : '', output };
}

function renderAbout() {
  const b = body('about'), man = D.manifest || {}, mach = man.machine || {}, sys = D.systems || [], t = T();
  const total = (man.timings || {}).total;
  const neural = sys.filter(s => (s.training_log || []).length);
  const quick = neural.filter(s => s.preset === 'quick');
  b.appendChild(el('p', {}, `${sys.length} systems trained on ${fmtCount(D.train_size)} sentence pairs of ${D.corpus || 'the given data'} ` +
    `(${D.source_lang}\u2192${D.target_lang}) and scored on ${t.name} (${(t.references[0] || []).length} segments), on ` +
    `${mach.cores || '?'} CPU cores (${mach.cpu || 'unknown CPU'}), ${man.threads || '?'} threads, seed ${man.seed}` +
    (total ? `, ${fmtDuration(total)} end to end` : '') + '.'));
  if (quick.length)
    b.appendChild(el('p', { class: 'note' }, el('b', {}, 'How to read this: '),
      `${quick.map(s => s.label).join(' and ')} trained with the quick preset: ` +
      quick.map(s => { const f = trainingFacts(s); return `${s.label} ${fmtDuration(s.train_seconds)}, ${fmtCount(f.steps)} updates` +
        (f.epochs ? `, ${f.epochs} epoch${f.epochs === 1 ? '' : 's'}` : ''); }).join('; ') +
      '. Such short trainings are far from converged; the full presets and the reference points below show what the same systems reach with about an hour.'));
  b.appendChild(table(['System', 'What it is', 'Preset', 'Training', 'Updates', 'Epochs', 'Stopped by', 'Test output from', 'Best dev BLEU', 'Parameters'], sys.map(s => {
    const f = trainingFacts(s);
    return [el('span', {}, el('span', { class: 'swatch', style: 'background:' + colorFor(s.label) }), s.label),
      el('span', { class: 'small' }, el('b', {}, (s.title || s.system || '') + '. '), s.description || '', s.model_summary ? ' ' + s.model_summary : ''),
      s.preset || 'default', (s.train_seconds ? fmtDuration(s.train_seconds) : '\u2013') + (s.train_cached ? ' (cached)' : ''),
      f ? fmtCount(f.steps) : '\u2013', f && f.epochs ? String(f.epochs) : '\u2013', f && f.stop ? f.stop : '\u2013',
      el('span', { class: 'small' }, f && f.output ? f.output : '\u2013'), f && f.best !== null ? fmt(f.best) : '\u2013', fmtCount(s.parameters)];
  }), { cls: 'wrap', caption: 'The systems of this run, as trained' }));
  const refs = REFERENCE_POINTS[[D.corpus, D.source_lang + '-' + D.target_lang, t.name].join(' ')];
  if (refs) {
    b.appendChild(el('h3', {}, 'Reference points (not from this run)'));
    b.appendChild(table(['System', 'BLEU', 'Where from'], refs.map(r => [r[0], fmt(r[1]), r[2]]),
      { caption: 'Cased detokenized sacreBLEU on ' + t.name + ', measured with mtbench on 2 CPU cores (README) or from Moses\u2019 output' }));
  }
  const files = (man.training_data || []).map(f => el('li', {}, `${f.role}: ${f.path} (sha256 ${String(f.sha256 || '').slice(0, 12)}\u2026)`));
  if (files.length) b.appendChild(el('details', {}, el('summary', {}, 'Data, versions and timings'), el('ul', { class: 'small' }, files),
    el('p', { class: 'small' }, `mtbench ${man.mtbench_version || D.mtbench_version || ''}, started ${man.started || '?'}, finished ${man.finished || '?'}, ` +
      `config sha256 ${String(man.config_sha256 || '').slice(0, 12)}\u2026`)));
}

function renderSummary() {
  const b = body('summary'), t = T(), ms = metricsOf(t), ls = labels();
  const best = {};
  for (const m of ms) {
    const vals = ls.map(l => scoreOf(t, l, m)).filter(Boolean);
    if (vals.length) best[m] = vals[0].higher_is_better === false ? Math.min(...vals.map(v => v.score)) : Math.max(...vals.map(v => v.score));
  }
  const rows = ls.map(l => {
    const info = sysInfo(l), st = ((t.analyses || {}).statistics || {})[l] || {};
    return [el('span', {}, el('span', { class: 'swatch', style: 'background:' + colorFor(l) }), l),
      info.paradigm || info.era || '', info.year || ''].concat(ms.map(m => {
      const s = scoreOf(t, l, m);
      if (!s) return '\u2013';
      return el('span', { class: s.score === best[m] ? 'best' : '' }, fmt(s.score), s.ci !== null && s.ci !== undefined ? el('span', { class: 'ci' }, ' \u00b1 ' + fmt(s.ci)) : '');
    })).concat([fmt(st.length_ratio, 3),
      st.unknown_words === undefined || !((t.explanations || {})[l] || []).some(e => e) ? '\u2013' : st.unknown_words,
      st.untranslated_words === undefined || !(t.source || []).length ? '\u2013' : st.untranslated_words]);
  });
  b.appendChild(table(['System', 'Paradigm', 'Year'].concat(ms.map(m => m + (m.startsWith('TER') ? ' \u2193' : ' \u2191')))
    .concat(['Length ratio', 'Unknown', 'Untranslated']), rows));
  b.appendChild(el('p', { class: 'small muted' }, `${(t.references[0] || []).length} segments of ${t.name}. ` +
    '\u00b1: half-width of the 95% paired bootstrap confidence interval; bold: best. Length ratio: output/reference words (13a tokens); ' +
    'unknown: source words the system reported as unknown; untranslated: output words copied from the source that the reference lacks.'));
  for (const m of ms) {
    const sigs = [...new Set(ls.map(l => (scoreOf(t, l, m) || {}).signature).filter(Boolean))];
    for (const s of sigs) b.appendChild(el('div', {}, el('code', { class: 'sig' }, m + ': ' + s)));
  }
  // Systems of the config that are not in the tables: unsupported pair (on_unsupported: skip)
  // or failed mid-run (on_error: continue).
  const out = D.left_out || [];
  if (out.length) {
    const what = { plan: 'not run: unsupported language pair', training: 'failed during training', translation: 'failed during translation' };
    b.appendChild(el('h3', {}, 'Left out of this comparison'));
    b.appendChild(table(['System', 'Registry name', 'What happened', 'Why'],
      out.map(l => [l.label, l.system, what[l.stage] || l.stage, el('span', { class: 'small' }, l.reason)])));
  }
}

function renderTimeline() {
  const b = body('timeline'), t = T(), W = 1120, x0 = 60, x1 = W - 40, yAxis = 150;
  const ls = labels(), years = ls.map(l => sysInfo(l).year).filter(y => y > 0);
  // Height: the axis plus as many label rows as crowded systems need (~150 px apart).
  const sorted = [...years].sort((a, b) => a - b), rowsUsed = [];
  let H = yAxis + 40;
  const lo = Math.min(1950, ...years), hi = Math.max(2025, ...years);
  const X = y => x0 + (y - lo) / (hi - lo) * (x1 - x0);
  for (const y of sorted) {
    let row = 0; while (rowsUsed[row] !== undefined && X(y) - rowsUsed[row] < 150) row++;
    rowsUsed[row] = X(y); H = Math.max(H, yAxis + 48 + row * 40 + 30);
  }
  const svg = sv('svg', { width: W, height: H, viewBox: `0 0 ${W} ${H}` });
  svg.appendChild(sv('line', { x1: x0, x2: x1, y1: yAxis, y2: yAxis, stroke: '#486581', 'stroke-width': 2 }));
  for (let y = Math.ceil(lo / 10) * 10; y <= hi; y += 10) {
    svg.appendChild(sv('line', { x1: X(y), x2: X(y), y1: yAxis - 4, y2: yAxis + 4, stroke: '#486581' }));
    svg.appendChild(sv('text', { x: X(y), y: yAxis + 18, 'text-anchor': 'middle', 'font-size': 11, text: y }));
  }
  LANDMARKS.forEach(([year, name, cite], i) => {
    const x = X(year), y = 30 + (i % 3) * 32;
    svg.appendChild(sv('line', { x1: x, x2: x, y1: y + 6, y2: yAxis, stroke: '#bcccdc', 'stroke-dasharray': '3 3' }));
    svg.appendChild(sv('circle', { cx: x, cy: yAxis, r: 5, fill: '#102a43' }));
    svg.appendChild(sv('text', { x: x, y: y, 'text-anchor': 'middle', 'font-size': 12, 'font-weight': 600, text: year + ' ' + name },
      sv('title', { text: cite })));
  });
  const bleu = metricsOf(t).find(m => m.startsWith('BLEU'));
  const placed = ls.filter(l => sysInfo(l).year > 0).sort((a, b) => sysInfo(a).year - sysInfo(b).year);
  const lastX = [];
  placed.forEach((l, i) => {
    const info = sysInfo(l), x = X(info.year);
    let row = 0; while (lastX[row] !== undefined && x - lastX[row] < 150) row++;
    lastX[row] = x;
    const y = yAxis + 48 + row * 40, s = bleu ? scoreOf(t, l, bleu) : null;
    svg.appendChild(sv('line', { x1: x, x2: x, y1: yAxis, y2: y - 12, stroke: colorFor(l), 'stroke-width': 1.5 }));
    svg.appendChild(sv('circle', { cx: x, cy: yAxis, r: 6, fill: colorFor(l), stroke: '#fff', 'stroke-width': 1.5 }));
    svg.appendChild(sv('text', { x: x, y: y, 'text-anchor': 'middle', 'font-size': 12.5, 'font-weight': 600, fill: colorFor(l), text: l }));
    svg.appendChild(sv('text', { x: x, y: y + 15, 'text-anchor': 'middle', 'font-size': 11.5,
      text: info.year + (s ? ` \u00b7 BLEU ${fmt(s.score)}` : '') }));
  });
  b.appendChild(svg);
  const undated = ls.filter(l => !(sysInfo(l).year > 0));
  if (undated.length) b.appendChild(el('p', { class: 'small muted' }, 'Without a year (external outputs): ' + undated.join(', ')));
  const cites = ls.map(sysInfo).filter(s => s.citation);
  if (cites.length) b.appendChild(el('ul', { class: 'small' }, cites.map(s => el('li', {}, el('b', {}, s.label + ': '),
    (s.title ? s.title + '. ' : '') + s.citation))));
}

function renderSignificance() {
  const b = body('significance'), t = T(), mats = t.significance || [];
  if (!mats.length) { b.appendChild(el('p', { class: 'muted' }, 'No significance tests in this run.')); return; }
  S.sig = Math.min(S.sig, mats.length - 1);
  b.appendChild(el('div', { class: 'controls-line' }, 'Matrix: ', select(mats.map((m, i) => [String(i), `${m.metric}, ${m.test} (${m.samples})`]),
    String(S.sig), v => { S.sig = +v; renderSignificance(); })));
  const m = mats[S.sig], hib = !m.metric.startsWith('TER');
  const rows = m.labels.map((r, i) => [r].concat(m.labels.map((c, j) => {
    const p = (m.p_values[i] || [])[j], d = (m.deltas[i] || [])[j];
    if (p === null || p === undefined) return el('span', {}, '\u2014');
    return el('span', {}, (d >= 0 ? '+' : '') + fmt(d, 2), el('span', {}, 'p = ' + fmt(p, 4)));
  })));
  const tbl = table([''].concat(m.labels), rows, 'sig');
  tbl.querySelectorAll('tbody tr').forEach((tr, i) => tr.querySelectorAll('td').forEach((td, k) => {
    if (k === 0) return;
    const j = k - 1, p = (m.p_values[i] || [])[j], d = (m.deltas[i] || [])[j];
    td.className = (p === null || p === undefined) ? 'diag' : p >= 0.05 ? 'neutral' : ((d > 0) === hib ? 'good' : 'bad');
  }));
  b.appendChild(tbl);
  b.appendChild(el('p', { class: 'small muted' }, `Cell: ${m.metric} of the row system minus the column system, with the paired ` +
    `${m.test} p-value. Green: row significantly better (p < 0.05); red: significantly worse; grey: not significant.`));
}

function bucketChart(id, key, yTitle, xTitle, note) {
  const b = body(id), buckets = (T().analyses || {})[key] || [], ls = labels();
  if (!buckets.length) { b.appendChild(el('p', { class: 'muted' }, 'Not available for this test set.')); return; }
  const series = ls.filter(l => buckets.some(k => l in k.values)).map(l => ({ name: l, color: colorFor(l),
    points: buckets.map((k, i) => [i, k.values[l] === undefined ? null : k.values[l], (k.intervals || {})[l] || null]) }));
  b.appendChild(el('div', { class: 'row' }, lineChart({ series, categories: buckets.map(k => k.label), xTitle, yTitle,
    width: 700, height: 320, yMin: 0 }),
    el('div', {}, legend(series.map(s => s.name)), bucketTable(buckets, series.map(s => s.name), key))));
  if (key === 'length_buckets') { const f = lengthFinding(buckets, series.map(s => s.name)); if (f) b.appendChild(el('p', {}, f)); }
  b.appendChild(el('p', { class: 'small muted' }, note));
}

// Counts always; with bootstrap intervals (length buckets) each system's value and interval.
function bucketTable(buckets, names, key) {
  const unit = key === 'length_buckets' ? 'Sentences' : 'Reference words';
  const withCi = buckets.some(k => k.intervals && Object.keys(k.intervals).length);
  if (!withCi) return table(['Bucket', unit], buckets.map(k => [k.label, k.count]));
  return table(['Bucket', unit].concat(names.map(n => n + ' (95% CI)')), buckets.map(k => [k.label, k.count].concat(names.map(n => {
    const v = k.values[n], ci = (k.intervals || {})[n];
    return v === undefined ? '\u2013' : fmt(v) + (ci ? ` [${fmt(ci[0])}\u2013${fmt(ci[1])}]` : '');
  }))));
}

// What this run found: each system's BLEU from its shortest to its longest bucket (buckets of at
// least 20 sentences), the largest relative fall first. Bahdanau et al. (2014, fig. 2): the
// encoder-decoder without attention falls off beyond about 20 words; with attention it does not.
function lengthFinding(buckets, names) {
  const big = buckets.filter(k => k.count >= 20);
  if (big.length < 2 || !names.length) return '';
  const first = big[0], last = big[big.length - 1];
  const rows = names.filter(n => first.values[n] !== undefined && last.values[n] !== undefined).map(n => {
    const a = first.values[n], z = last.values[n];
    return { n, a, z, rel: a > 0 ? (z - a) / a : 0 };
  }).sort((x, y) => x.rel - y.rel);
  if (!rows.length) return '';
  const parts = rows.map(r => `${r.n} ${r.z < r.a ? 'falls' : 'rises'} from ${fmt(r.a)} to ${fmt(r.z)} BLEU (${r.rel >= 0 ? '+' : '\u2212'}${Math.abs(Math.round(100 * r.rel))}%)`);
  return `This run, from the ${first.label}-word bucket (${first.count} sentences) to the ${last.label}-word bucket (${last.count}): ` +
    parts.join('; ') + '.';
}

function renderNgrams() {
  const b = body('ngrams'), pairs = (T().analyses || {}).ngrams || [];
  if (!pairs.length) { b.appendChild(el('p', { class: 'muted' }, 'Needs at least two systems.')); return; }
  S.pair = Math.min(S.pair, pairs.length - 1);
  b.appendChild(el('div', { class: 'controls-line' }, 'Systems: ', select(pairs.map((p, i) => [String(i), p.system_a + ' vs ' + p.system_b]),
    String(S.pair), v => { S.pair = +v; renderNgrams(); })));
  const p = pairs[S.pair];
  const tbl = (title, list) => el('div', {}, el('h3', {}, title), table(['n-gram', 'Salience', p.system_a, p.system_b],
    list.map(n => [n.ngram, fmt(n.score, 3), n.count_a, n.count_b])));
  b.appendChild(el('div', { class: 'ngram-tables' }, tbl(p.system_a + ' matches more often', p.a_better || []),
    tbl(p.system_b + ' matches more often', p.b_better || [])));
  b.appendChild(el('p', { class: 'small muted' }, 'compare-mt\u2019s salience (Neubig et al. 2019): (m_A + 1) / (m_A + m_B + 2), ' +
    'm = reference-matched occurrences of the n-gram (1\u20134 words, 13a tokens, clipped per sentence).'));
}

// compare-mt's sentence-level analyses (Neubig et al. 2019) from the page's own data: sentence
// BLEU buckets and output-minus-reference length buckets per system, with counts; a click on a
// count lists those sentences in the sentence browser; and the sentences where A beats B most.
const SENTENCE_BLEU_EDGES = [10, 20, 30, 40, 50, 60, 70, 80, 90];
const LENGTH_DIFF_BUCKETS = [['\u2264 \u22126', d => d <= -6], ['\u22125 to \u22123', d => d >= -5 && d <= -3], ['\u22122 to \u22121', d => d >= -2 && d <= -1],
  ['0', d => d === 0], ['1 to 2', d => d >= 1 && d <= 2], ['3 to 5', d => d >= 3 && d <= 5], ['\u2265 6', d => d >= 6]];
const wordsOf = s => String(s || '').split(/\s+/).filter(Boolean).length;
function sentenceBuckets(t, ls, kind) {
  const ref = t.references[0] || [];
  if (kind === 'bleu') {
    const labelsB = SENTENCE_BLEU_EDGES.map((e, i) => `${i ? SENTENCE_BLEU_EDGES[i - 1] : 0}\u2013${e}`).concat([`${SENTENCE_BLEU_EDGES[SENTENCE_BLEU_EDGES.length - 1]}\u2013100`]);
    const members = labelsB.map(() => ({}));
    for (const l of ls) {
      const sb = ((t.sentence_scores || {})[l] || {}).BLEU;
      if (!sb) continue;
      labelsB.forEach((_, k) => { members[k][l] = []; });
      sb.forEach((v, i) => { let k = SENTENCE_BLEU_EDGES.findIndex(e => v < e); if (k < 0) k = labelsB.length - 1; members[k][l].push(i); });
    }
    return { labels: labelsB, members, title: 'sentence BLEU', unit: 'sentences' };
  }
  const members = LENGTH_DIFF_BUCKETS.map(() => ({}));
  for (const l of ls) {
    const out = t.outputs[l];
    if (!out) continue;
    LENGTH_DIFF_BUCKETS.forEach((_, k) => { members[k][l] = []; });
    out.forEach((o, i) => { const d = wordsOf(o) - wordsOf(ref[i]); const k = LENGTH_DIFF_BUCKETS.findIndex(b => b[1](d)); members[k][l].push(i); });
  }
  return { labels: LENGTH_DIFF_BUCKETS.map(b => b[0]), members, title: 'output minus reference length (words)', unit: 'sentences' };
}
function renderSentenceBuckets() {
  const b = body('sentence-buckets'), t = T(), ls = labels().filter(l => t.outputs[l]);
  if (!ls.length || !(t.references[0] || []).length) { b.appendChild(el('p', { class: 'muted' }, 'No system outputs for this test set.')); return; }
  S.sbKind = S.sbKind || 'bleu';
  const data = sentenceBuckets(t, ls, S.sbKind), shown = ls.filter(l => data.members[0][l]);
  b.appendChild(el('div', { class: 'controls-line' }, 'Analysis: ', select([['bleu', 'sentence BLEU buckets'], ['length', 'length difference buckets']], S.sbKind,
    v => { S.sbKind = v; renderSentenceBuckets(); })));
  const series = shown.map(l => ({ name: l, color: colorFor(l), points: data.labels.map((_, k) => [k, data.members[k][l].length]) }));
  b.appendChild(el('div', { class: 'row' }, lineChart({ series, categories: data.labels, xTitle: data.title, yTitle: 'sentences', width: 640, height: 300, yMin: 0 }),
    el('div', {}, legend(shown), table(['Bucket'].concat(shown), data.labels.map((lab, k) => [lab].concat(shown.map(l => {
      const ids = data.members[k][l];
      return ids.length ? el('a', { href: '#examples', class: 'bucket-link', onclick: () => {
        S.filter = { ids, text: `${l}: ${data.title} ${lab}` }; S.page = 0; S.query = ''; renderExamples(); } }, String(ids.length)) : '0';
    }))), { caption: 'Sentences per bucket; click a count to list them in the sentence browser' }))));
  // A better than B.
  if (shown.length > 1 || ls.length > 1) {
    const pool = ls.filter(l => ((t.sentence_scores || {})[l] || {}).BLEU);
    if (pool.length > 1) {
      if (!pool.includes(S.abA)) S.abA = pool[0];
      if (!pool.includes(S.abB) || S.abB === S.abA) S.abB = pool.find(l => l !== S.abA);
      const a = t.sentence_scores[S.abA].BLEU, bb = t.sentence_scores[S.abB].BLEU;
      const order = a.map((v, i) => i).sort((i, j) => (a[j] - bb[j]) - (a[i] - bb[i]) || i - j).slice(0, 10);
      b.appendChild(el('h3', {}, 'Where one system is better than another'));
      b.appendChild(el('div', { class: 'controls-line' }, select(pool, S.abA, v => { S.abA = v; renderSentenceBuckets(); }), ' better than ',
        select(pool.filter(l => l !== S.abA), S.abB, v => { S.abB = v; renderSentenceBuckets(); })));
      b.appendChild(table(['#', 'Source', S.abA, S.abB, 'Reference', '\u0394 sentence BLEU'], order.map(i => [String(i + 1), t.source[i] || '',
        (t.outputs[S.abA] || [])[i] || '', (t.outputs[S.abB] || [])[i] || '', (t.references[0] || [])[i] || '', latexFreeDelta(a[i] - bb[i])]),
        { cls: 'wrap text', caption: `The 10 sentences with the largest sentence-BLEU difference ${S.abA} minus ${S.abB}` }));
      b.appendChild(el('p', { class: 'small muted' }, 'Sentence BLEU as sacreBLEU\u2019s sentence_bleu computes it (exponential smoothing, effective order); ' +
        'a difference on one sentence is noisy, so read several (compare-mt\u2019s "sentence examples").'));
    }
  }
  b.appendChild(el('p', { class: 'small muted' }, 'compare-mt\u2019s bucketed analyses (Neubig et al. 2019). Length: whitespace-separated words of the output minus the reference.'));
}
const latexFreeDelta = d => (d > 0 ? '+' : d < 0 ? '\u2212' : '') + fmt(Math.abs(d));

function sentenceScores(t, l, i) {
  const per = (t.sentence_scores || {})[l] || {};
  return Object.entries(per).map(([m, v]) => v[i] === undefined ? '' : m + ' ' + fmt(v[i])).filter(Boolean).join(' \u00b7 ');
}
function renderExamples() {
  const b = body('examples'), t = T(), ref = t.references[0] || [], ls = labels(), N = ref.length, per = 10;
  const order = S.filter ? S.filter.ids : S.onlyDiff ? ((t.analyses || {}).examples || []) : [...Array(N).keys()];
  const q = S.query.toLowerCase();
  const match = i => !q || [t.source[i] || '', ref[i]].concat(ls.map(l => (t.outputs[l] || [])[i] || '')).some(s => s.toLowerCase().includes(q));
  const hits = order.filter(match), pages = Math.max(1, Math.ceil(hits.length / per));
  S.page = Math.min(S.page, pages - 1);
  const search = el('input', { type: 'search', placeholder: 'Search source, reference, outputs\u2026', value: S.query });
  search.addEventListener('input', e => { S.query = e.target.value; S.page = 0; renderExamples();
    const s = document.querySelector('#examples-body input[type=search]'); s.focus(); s.setSelectionRange(s.value.length, s.value.length); });
  const go = p => { S.page = Math.max(0, Math.min(pages - 1, p)); renderExamples(); };
  if (S.filter) b.appendChild(el('div', { class: 'note', id: 'examples-filter' }, `Showing ${S.filter.ids.length} sentences (${S.filter.text}). `,
    el('button', { type: 'button', onclick: () => { S.filter = null; S.page = 0; renderExamples(); } }, 'show all')));
  b.appendChild(el('div', { class: 'controls-line' }, search,
    el('button', { class: S.onlyDiff ? 'on' : '', onclick: () => { S.onlyDiff = !S.onlyDiff; S.page = 0; renderExamples(); } }, 'Most different only'),
    el('span', { class: 'pager' }, el('button', { onclick: () => go(0), disabled: S.page === 0 }, '\u00ab'),
      el('button', { onclick: () => go(S.page - 1), disabled: S.page === 0 }, '\u2039 Prev'),
      `page ${S.page + 1} / ${pages} (${hits.length} sentences)`,
      el('button', { onclick: () => go(S.page + 1), disabled: S.page >= pages - 1 }, 'Next \u203a'),
      el('button', { onclick: () => go(pages - 1), disabled: S.page >= pages - 1 }, '\u00bb'))));
  for (const i of hits.slice(S.page * per, S.page * per + per)) {
    const explained = ls.some(l => ((t.explanations || {})[l] || [])[i]);
    const card = el('div', { class: 'sentence' }, el('div', { class: 'head' }, el('span', {}, '#' + (i + 1)),
      explained ? el('a', { href: '#explanations', onclick: () => { S.exSeg = i; renderExplanations(); } }, 'explain \u2192') : ''));
    if (t.source[i] !== undefined) card.appendChild(el('div', { class: 'line' }, el('span', { class: 'who' }, 'Source'), el('span', { class: 'src' }, t.source[i]), el('span')));
    card.appendChild(el('div', { class: 'line' }, el('span', { class: 'who' }, 'Reference'), el('span', { class: 'ref' }, ref[i]), el('span')));
    for (const l of ls) {
      const out = (t.outputs[l] || [])[i];
      if (out === undefined) continue;
      card.appendChild(el('div', { class: 'line' }, el('span', { class: 'who' }, el('span', { class: 'swatch', style: 'background:' + colorFor(l) }), l),
        el('span', {}, wordDiff(out, ref[i]).map(([w, hit]) => [el('span', { class: hit ? 'w-hit' : 'w-miss' }, w), ' '])),
        el('span', { class: 'scores' }, sentenceScores(t, l, i))));
    }
    b.appendChild(card);
  }
  b.appendChild(el('p', { class: 'small muted' }, 'Highlighted: output words outside the longest common word subsequence with the reference.'));
}

function renderExplanations() {
  const b = body('explanations'), t = T(), ex = t.explanations || {};
  const ls = labels().filter(l => (ex[l] || []).some(e => e && Object.keys(e).length));
  const done = () => { renderModelView(); renderNeuronView(); renderPositional(); };
  if (!ls.length) { b.appendChild(el('p', { class: 'muted' }, 'No system returned explanations for this test set.')); done(); return; }
  if (!ls.includes(S.exSys)) S.exSys = ls[0];
  const list = ex[S.exSys] || [], explained = list.filter(e => e && Object.keys(e).length).length;
  const total = Math.max(list.length, (t.references[0] || []).length);
  S.exSeg = Math.max(0, Math.min(S.exSeg, total - 1));
  const seg = el('input', { type: 'number', id: 'explain-sentence', min: 1, max: total, value: S.exSeg + 1, style: 'width:80px', 'aria-label': 'sentence number' });
  seg.addEventListener('change', e => { S.exSeg = Math.max(0, Math.min(total - 1, (+e.target.value || 1) - 1)); renderExplanations(); });
  const step = d => el('button', { type: 'button', class: d < 0 ? 'prev-sentence' : 'next-sentence', onclick: () => {
    S.exSeg = Math.max(0, Math.min(total - 1, S.exSeg + d)); renderExplanations(); } }, d < 0 ? '\u2190' : '\u2192');
  b.appendChild(el('div', { class: 'controls-line' }, 'System: ', select(ls, S.exSys, v => { S.exSys = v; S.kind = null; renderExplanations(); }),
    'Sentence: ', step(-1), seg, step(1), el('span', { class: 'muted small' }, `of ${total}; ${explained} explained in this report`)));
  const e = list[S.exSeg];
  if (!e || !Object.keys(e).length) {
    // Honest about what is missing, and how to get it.
    const src = t.source[S.exSeg] || '';
    b.appendChild(el('div', { class: 'note', id: 'unexplained' }, el('p', {}, el('b', {}, `Sentence ${S.exSeg + 1} has no explanation in this run. `),
      `The report holds ${explained} explanation${explained === 1 ? '' : 's'} of ${S.exSys} (the first sentences, to stay small, and any explained later).`),
      src ? el('p', { class: 'small' }, 'Source: ', src) : null,
      el('p', { class: 'small' }, 'To add it to this report: ', el('code', {}, `mtbench explain RUN_DIR --sentence ${S.exSeg + 1}`),
        ' (then reload the page). To see it live: ', el('code', {}, 'mtbench serve --run RUN_DIR'), ' and open ',
        el('code', {}, '/?text=' + encodeURIComponent(src).slice(0, 80) + (src.length > 60 ? '\u2026' : '') + '&show=' + encodeURIComponent(S.exSys)),
        ', or ', el('code', {}, 'mtbench translate --model MODEL_DIR --explain out.jsonl'), ' on that line.')));
    done();
    return;
  }
  S.onchange = () => renderModelView();
  b.appendChild(explanationView(e, { source: t.source[S.exSeg] || '', output: (t.outputs[S.exSys] || [])[S.exSeg] || '', state: S, skipPositional: true }));
  done();
}

// The explanation shown above, all layers and heads at once.
function renderModelView() {
  const b = body('model-view'), t = T(), ex = t.explanations || {};
  const multiOf = e => e ? (e.attention || []).filter(a => !isVectorKind(a.kind) && (MULTI_HEAD_KINDS.includes(a.kind) ||
    (e.attention || []).some(o => o.kind === a.kind && (o.layer > 0 || o.head > 0)))) : [];
  // The system shown above when it has layers and heads, else the first that does.
  const withHeads = labels().filter(l => multiOf((ex[l] || [])[S.exSeg]).length);
  if (!withHeads.length) { b.appendChild(el('p', { class: 'muted' }, `No system has multi-head attention for sentence ${S.exSeg + 1} (only the Transformer has layers and heads).`)); return; }
  const label = withHeads.includes(S.exSys) ? S.exSys : withHeads[0], e = ex[label][S.exSeg], mats = multiOf(e);
  for (const a of mats) {
    if (a.r !== undefined) a.row_tokens = (e.token_lists || [])[a.r] || [];
    if (a.c !== undefined) a.col_tokens = (e.token_lists || [])[a.c] || [];
  }
  b.appendChild(el('p', { class: 'small' }, el('b', {}, label), `, sentence ${S.exSeg + 1}: `, shownTokens(e.source_tokens, S.words !== false).join(' ')));
  b.appendChild(modelView(mats, S, open => {
    if (S.exSys !== label) { S.exSys = label; }
    renderExplanations();
    if (open) document.getElementById('explanations').scrollIntoView();
  }));
}

// Queries and keys of the sentence shown above (neuron view). The Transformer keeps them for the
// first sentences of a run (explain_neuron_sentences) and for any explained later.
function renderNeuronView() {
  const b = body('neuron-view'), t = T(), ex = t.explanations || {};
  const hasVectors = e => !!e && (e.attention || []).some(a => a.kind === 'encoder-query');
  const withVectors = labels().filter(l => (ex[l] || []).some(hasVectors));
  if (!withVectors.length) { b.appendChild(el('p', { class: 'muted' }, 'No system of this run recorded queries and keys (the Transformer does, for its first explained sentences).')); return; }
  const label = withVectors.includes(S.exSys) ? S.exSys : withVectors[0], list = ex[label];
  const available = list.map((e, i) => hasVectors(e) ? i : -1).filter(i => i >= 0);
  const e = list[S.exSeg];
  b.appendChild(el('p', { class: 'small' }, el('b', {}, label), ': queries and keys are kept for sentence' + (available.length === 1 ? ' ' : 's '),
    available.slice(0, 30).map(i => el('button', { type: 'button', class: 'neuron-sentence' + (i === S.exSeg ? ' on' : ''),
      onclick: () => { S.exSeg = i; S.exSys = label; renderExplanations(); } }, String(i + 1))),
    available.length > 30 ? ` … (${available.length})` : '', '. Others: ', el('code', {}, 'mtbench explain RUN_DIR --sentence N'), '.'));
  if (!hasVectors(e)) { b.appendChild(el('p', { class: 'muted', id: 'neuron-missing' }, `Sentence ${S.exSeg + 1} has no queries and keys in this report; pick one above.`)); return; }
  for (const a of e.attention || []) {
    if (a.r !== undefined) a.row_tokens = (e.token_lists || [])[a.r] || [];
    if (a.c !== undefined) a.col_tokens = (e.token_lists || [])[a.c] || [];
  }
  b.appendChild(neuronView(e, S, renderNeuronView));
}

// The positional encodings of the selected system (its longest explained sentence's matrix).
function renderPositional() {
  const b = body('positional-encoding'), t = T(), ex = t.explanations || {};
  const isPE = a => a.kind === 'positional-encoding' || a.kind === 'positional';
  const order = [S.exSys].concat(labels()).filter(Boolean);
  let label = null, pe = null;
  for (const l of order) {
    const list = (ex[l] || []).filter(Boolean);
    let best = null;
    for (const e of list) for (const a of e.attention || []) if (isPE(a)) {
      if (a.r !== undefined) a.row_tokens = (e.token_lists || [])[a.r] || [];
      if (a.c !== undefined) a.col_tokens = (e.token_lists || [])[a.c] || [];
      if (!best || a.row_tokens.length > best.row_tokens.length) best = a;
    }
    if (best) { label = l; pe = best; break; }
  }
  if (!pe) { b.appendChild(el('p', { class: 'muted' }, 'No system of this run reports positional encodings (only the Transformer has them).')); return; }
  b.appendChild(el('p', { class: 'small' }, el('b', {}, label + '. ')));
  b.appendChild(positionalView(pe));
}

function renderLearningCurves() {
  const b = body('learning-curves'), sys = (D.systems || []).filter(s => (s.training_log || []).length);
  if (!sys.length) { b.appendChild(el('p', { class: 'muted' }, 'No training logs (no neural system was trained in this run).')); return; }
  const regular = e => e.type !== 'average' && e.type !== 'end';
  const pts = (s, key) => s.training_log.filter(e => regular(e) && e[key] !== null && e[key] !== undefined).map(e => [e.step, e[key]]);
  // Dev BLEU of every system on one axis (one metric); a checkpoint average is a marker of its
  // own at the last update, not a step of the curve.
  const bleu = sys.map(s => ({ name: s.label, color: colorFor(s.label), points: pts(s, 'dev_bleu') }));
  const marks = [];
  for (const s of sys) for (const e of s.training_log.filter(e => e.type === 'average' && e.dev_bleu !== null && e.dev_bleu !== undefined))
    marks.push({ name: `${s.label}: average of last ${String(e.note || '').split(' ')[1] || 'N'} checkpoints (${String(e.note || '').split(' ')[0] || '?'})`,
      color: colorFor(s.label), points: [[e.step, e.dev_bleu]] });
  b.appendChild(el('div', { class: 'row' }, lineChart({ series: bleu.concat(marks), xTitle: 'optimizer updates', yTitle: 'dev BLEU', title: 'Dev BLEU',
    width: 560, height: 300, yMin: 0 }), el('div', {}, legend(sys.map(s => s.label)),
    marks.length ? el('p', { class: 'small' }, 'Single points at the last update: ', marks.map(m => m.name).join('; '), '.') : null)));
  // Losses: one chart per system, because their objectives differ (label smoothing, models).
  b.appendChild(el('div', { class: 'row' }, sys.map(s => lineChart({ series: [
    { name: 'train', color: colorFor(s.label), points: pts(s, 'loss') },
    { name: 'dev', color: colorFor(s.label), dash: '5 4', points: pts(s, 'dev_loss') }],
  xTitle: 'optimizer updates', yTitle: 'loss per target token', title: s.label + ': loss (solid train, dashed dev)', width: 420, height: 260 }))));
  b.appendChild(el('p', { class: 'small muted' }, 'Each system\u2019s loss is its own training objective (with or without label smoothing), so ' +
    'losses are not compared across charts. "About this run" says which weights produced the test output.'));
}

// Pre-LN vs post-LN, when the run holds Transformers of both norms (configs/transformer-norms.yaml):
// learning curves, per-layer gradient norms logged by the trainer, attention entropy per layer
// and the spread of the attention scores q.k/sqrt(d), all from this run.
const normOf = s => { const m = /\b(pre|post)-norm\b/.exec(s.model_summary || ''); return m ? m[1] : null; };
const layerName = g => g.replace(/^encoder_layers\.(\d+)$/, (x, n) => 'enc ' + (+n + 1)).replace(/^decoder_layers\.(\d+)$/, (x, n) => 'dec ' + (+n + 1));
const layerGroups = s => {
  const names = new Set();
  for (const e of s.training_log || []) for (const g of Object.keys(e.grad_norms || {})) if (/_layers\.\d+$/.test(g)) names.add(g);
  const key = g => [g.startsWith('encoder') ? 0 : 1, +g.split('.').pop()];
  return [...names].sort((a, b) => key(a)[0] - key(b)[0] || key(a)[1] - key(b)[1]);
};
// Mean entropy (bits) of the attention rows of one kind and layer over heads and explained sentences.
function attentionEntropy(list, kind) {
  const sums = {}, counts = {};
  for (const e of list) for (const a of (e && e.attention) || []) {
    if (a.kind !== kind) continue;
    const w = weightsOf(a), cols = ((e.token_lists || [])[a.c] || a.col_tokens || []).length;
    if (!cols) continue;
    for (let i = 0; i + cols <= w.length; i += cols) {
      let z = 0, h = 0;
      for (let j = 0; j < cols; j++) z += Math.max(0, w[i + j]);
      if (!(z > 0)) continue;
      for (let j = 0; j < cols; j++) { const p = Math.max(0, w[i + j]) / z; if (p > 0) h -= p * Math.log2(p); }
      sums[a.layer] = (sums[a.layer] || 0) + h; counts[a.layer] = (counts[a.layer] || 0) + 1;
    }
  }
  return Object.keys(sums).map(Number).sort((a, b) => a - b).map(l => [l, sums[l] / counts[l]]);
}
// Standard deviation of the encoder's scaled scores q.k/sqrt(d) per layer (neuron-view vectors).
function scoreSpread(list) {
  const acc = {};
  for (const e of list) {
    const att = (e && e.attention) || [];
    for (const q of att.filter(a => a.kind === 'encoder-query')) {
      const k = att.find(a => a.kind === 'encoder-key' && a.layer === q.layer && a.head === q.head);
      if (!k) continue;
      const Q = weightsOf(q), K = weightsOf(k), d = ((e.token_lists || [])[q.c] || q.col_tokens || []).length;
      if (!d) continue;
      const n = Math.floor(Q.length / d), r = acc[q.layer] || (acc[q.layer] = { s: 0, s2: 0, n: 0 });
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
        let dot = 0;
        for (let x = 0; x < d; x++) dot += Q[i * d + x] * K[j * d + x];
        dot /= Math.sqrt(d);
        r.s += dot; r.s2 += dot * dot; r.n++;
      }
    }
  }
  return Object.keys(acc).map(Number).sort((a, b) => a - b).map(l => { const r = acc[l], m = r.s / r.n; return [l, Math.sqrt(Math.max(0, r.s2 / r.n - m * m))]; });
}
function renderNorms() {
  const b = body('norms'), t = T(), ex = t.explanations || {};
  const sys = (D.systems || []).filter(s => normOf(s));
  const post = sys.find(s => normOf(s) === 'post'), pre = sys.find(s => normOf(s) === 'pre');
  if (!post || !pre) {
    b.appendChild(el('p', { class: 'muted' }, 'This run does not hold Transformers of both norms. ', el('code', {}, 'mtbench compare configs/transformer-norms.yaml'),
      ' trains a post-LN Transformer (Vaswani et al. 2017) and a pre-LN one (Xiong et al. 2020) alike and fills this section.'));
    return;
  }
  const pair = [post, pre];
  b.appendChild(el('p', { class: 'small' }, 'Post-LN (the original Transformer) normalizes after each residual addition, ',
    el('i', {}, 'x + F(x) \u2192 LN'), '; pre-LN normalizes the input of each sublayer and keeps the residual path free, ', el('i', {}, 'x + F(LN(x))'),
    ', with a final LayerNorm. Xiong et al. (2020) show that post-LN\u2019s gradients are large near the output layers at the start of training, ' +
    'which is why it needs a learning-rate warm-up, while pre-LN\u2019s are similar across layers; Nguyen & Salazar (2019) found pre-LN better in low-resource settings.'));
  // What each reached.
  const bleuMetric = metricsOf(t).find(m => m.startsWith('BLEU'));
  const rows = pair.map(s => {
    const f = trainingFacts(s) || {}, sc = bleuMetric ? scoreOf(t, s.label, bleuMetric) : null;
    return [s.label, normOf(s) + '-LN', sc ? fmt(sc.score) : '\u2013', f.best !== null && f.best !== undefined ? fmt(f.best) : '\u2013',
      f.steps ? fmtCount(f.steps) : '\u2013', fmtDuration(s.train_seconds), f.stop || '\u2013'];
  });
  b.appendChild(table(['System', 'Norm', 'Test BLEU', 'Best dev BLEU', 'Updates', 'Training', 'Stopped by'], rows, { cls: 'text', caption: 'Both trainings of this run, side by side' }));
  const regular = e => e.type !== 'average' && e.type !== 'end';
  const pts = (s, key) => (s.training_log || []).filter(e => regular(e) && e[key] !== null && e[key] !== undefined).map(e => [e.step, e[key]]);
  b.appendChild(el('div', { class: 'row' },
    lineChart({ title: 'Dev BLEU', xTitle: 'optimizer updates', yTitle: 'dev BLEU', width: 420, height: 260, yMin: 0,
      series: pair.map(s => ({ name: s.label, color: colorFor(s.label), points: pts(s, 'dev_bleu') })) }),
    lineChart({ title: 'Training loss', xTitle: 'optimizer updates', yTitle: 'loss per target token', width: 420, height: 260,
      series: pair.map(s => ({ name: s.label, color: colorFor(s.label), points: pts(s, 'loss') })) }),
    legend(pair.map(s => s.label))));
  // Gradient norms per layer: over training, and across layers at the first and last log.
  const groups = pair.map(layerGroups);
  if (groups.every(g => g.length)) {
    b.appendChild(el('h3', {}, 'Gradient norm per layer'));
    b.appendChild(el('div', { class: 'row' }, pair.map((s, k) => lineChart({ title: s.label, xTitle: 'optimizer updates', yTitle: 'gradient L2 norm',
      width: 420, height: 260, series: groups[k].map((g, i) => ({ name: layerName(g), color: PALETTE[i % PALETTE.length],
        points: (s.training_log || []).filter(e => e.grad_norms && e.grad_norms[g] !== undefined).map(e => [e.step, e.grad_norms[g]]) })) })),
    legend(groups[0].map((g, i) => [layerName(g), PALETTE[i % PALETTE.length]]))));
    const logged = s => (s.training_log || []).filter(e => e.grad_norms && Object.keys(e.grad_norms).length);
    const cats = groups[0].map(layerName);
    const at = (s, k, which) => { const l = logged(s), e = which === 'first' ? l[0] : l[l.length - 1];
      return e ? [groups[0].map((g, i) => [i, e.grad_norms[g]]), e.step] : [[], 0]; };
    const charts = ['first', 'last'].map(which => {
      const series = pair.map((s, k) => { const [points, step] = at(s, k, which); return { name: `${s.label} (update ${fmtCount(step)})`, color: colorFor(s.label), points }; });
      return lineChart({ title: `Across layers, ${which} logged update`, categories: cats, xTitle: 'layer (encoder, then decoder)', yTitle: 'gradient L2 norm',
        width: 420, height: 260, series });
    });
    b.appendChild(el('div', { class: 'row' }, charts));
    // The finding, in numbers: how unequal the layers' gradients are early in training.
    const ratio = s => { const l = logged(s)[0]; if (!l) return null; const v = Object.entries(l.grad_norms).filter(([g]) => /_layers\.\d+$/.test(g)).map(([, x]) => x);
      return v.length ? Math.max(...v) / Math.max(1e-12, Math.min(...v)) : null; };
    const rs = pair.map(ratio);
    if (rs.every(r => r !== null))
      b.appendChild(el('p', { class: 'finding' }, `In this run, at the first logged update the largest layer gradient is ${fmt(rs[0], 1)}\u00d7 the smallest with post-LN ` +
        `and ${fmt(rs[1], 1)}\u00d7 with pre-LN` + (rs[0] > rs[1] ? ', as Xiong et al. predict.' : '; Xiong et al. predict the opposite order (their analysis is at initialization, before any update).')));
  } else {
    b.appendChild(el('p', { class: 'muted' }, 'The training logs hold no per-layer gradient norms (models trained before mtbench logged them).'));
  }
  // Attention entropy per layer and the spread of attention scores.
  const kinds = MULTI_HEAD_KINDS.filter(k => pair.some(s => (ex[s.label] || []).some(e => e && (e.attention || []).some(a => a.kind === k))));
  if (kinds.length) {
    b.appendChild(el('h3', {}, 'Attention entropy per layer'));
    const ent = pair.map(s => kinds.map(k => attentionEntropy((ex[s.label] || []).filter(Boolean), k)));
    b.appendChild(el('div', { class: 'row' }, kinds.map((k, ki) => lineChart({ title: k + ' attention', xTitle: 'layer', yTitle: 'entropy (bits)', width: 320, height: 240, yMin: 0,
      categories: [...new Set(ent.flatMap(e => e[ki].map(p => p[0])))].sort((a, c) => a - c).map(l => String(l + 1)),
      series: pair.map((s, si) => ({ name: s.label, color: colorFor(s.label), points: ent[si][ki].map(([l, v]) => [l, v]) })) }))));
    b.appendChild(el('p', { class: 'small muted' }, 'Mean entropy of an attention row (bits) over heads, rows and the explained sentences: low = focused on few tokens, ' +
      'high = spread out (log2 of the sentence length is uniform).'));
  }
  const spreads = pair.map(s => scoreSpread((ex[s.label] || []).filter(Boolean)));
  if (spreads.every(x => x.length)) {
    b.appendChild(el('h3', {}, 'Spread of attention scores after LayerNorm'));
    const layers = [...new Set(spreads.flatMap(x => x.map(p => p[0])))].sort((a, c) => a - c);
    b.appendChild(table(['Encoder layer'].concat(pair.map(s => s.label)), layers.map(l => ['layer ' + (l + 1)].concat(spreads.map(x => {
      const p = x.find(q => q[0] === l); return p ? fmt(p[1], 2) : '\u2013'; }))), { cls: 'text',
      caption: 'Standard deviation of q\u00b7k/\u221ad over all query\u2013key pairs (encoder self-attention, sentences with recorded queries and keys)' }));
    b.appendChild(el('p', { class: 'small muted' }, 'LayerNorm puts every token vector at the same scale (norm about \u221ad before its gain), so what ' +
      'separates high from low attention scores is the direction of q and k, and their learned scale; a wider spread lets a head attend more sharply (Brody et al. 2023, \u201cOn the expressivity role of LayerNorm in Transformers\u2019 attention\u201d). ' +
      'In post-LN the normalized vector is the previous layer\u2019s output; in pre-LN it is the normalized input of the sublayer.'));
  }
}

function renderCosts() {
  const b = body('costs'), sys = D.systems || [];
  if (!sys.length) { b.appendChild(el('p', { class: 'muted' }, 'No system information.')); return; }
  b.appendChild(table(['System', 'Training', 'Decoding', 'Sentences/s', 'Model size', 'Parameters'], sys.map(s => [s.label,
    (s.model_dir || s.train_seconds ? fmtDuration(s.train_seconds) : '\u2013') + (s.train_cached ? ' (cached)' : ''),
    s.translate_seconds ? fmtDuration(s.translate_seconds) : '\u2013', s.sentences_per_second ? fmt(s.sentences_per_second) : '\u2013', fmtBytes(s.model_bytes), fmtCount(s.parameters)])));
  // What each model is built from, where its system says (the rule-based system: which
  // dictionaries, inverted or not, and their sizes).
  for (const s of sys.filter(s => s.model_summary))
    b.appendChild(el('div', { class: 'small' }, el('b', {}, s.label + ': '), s.model_summary));
  b.appendChild(el('div', { class: 'row', style: 'margin-top:14px' },
    barChart(sys.map(s => ({ label: s.label, value: s.train_seconds, color: colorFor(s.label), text: s.train_seconds ? fmtDuration(s.train_seconds) : '\u2013' })), { title: 'Training time', width: 560, log: true }),
    barChart(sys.map(s => ({ label: s.label, value: s.sentences_per_second, color: colorFor(s.label), text: s.sentences_per_second ? fmt(s.sentences_per_second) + '/s' : '\u2013' })), { title: 'Decoding speed (sentences per second)', width: 560, log: true })));
}

function renderDataEfficiency() {
  const b = body('data-efficiency'), de = D.data_efficiency;
  if (!de || !(de.sizes || []).length) { b.appendChild(el('p', { class: 'muted' }, 'Not run (mtbench compare --train-sizes 1000,5000,29000).')); return; }
  const series = Object.entries(de.bleu || {}).map(([l, v]) => ({ name: l, color: colorFor(l), points: de.sizes.map((n, i) => [n, v[i]]) }));
  b.appendChild(el('div', { class: 'row' }, lineChart({ series, logX: true, xTitle: 'training sentence pairs (log scale)', yTitle: 'BLEU on ' + de.test,
    width: 700, height: 320, yMin: 0 }), legend(series.map(s => s.name))));
  b.appendChild(el('p', { class: 'small muted' }, 'Koehn & Knowles 2017 (sec. 3.2): neural systems overtake phrase-based ones only with enough data.'));
}

// Every pair against every system: the first metric of each pair's first test set.
function renderPairs() {
  if (!DATA.runs) return;  // a single run's page has no such section
  const b = body('pairs');
  const pairName = r => r.source_lang + '\u2192' + r.target_lang;
  const labelsAll = [];
  for (const r of DATA.runs) for (const s of (r.systems || []).concat(r.left_out || [])) if (!labelsAll.includes(s.label)) labelsAll.push(s.label);
  const metric = (() => { const t = (DATA.runs[0].tests || [])[0] || {}; return metricsOf(t)[0] || 'BLEU'; })();
  const rows = labelsAll.map(l => [el('span', {}, el('span', { class: 'swatch', style: 'background:' + colorFor(l) }), l)].concat(
    DATA.runs.map(r => {
      const t = (r.tests || [])[0] || {}, s = ((t.scores || {})[l] || []).find(x => x.metric === metric);
      const out = (r.left_out || []).find(x => x.label === l);
      return s ? fmt(s.score) : out ? el('span', { class: 'muted', title: out.reason }, out.stage === 'plan' ? 'unsupported' : 'failed') : '\u2013';
    })));
  b.appendChild(table(['System'].concat(DATA.runs.map(pairName)), rows));
  b.appendChild(el('p', { class: 'small muted' }, metric + ' on each pair\u2019s first test set (' +
    DATA.runs.map(r => pairName(r) + ': ' + (((r.tests || [])[0] || {}).name || '?')).join(', ') +
    '). Choose a pair in the header to see its sections.'));
}

function renderAll() {
  const sections = [['pairs', renderPairs], ['about', renderAbout], ['summary', renderSummary], ['timeline', renderTimeline], ['significance', renderSignificance],
    ['length-buckets', () => bucketChart('length-buckets', 'length_buckets', 'corpus BLEU of the bucket', 'source sentence length (13a tokens)',
      'Reference point, not from this run: Bahdanau et al. 2014 (fig. 2) found that an encoder\u2013decoder without attention (RNNencdec) ' +
      'degrades beyond about 20 words while the attention model (RNNsearch) does not (configs/bahdanau-fig2.yaml reruns it here). ' +
      'Buckets under 10 sentences are merged into their neighbour; intervals: 95% bootstrap over the bucket\u2019s sentences.')],
    ['frequency-buckets', () => bucketChart('frequency-buckets', 'frequency_buckets', 'word F-measure (%)', 'frequency of the word in the training data',
      'compare-mt\u2019s word accuracy: F-measure of output vs reference words, bucketed by training-set frequency; rare words are where systems differ.')],
    ['ngrams', renderNgrams], ['sentence-buckets', renderSentenceBuckets], ['examples', renderExamples], ['explanations', renderExplanations],  // also model view, positional encodings
    ['learning-curves', renderLearningCurves], ['norms', renderNorms], ['costs', renderCosts], ['data-efficiency', renderDataEfficiency]];
  for (const [id, fn] of sections) {
    try { fn(); } catch (err) { MT.record(id + ': ' + (err && err.stack ? err.stack : err)); }
  }
  addExportButtons();
}

(function main() {
  try {
    const box = document.getElementById('test-select-box');
    const showRun = () => {
      const meta = [D.corpus, D.source_lang && (D.source_lang + '\u2192' + D.target_lang), D.train_size ? fmtCount(D.train_size) + ' training pairs' : '',
        (D.systems || []).length + ' systems', D.created].filter(Boolean).join(' \u00b7 ');
      document.getElementById('run-meta').textContent = meta;
      (D.systems || []).forEach(s => colorFor(s.label));
      const old = document.getElementById('test-select');
      if (old) old.remove();
      if ((D.tests || []).length > 1) box.appendChild(el('label', { id: 'test-select' }, 'Test set: ',
        select(D.tests.map((t, i) => [String(i), t.name]), '0', v => { S.test = +v; S.page = 0; S.exSeg = 0; S.filter = null; renderAll(); })));
      renderAll();
    };
    if (DATA.runs) {
      DATA.runs.forEach(r => (r.systems || []).forEach(s => colorFor(s.label)));
      box.appendChild(el('label', {}, 'Language pair: ', select(DATA.runs.map((r, i) => [String(i), r.source_lang + '\u2192' + r.target_lang]), '0',
        v => { D = DATA.runs[+v]; Object.assign(S, { test: 0, page: 0, exSeg: 0, exSys: null, pair: 0, sig: 0, filter: null }); showRun(); })));
    }
    showRun();
    fitLabels();
    // Sections that redraw themselves (a layer, a sentence, a page picked) get their export
    // buttons back and their labels fitted.
    let pending = false;
    new MutationObserver(() => {
      if (pending) return;
      pending = true;
      setTimeout(() => {
        pending = false;
        try { addExportButtons(); fitLabels(); } catch (err) { MT.record('export: ' + err); }
      }, 0);
    }).observe(document.querySelector('main') || document.body, { childList: true, subtree: true });
  } catch (err) {
    MT.record('report: ' + (err && err.stack ? err.stack : err));
  }
  // Sections grew while rendering: honour a #section link given when the page was opened.
  const target = location.hash && document.getElementById(decodeURIComponent(location.hash.slice(1)));
  if (target) target.scrollIntoView();
  document.documentElement.setAttribute('data-rendered', 'true');
})();
