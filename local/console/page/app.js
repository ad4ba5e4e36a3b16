// sluice console: plain ES module, no framework. Data comes from /api/* (same origin, session cookie).
/* global uPlot */

const $ = (id) => document.getElementById(id);
const fmt = new Intl.NumberFormat('en-US');

/** Element with text content only: record data never goes through innerHTML. */
function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = String(text);
  if (cls) e.className = cls;
  return e;
}

const DETECTOR_COLORS = {
  email: '#2563eb',
  card: '#dc2626',
  phone: '#7c3aed',
  ipv4: '#0891b2',
  ipv6: '#0e7490',
  iban: '#c2410c',
  ssn: '#be123c',
  jwt: '#4d7c0f',
  authHeader: '#a16207',
  awsAccessKey: '#9333ea',
  awsSecretKey: '#86198f',
  privateKey: '#b91c1c',
  urlPassword: '#15803d',
  mac: '#475569',
  redacted: '#374151',
};
const colorOf = (d) => DETECTOR_COLORS[d] ?? '#6b7280';

/** Appends `line` to `parent` with each masked span in a <mark> coloured by its detector. */
function renderMasked(parent, line, spans) {
  let at = 0;
  for (const s of spans) {
    if (s.start > at) parent.append(document.createTextNode(line.slice(at, s.start)));
    const m = el('mark', line.slice(s.start, s.end), 'span');
    m.style.setProperty('--c', colorOf(s.detector));
    m.title = s.detector;
    parent.append(m);
    at = s.end;
  }
  parent.append(document.createTextNode(line.slice(at)));
}

function renderLegend(parent, names) {
  parent.replaceChildren();
  for (const n of [...new Set(names)].sort()) {
    const m = el('mark', n, 'span');
    m.style.setProperty('--c', colorOf(n));
    parent.append(m);
  }
}

function fillRows(tbody, rows, empty) {
  tbody.replaceChildren();
  if (rows.length === 0) {
    const tr = el('tr');
    const td = el('td', empty, 'muted');
    td.colSpan = 8;
    tr.append(td);
    tbody.append(tr);
    return;
  }
  for (const cells of rows) {
    const tr = el('tr');
    for (const c of cells) {
      const td = c instanceof Node ? el('td') : el('td', c.text ?? c, c.cls);
      if (c instanceof Node) td.append(c);
      tr.append(td);
    }
    tbody.append(tr);
  }
}

function barRows(tbody, counts, empty) {
  const entries = Object.entries(counts).sort((a, b) => b[1] - a[1]);
  const max = Math.max(1, ...entries.map(([, v]) => v));
  fillRows(
    tbody,
    entries.map(([k, v]) => {
      const bar = el('span', '', 'bar');
      bar.style.setProperty('--w', `${Math.round((v / max) * 100)}%`);
      bar.style.setProperty('--c', colorOf(k));
      const name = el('span');
      name.append(bar, document.createTextNode(k));
      return [name, { text: fmt.format(v), cls: 'num' }];
    }),
    empty,
  );
}

// ---- tabs ----------------------------------------------------------------------------------------------------

const tabs = [$('tab-live'), $('tab-playground')];
function select(tab) {
  for (const t of tabs) {
    const on = t === tab;
    t.setAttribute('aria-selected', String(on));
    t.tabIndex = on ? 0 : -1;
    $(t.getAttribute('aria-controls')).hidden = !on;
  }
  tab.focus();
  history.replaceState(null, '', tab.id === 'tab-playground' ? '#playground' : '#live');
  if (tab.id === 'tab-live') resizeCharts();
}
for (const t of tabs) {
  t.addEventListener('click', () => select(t));
  t.addEventListener('keydown', (e) => {
    const i = tabs.indexOf(t);
    if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
      e.preventDefault();
      select(tabs[(i + (e.key === 'ArrowRight' ? 1 : tabs.length - 1)) % tabs.length]);
    }
  });
}

// ---- live view -----------------------------------------------------------------------------------------------

const SERIES = [
  { key: 'in', label: 'in', stroke: '#2563eb' },
  { key: 'stored', label: 'stored', stroke: '#16a34a' },
  { key: 'dropped', label: 'dropped', stroke: '#d97706' },
  { key: 'masked', label: 'masked values', stroke: '#7c3aed' },
  { key: 'failed', label: 'failed', stroke: '#dc2626' },
];
const LAG_COLORS = ['#0891b2', '#c2410c', '#4d7c0f', '#9333ea', '#be123c', '#475569'];

const charts = {};
function chartWidth(id) {
  return Math.max(240, $(id).clientWidth || 600);
}

function throughputChart(series) {
  const data = [series.t, ...SERIES.map((s) => series[s.key])];
  if (!charts.throughput) {
    charts.throughput = new uPlot(
      {
        width: chartWidth('throughput'),
        height: 220,
        series: [{}, ...SERIES.map((s) => ({ label: s.label, stroke: s.stroke, width: 2 }))],
        axes: [{}, { label: 'per s', size: 60 }],
        scales: { y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] } },
      },
      data,
      $('throughput'),
    );
    charts.throughput.root.querySelector('canvas').setAttribute('data-testid', 'throughput-chart');
    charts.throughput.root.querySelector('canvas').setAttribute('role', 'img');
    charts.throughput.root
      .querySelector('canvas')
      .setAttribute('aria-label', 'Records per second: in, stored, dropped, masked, failed');
  } else charts.throughput.setData(data);
}

const lagHistory = { t: [], shards: new Map() };
function lagChart(at, shards) {
  lagHistory.t.push(Math.round(at / 1000));
  for (const s of shards)
    if (!lagHistory.shards.has(s.shardId))
      lagHistory.shards.set(
        s.shardId,
        lagHistory.t.slice(0, -1).map(() => null),
      );
  for (const [id, values] of lagHistory.shards) {
    const s = shards.find((x) => x.shardId === id);
    values.push(s ? s.lagMs / 1000 : null);
  }
  if (lagHistory.t.length > 180) {
    lagHistory.t.shift();
    for (const v of lagHistory.shards.values()) v.shift();
  }
  const ids = [...lagHistory.shards.keys()];
  const data = [lagHistory.t, ...ids.map((id) => lagHistory.shards.get(id))];
  if (!charts.lag || charts.lagIds !== ids.join()) {
    charts.lag?.destroy();
    charts.lagIds = ids.join();
    charts.lag = new uPlot(
      {
        width: chartWidth('lag'),
        height: 160,
        series: [
          {},
          ...ids.map((id, i) => ({
            label: id.replace('shardId-', 'shard '),
            stroke: LAG_COLORS[i % LAG_COLORS.length],
            width: 2,
          })),
        ],
        axes: [{}, { label: 's', size: 50 }],
        scales: { y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] } },
      },
      data,
      $('lag'),
    );
    charts.lag.root.querySelector('canvas').setAttribute('role', 'img');
    charts.lag.root.querySelector('canvas').setAttribute('aria-label', 'Iterator lag per shard, seconds');
  } else charts.lag.setData(data);
}

function resizeCharts() {
  if (charts.throughput) charts.throughput.setSize({ width: chartWidth('throughput'), height: 220 });
  if (charts.lag) charts.lag.setSize({ width: chartWidth('lag'), height: 160 });
}
new ResizeObserver(() => resizeCharts()).observe(document.querySelector('main'));

const seconds = (ms) => (ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`);

function renderLive(s) {
  const t = s.totals;
  $('c-in').textContent = String(t.recordsIn);
  $('c-stored').textContent = String(t.recordsStored);
  $('c-dropped').textContent = String(t.recordsDropped);
  $('c-masked').textContent = String(t.valuesMasked);
  $('c-failed').textContent = String(t.recordsFailed);
  $('c-retried').textContent = String(t.batchesRetried);
  throughputChart(s.series);
  lagChart(s.at, s.shards);
  fillRows(
    $('shards'),
    s.shards.map((x) => [
      x.shardId,
      { text: seconds(x.lagMs), cls: 'num' },
      { text: fmt.format(x.buffered), cls: 'num' },
      { text: fmt.format(x.invocations), cls: 'num' },
      { text: fmt.format(x.failedInvocations), cls: 'num' },
    ]),
    'processor not running',
  );
  barRows($('dropped'), t.droppedByReason, 'nothing dropped yet');
  barRows($('masked'), t.maskedByDetector, 'nothing masked yet');
  barRows($('failed'), t.failedByReason, 'no failures');
  $('window-note').textContent = `(last ${s.breakdownMinutes} min, from the aggregate table)`;
  fillRows(
    $('breakdown'),
    s.breakdown.totals.map((x) => [
      x.service,
      x.level,
      { text: fmt.format(x.count), cls: 'num' },
      { text: fmt.format(x.bytes), cls: 'num' },
    ]),
    'no aggregates yet',
  );
  fillRows(
    $('patterns'),
    s.breakdown.patterns.map((p) => {
      const code = el('code');
      renderMasked(code, p.template, maskedSpansOf(p.template));
      return [{ text: fmt.format(p.count), cls: 'num' }, p.service, code];
    }),
    'no patterns yet',
  );
  const tail = $('tail');
  tail.replaceChildren();
  const names = [];
  for (const x of s.tail.slice().reverse()) {
    const line = el('div');
    renderMasked(line, x.line, x.spans);
    for (const sp of x.spans) names.push(sp.detector);
    tail.append(line);
  }
  if (s.tail.length === 0) tail.textContent = 'no stored records yet: send some (npm run demo)';
  renderLegend($('legend-live'), names);
  const problems = s.problems.length ? ` · could not read ${s.problems.join(', ')}` : '';
  $('status').textContent =
    `region ${s.region} · tenants ${s.tenants.join(', ')} · updated ${new Date(s.at).toLocaleTimeString()}${problems}`;
}

/** Masked tokens in a template (`<email>`, `<card:…1111>`); templates also hold `<num>` and friends, left plain. */
const TOKEN = /<(redacted|[a-zA-Z0-9]+)(?::[^<>\s]*)?>/g;
function maskedSpansOf(text) {
  const out = [];
  for (const m of text.matchAll(TOKEN))
    if (m[1] in DETECTOR_COLORS) out.push({ start: m.index, end: m.index + m[0].length, detector: m[1] });
  return out;
}

let refreshMs = 2000;
async function poll() {
  try {
    const res = await fetch('/api/live', { cache: 'no-store' });
    if (res.status === 401) {
      $('status').textContent = 'session expired: open the console URL npm start printed';
      return;
    }
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const s = await res.json();
    refreshMs = s.refreshMs;
    renderLive(s);
  } catch (err) {
    $('status').textContent = `local stack not answering (${err.message}); retrying`;
  }
  setTimeout(poll, refreshMs);
}

// ---- playground ----------------------------------------------------------------------------------------------

let lastConfig = '';
async function loadSamples(rulesToo) {
  const res = await fetch('/api/samples');
  const s = await res.json();
  $('pg-input').value = s.lines.join('\n');
  if (rulesToo) $('pg-rules').value = s.rules;
}

function showErrors(errors) {
  const box = $('pg-error');
  box.replaceChildren(el('strong', 'The rules do not validate:'));
  const ul = el('ul');
  for (const e of errors) {
    const li = el('li');
    li.append(el('code', e.path, 'path'), document.createTextNode(` ${e.message}`));
    ul.append(li);
  }
  box.append(ul);
  box.hidden = false;
}

function renderPlayground(r) {
  $('pg-error').hidden = true;
  const names = [];
  fillRows(
    $('pg-lines'),
    r.lines.map((l) => {
      const verdict = el(
        'span',
        l.kept ? 'kept' : `dropped: ${l.reason}`,
        l.kept ? 'badge kept' : 'badge dropped',
      );
      const out = el('code');
      if (l.kept) {
        renderMasked(out, l.output, l.spans);
        for (const sp of l.spans) names.push(sp.detector);
      } else out.append(el('span', l.input, 'muted strike'));
      return [{ text: l.line, cls: 'num' }, verdict, out];
    }),
    'no lines',
  );
  const pre = $('pg-output');
  pre.replaceChildren();
  for (const o of [
    ...r.lines.filter((l) => l.kept).map((l) => ({ output: l.output, spans: l.spans })),
    ...r.summaries,
  ]) {
    const line = el('div');
    renderMasked(line, o.output, o.spans);
    pre.append(line);
  }
  renderLegend($('legend-play'), names);
  fillRows(
    $('pg-counts'),
    r.counts.map((c) => [
      c.service,
      c.level,
      Object.entries(c.dims)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ') || '–',
      { text: fmt.format(c.count), cls: 'num' },
      { text: fmt.format(c.bytes), cls: 'num' },
      Object.entries(c.stats)
        .map(([k, s]) => `${k}: n ${s.count}, min ${s.min}, max ${s.max}, sum ${s.sum}`)
        .join('; ') || '–',
    ]),
    'no aggregates',
  );
  fillRows(
    $('pg-patterns'),
    r.patterns.map((p) => {
      const t = el('code');
      renderMasked(t, p.template, maskedSpansOf(p.template));
      const e = el('code');
      renderMasked(e, p.example, maskedSpansOf(p.example));
      return [{ text: fmt.format(p.count), cls: 'num' }, p.service, t, e];
    }),
    'no templates',
  );
  const dropped = r.stats.in - r.lines.filter((l) => l.kept).length;
  $('pg-summary').textContent =
    `${r.stats.in} in · ${r.stats.in - dropped} kept · ${dropped} dropped · ${Object.values(r.stats.masked).reduce((a, b) => a + b, 0)} values masked`;
  lastConfig = r.config;
  $('pg-config').textContent = r.config;
}

async function run() {
  $('pg-summary').textContent = 'running…';
  try {
    const res = await fetch('/api/playground', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ lines: $('pg-input').value, rules: $('pg-rules').value }),
    });
    const body = await res.json();
    if (body.ok) renderPlayground(body.result);
    else if (body.errors) {
      showErrors(body.errors);
      $('pg-summary').textContent = '';
    } else {
      showErrors([{ path: '(request)', message: body.error ?? `HTTP ${res.status}` }]);
      $('pg-summary').textContent = '';
    }
  } catch (err) {
    showErrors([{ path: '(request)', message: err.message }]);
  }
}

$('pg-run').addEventListener('click', run);
$('pg-samples').addEventListener('click', () => loadSamples(false));
for (const id of ['pg-input', 'pg-rules']) {
  $(id).addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      run();
    }
  });
}
$('pg-copy').addEventListener('click', async () => {
  if (!lastConfig) await run();
  if (!lastConfig) return;
  $('pg-config-box').open = true;
  try {
    await navigator.clipboard.writeText(lastConfig);
    $('pg-summary').textContent = 'config block copied to the clipboard';
  } catch {
    $('pg-summary').textContent = 'copy the config block below';
  }
});

// ---- start ---------------------------------------------------------------------------------------------------

if (location.hash === '#playground') select($('tab-playground'));
loadSamples(true).then(run, () => undefined);
poll();
