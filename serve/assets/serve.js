
// The `mtbench serve` page: asks /api/systems which models are served, sends the typed sentence
// to /api/translate and draws each system's output side by side, then its explanation with the
// report's own views (explanationView of explain_view.js). Only DOM building, no innerHTML: every
// text from the server or the user is inserted as text.
// For the browser tests, <html> gets data-systems (when the list arrived) and data-translated
// (a counter increased after each drawn answer).
const SERVE = { systems: [], results: null, text: '', shown: null, states: {}, requests: 0 };

function setStatus(text, isError) {
  const s = document.getElementById('status');
  s.textContent = text;
  s.className = 'small ' + (isError ? 'error' : 'muted');
}

function chosenSystems() {
  return Array.from(document.querySelectorAll('#system-choices input[type=checkbox]'))
    .filter(c => c.checked && !c.disabled).map(c => c.value);
}

function renderChoices() {
  const box = clear(document.getElementById('system-choices'));
  box.appendChild(document.createTextNode('Systems: '));
  for (const s of SERVE.systems) {
    colorFor(s.label);
    box.appendChild(el('label', { class: 'choice', title: s.error ? 'failed to load: ' + s.error : (s.title || s.system) },
      el('input', { type: 'checkbox', value: s.label, checked: s.loaded, disabled: !s.loaded }),
      el('span', { class: 'swatch', style: 'background:' + colorFor(s.label) }), s.label));
  }
}

function systemCard(s, r) {
  const info = SERVE.systems.find(x => x.label === s) || { label: s };
  const card = el('div', { class: 'system-output', 'data-label': s, tabindex: 0,
    onclick: () => showExplanation(s), onkeydown: e => { if (e.key === 'Enter') showExplanation(s); } },
    el('div', { class: 'who' }, el('span', { class: 'swatch', style: 'background:' + colorFor(s) }), el('b', {}, s),
      el('span', { class: 'muted small' }, ' ' + [info.era, info.title].filter(Boolean).join(' \u00b7 '))));
  if (r.error) card.appendChild(el('div', { class: 'error text' }, 'error: ' + r.error));
  else card.appendChild(el('div', { class: 'text', lang: info.target_lang || null }, r.output === '' ? '\u2205 (empty output)' : r.output));
  card.appendChild(el('div', { class: 'small muted' }, r.ms !== undefined ? fmt(r.ms, 1) + ' ms' : '',
    r.wait_ms > 1 ? ' (+' + fmt(r.wait_ms, 0) + ' ms waiting for the model)' : '',
    info.preset ? ' \u00b7 preset ' + info.preset : ''));
  return card;
}

function renderOutputs() {
  const b = clear(document.getElementById('outputs-body'));
  if (!SERVE.results) {
    b.appendChild(el('p', { class: 'muted' }, SERVE.systems.length ? 'Type a sentence and press Translate.' : 'No systems are served.'));
    return;
  }
  b.appendChild(el('div', { class: 'small' }, el('b', {}, 'Source: '), SERVE.text));
  b.appendChild(el('div', { class: 'outputs-grid' }, SERVE.results.map(r => systemCard(r.label, r))));
}

function showExplanation(label) {
  SERVE.shown = label;
  renderExplanations();
  const params = new URLSearchParams({ text: SERVE.text, show: label });
  history.replaceState(null, '', '?' + params.toString());
  document.getElementById('explanations').scrollIntoView({ block: 'nearest' });
}

function renderExplanations() {
  const b = clear(document.getElementById('explanations-body'));
  const explained = (SERVE.results || []).filter(r => r.explanation && Object.keys(r.explanation).length);
  if (!explained.length) {
    b.appendChild(el('p', { class: 'muted' }, SERVE.results ? 'No explanations: tick \u201cexplanations\u201d and translate again.'
      : 'Translate a sentence with explanations on to see the rule trace, phrases, attention and positional encodings.'));
    return;
  }
  if (!explained.some(r => r.label === SERVE.shown)) SERVE.shown = explained[0].label;
  b.appendChild(el('div', { class: 'controls-line', role: 'tablist' }, 'System: ', explained.map(r => el('button', {
    role: 'tab', 'aria-selected': r.label === SERVE.shown ? 'true' : 'false', class: r.label === SERVE.shown ? 'on' : '',
    'data-label': r.label, onclick: () => showExplanation(r.label) }, r.label))));
  const r = explained.find(x => x.label === SERVE.shown);
  const state = SERVE.states[r.label] || (SERVE.states[r.label] = { kind: null, layer: 0, heads: null });
  b.appendChild(explanationView(r.explanation, { source: SERVE.text, output: r.output, state: state }));
}

async function translate(event) {
  if (event) event.preventDefault();
  const text = document.getElementById('text').value.trim();
  if (!text) { setStatus('Type a sentence first.', true); return; }
  const systems = chosenSystems();
  if (!systems.length) { setStatus('Choose at least one system.', true); return; }
  const body = { text: text, systems: systems, explain: document.getElementById('explain').checked };
  const beam = document.getElementById('beam').value;
  if (beam) body.beam = +beam;
  const button = document.getElementById('translate');
  button.disabled = true;
  setStatus('Translating\u2026');
  const started = performance.now();
  try {
    const res = await fetch('/api/translate', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    const data = await res.json().catch(() => ({ error: 'the server sent no JSON (HTTP ' + res.status + ')' }));
    if (!res.ok) { setStatus(data.error || ('HTTP ' + res.status), true); return; }
    SERVE.results = data.results;
    SERVE.text = data.text;
    renderOutputs();
    renderExplanations();
    setStatus(data.results.length + ' systems in ' + fmt((performance.now() - started) / 1000, 2) + ' s');
    const params = new URLSearchParams({ text: SERVE.text });
    if (SERVE.shown) params.set('show', SERVE.shown);
    history.replaceState(null, '', '?' + params.toString());
    document.documentElement.setAttribute('data-translated', String(++SERVE.requests));
  } catch (err) {
    setStatus('request failed: ' + err, true);
  } finally {
    button.disabled = false;
  }
}

(async function main() {
  try {
    document.getElementById('translate-form').addEventListener('submit', translate);
    document.getElementById('text').addEventListener('keydown', e => {
      if (e.key === 'Enter' && !e.shiftKey) translate(e);  // Enter translates; Shift+Enter is a newline
    });
    const res = await fetch('/api/systems');
    const data = await res.json();
    SERVE.systems = data.systems || [];
    const langs = [...new Set(SERVE.systems.filter(s => s.source_lang).map(s => s.source_lang + '\u2192' + s.target_lang))];
    document.getElementById('run-meta').textContent = [SERVE.systems.filter(s => s.loaded).length + ' systems', langs.join(', '),
      'type a sentence; every era translates it'].filter(Boolean).join(' \u00b7 ');
    const links = document.getElementById('links');
    if (data.report) links.appendChild(el('a', { href: '/report' }, 'the run\u2019s report'));
    links.appendChild(el('a', { href: '/api/systems' }, 'API'));
    const failed = SERVE.systems.filter(s => !s.loaded);
    if (failed.length) setStatus(failed.map(s => s.label + ' failed to load: ' + s.error).join('; '), true);
    renderChoices();
    renderOutputs();
    document.documentElement.setAttribute('data-systems', String(SERVE.systems.length));
    // Links a teacher can share: /?text=...&show=LABEL translates at once and opens that
    // system's explanation.
    const params = new URLSearchParams(location.search);
    if (params.get('text')) {
      document.getElementById('text').value = params.get('text');
      SERVE.shown = params.get('show');
      await translate();
    }
  } catch (err) {
    MT.record('serve: ' + (err && err.stack ? err.stack : err));
  }
})();
