// The AiOs dashboard. Plain script, no framework: every value from the server is written as text (textContent or text
// nodes), never parsed as HTML, so grain keys, state and events that contain markup are shown as they are.
'use strict';

(() => {
  const session = { csrfToken: '', mayAct: false, scope: '', keyId: '' };
  let current = null; // the view on screen: { stop() }

  // ---- DOM helpers ---------------------------------------------------------------------------------------------------

  function h(tag, props, ...children) {
    const el = document.createElement(tag);
    for (const [name, value] of Object.entries(props || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (name === 'text') el.textContent = String(value);
      else if (name === 'class') el.className = value;
      else if (name.startsWith('on')) el.addEventListener(name.slice(2), value);
      else el.setAttribute(name, value === true ? '' : String(value));
    }
    append(el, ...children);
    return el;
  }

  // Replaces an element's children; like append, it skips null/false and flattens arrays (replaceChildren would write them as text).
  function fill(el, ...children) {
    el.textContent = '';
    return append(el, ...children);
  }

  function append(el, ...children) {
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      el.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return el;
  }

  function svg(tag, attrs, ...children) {
    const el = document.createElementNS('http://www.w3.org/2000/svg', tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (name === 'text') el.textContent = String(value); else el.setAttribute(name, String(value));
    }
    for (const child of children.flat()) if (child) el.append(child);
    return el;
  }

  function table(columns, rows, id) {
    return h('table', { id },
      h('thead', {}, h('tr', {}, columns.map(c => h('th', { class: c.num ? 'num' : null, text: c.title })))),
      h('tbody', {}, rows.length === 0
        ? h('tr', {}, h('td', { colspan: columns.length, class: 'muted', text: 'None.' }))
        : rows.map(r => h('tr', {}, columns.map(c => {
          const value = c.value(r);
          return h('td', { class: c.num ? 'num' : null }, value instanceof Node ? value : String(value ?? ''));
        })))));
  }

  const pill = text => h('span', { class: 'pill ' + String(text).replace(/[^A-Za-z]/g, ''), text });
  const num = n => Number(n || 0).toLocaleString('en-US');
  const micros = us => us === 'Infinity' || us === Infinity ? '> 1 s' : us >= 1000 ? (us / 1000).toFixed(us >= 10000 ? 0 : 1) + ' ms' : Math.round(us) + ' µs';
  const bytes = b => b >= 1 << 30 ? (b / (1 << 30)).toFixed(1) + ' GiB' : (b / (1 << 20)).toFixed(0) + ' MiB';
  const time = t => new Date(t).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
  function ago(t) {
    const s = Math.round((Date.now() - new Date(t).getTime()) / 1000);
    if (s < 0) return 'in ' + span(-s);
    return span(s) + ' ago';
  }
  function span(s) {
    if (s < 90) return s + ' s';
    if (s < 5400) return Math.round(s / 60) + ' min';
    if (s < 172800) return Math.round(s / 3600) + ' h';
    return Math.round(s / 86400) + ' d';
  }
  const duration = text => { // TimeSpan as .NET writes it: [d.]hh:mm:ss[.fff]
    const m = /^(?:(\d+)\.)?(\d+):(\d+):(\d+)/.exec(text || '');
    return m ? span((+m[1] || 0) * 86400 + (+m[2]) * 3600 + (+m[3]) * 60 + (+m[4])) : String(text);
  };

  // ---- server --------------------------------------------------------------------------------------------------------

  class HttpError extends Error {
    constructor(status, message) { super(message); this.status = status; }
  }

  async function api(path, options = {}) {
    const init = { credentials: 'same-origin', headers: { Accept: 'application/json' }, ...options };
    if (init.method && init.method !== 'GET') {
      init.headers = { ...init.headers, 'Content-Type': 'application/json', 'X-CSRF-Token': session.csrfToken };
    }
    const response = await fetch('api/' + path, init);
    const body = response.status === 204 ? null : await response.json().catch(() => null);
    if (response.status === 401 && path !== 'login') {
      showLogin('Your session ended; log in again.');
      throw new HttpError(401, 'not logged in');
    }
    if (!response.ok) throw new HttpError(response.status, (body && body.error) || response.statusText);
    return body;
  }

  // ---- login ---------------------------------------------------------------------------------------------------------

  function showLogin(message) {
    if (current) current.stop();
    current = null;
    document.getElementById('app').hidden = true;
    document.getElementById('login').hidden = false;
    document.getElementById('login-error').textContent = message || '';
    document.getElementById('api-key').focus();
  }

  function enter(info) {
    Object.assign(session, info);
    document.getElementById('login').hidden = true;
    document.getElementById('app').hidden = false;
    document.getElementById('who').textContent = `key ${info.keyId} · ${info.scope}${info.mayAct ? '' : ' (read-only: actions are refused)'}`;
    buildNav().then(route);
  }

  document.getElementById('login-form').addEventListener('submit', async event => {
    event.preventDefault();
    const input = document.getElementById('api-key');
    try {
      const info = await api('login', { method: 'POST', body: JSON.stringify({ apiKey: input.value }) });
      input.value = '';
      enter(info);
    } catch (error) {
      document.getElementById('login-error').textContent = error.message;
    }
  });

  document.getElementById('logout').addEventListener('click', async () => {
    try { await api('logout', { method: 'POST', body: '{}' }); } catch { /* the session is gone either way */ }
    showLogin('Logged out.');
  });

  // ---- navigation ----------------------------------------------------------------------------------------------------

  const views = {
    cluster: { title: 'Cluster', render: clusterView },
    grains: { title: 'Grains', render: grainsView },
    inspector: { title: 'Inspector', render: inspectorView },
    reminders: { title: 'Reminders', render: remindersView },
    goals: { title: 'Goals', render: goalsView },
    events: { title: 'Events', render: eventsView },
  };
  let panels = [];

  async function buildNav() {
    panels = await api('panels').catch(() => []);
    const nav = document.getElementById('nav');
    fill(nav,
      ...Object.entries(views).map(([name, v]) => h('a', { href: '#/' + name, 'data-view': name, text: v.title })),
      ...panels.map(p => h('a', { href: '#/panel/' + p.name, 'data-view': 'panel/' + p.name, class: p.available ? null : 'unavailable', text: p.title })));
  }

  function route() {
    if (document.getElementById('app').hidden) return;
    const [path, query] = (location.hash.replace(/^#\/?/, '') || 'cluster').split('?');
    const params = new URLSearchParams(query || '');
    if (current) current.stop();
    const view = document.getElementById('view');
    view.textContent = '';
    for (const a of document.querySelectorAll('#nav a')) {
      const name = a.getAttribute('data-view');
      a.classList.toggle('active', path === name || path.startsWith(name + '/'));
    }
    const stops = [];
    const ctx = { view, params, every: (ms, fn) => { fn(); const t = setInterval(fn, ms); stops.push(() => clearInterval(t)); }, onStop: f => stops.push(f) };
    current = { stop: () => stops.splice(0).forEach(f => f()) };
    if (path.startsWith('panel/')) panelView(ctx, path.slice('panel/'.length));
    else if (path.startsWith('goals/')) goalView(ctx, decodeURIComponent(path.slice('goals/'.length)));
    else (views[path] || views.cluster).render(ctx);
  }

  window.addEventListener('hashchange', route);

  function failure(error) {
    return h('p', { class: 'error', text: error.message });
  }

  // ---- charts --------------------------------------------------------------------------------------------------------

  // The step of a chart's four axis steps (the top is four steps): 1, 2, 2.5 or 5 times a power of ten, the smallest
  // that reaches the data, so that the labels are round numbers; a chart of counts (integral) steps by whole numbers of
  // at least 1, so that no two labels show the same rounded count.
  function axisStep(dataMax, integral) {
    const raw = Math.max(dataMax, integral ? 4 : 1) / 4;
    const power = Math.pow(10, Math.floor(Math.log10(raw)));
    return [1, 2, 2.5, 5, 10].map(m => m * power)
      .find(step => step >= raw * (1 - 1e-9) && (!integral || Number.isInteger(step)));
  }

  // Draws lines over the last five minutes (one point per second). series: [{ label, color, values: [{t, v}] }].
  // integral: the values are counts (calls, errors per second).
  function drawChart(canvas, series, format, integral) {
    const ratio = window.devicePixelRatio || 1;
    const width = canvas.clientWidth || 400, height = canvas.clientHeight || 160;
    canvas.width = width * ratio; canvas.height = height * ratio;
    const g = canvas.getContext('2d');
    g.scale(ratio, ratio);
    g.clearRect(0, 0, width, height);
    const left = 56, right = 8, top = 8, bottom = 20;
    const now = Math.floor(Date.now() / 1000), from = now - 300;
    const all = series.flatMap(s => s.values.filter(p => p.t > from && Number.isFinite(p.v)).map(p => p.v));
    const step = axisStep(Math.max(0, ...all), integral), max = step * 4;
    const x = t => left + (t - from) / 300 * (width - left - right);
    const y = v => top + (1 - v / max) * (height - top - bottom);
    g.strokeStyle = '#e5e7eb'; g.fillStyle = '#667085'; g.font = '11px system-ui'; g.lineWidth = 1;
    const labels = [];
    for (let i = 0; i <= 4; i++) {
      const v = step * i, yy = y(v);
      g.beginPath(); g.moveTo(left, yy); g.lineTo(width - right, yy); g.stroke();
      labels.push(format(v));
      g.fillText(labels[i], 2, yy + 4);
    }
    canvas.setAttribute('data-axis', labels.join('|'));
    g.textAlign = 'left'; g.fillText('-5 min', x(from), height - 4);
    g.textAlign = 'center'; g.fillText('-2.5 min', x(from + 150), height - 4);
    g.textAlign = 'right'; g.fillText('now', x(now), height - 4);
    g.textAlign = 'left';
    for (const s of series) {
      g.strokeStyle = s.color; g.lineWidth = 1.5; g.beginPath();
      let started = false;
      for (const p of s.values) {
        if (p.t <= from || !Number.isFinite(p.v)) continue;
        if (started) g.lineTo(x(p.t), y(p.v)); else { g.moveTo(x(p.t), y(p.v)); started = true; }
      }
      g.stroke();
    }
    canvas.setAttribute('data-points', String(series[0] ? series[0].values.length : 0));
    canvas.setAttribute('data-total', String(series.reduce((sum, s) => sum + s.values.reduce((a, p) => a + (Number.isFinite(p.v) ? p.v : 0), 0), 0)));
  }

  function chartCard(id, title, legend) {
    const canvas = h('canvas', { id, class: 'chart' });
    return { canvas, card: h('div', { class: 'card' }, h('h2', { text: title }), canvas,
      h('div', { class: 'legend' }, legend.map(([label, color]) => { const i = h('i'); i.style.background = color; return h('span', {}, i, label); }))) };
  }

  // ---- cluster -------------------------------------------------------------------------------------------------------

  function clusterView(ctx) {
    const silos = h('div', { id: 'silos' });
    const calls = chartCard('chart-calls', 'Calls per second', [['calls/s', '#2563eb']]);
    const errors = chartCard('chart-errors', 'Errors per second', [['errors/s', '#dc2626']]);
    const latency = chartCard('chart-latency', 'Latency', [['p50', '#16a34a'], ['p99', '#d97706']]);
    const status = h('p', { class: 'muted' });
    append(ctx.view, h('h1', { text: 'Cluster' }), status, silos, h('div', { class: 'grid' }, calls.card, errors.card, latency.card));
    let since = 0;
    const series = [];
    ctx.every(1000, async () => {
      try {
        const data = await api('cluster?since=' + since);
        for (const p of data.series) if (p.t > since) series.push(p);
        if (series.length) since = series[series.length - 1].t;
        while (series.length > 300) series.shift();
        status.textContent = `${data.silos.length} silo(s) · updated ${new Date().toLocaleTimeString()}`;
        fill(silos, table([
          { title: 'Silo', value: s => s.siloId },
          { title: 'Status', value: s => pill(s.status) },
          { title: 'Uptime', value: s => span(Math.max(0, Math.round((Date.now() - new Date(s.startedAt)) / 1000))) },
          { title: 'CPU', num: true, value: s => s.answering ? s.cpuPercent.toFixed(1) + ' %' : '—' },
          { title: 'Memory', num: true, value: s => s.answering ? bytes(s.workingSetBytes) : '—' },
          { title: 'Activations', num: true, value: s => num(s.activations) },
          { title: 'Partitions', num: true, value: s => `${s.partitionsOwned} / ${s.partitionCount}` },
          { title: 'Calls', num: true, value: s => num(s.callsHandled) },
          { title: 'Calls/s', num: true, value: s => num(s.callsPerSecond) },
          { title: 'From peers', num: true, value: s => num(s.callsReceived) },
          { title: 'Forwarded', num: true, value: s => num(s.callsForwarded) },
          { title: 'Address', value: s => s.address || '' },
        ], data.silos, 'silo-table'));
        drawChart(calls.canvas, [{ color: '#2563eb', values: series.map(p => ({ t: p.t, v: p.calls })) }], v => num(Math.round(v)), true);
        drawChart(errors.canvas, [{ color: '#dc2626', values: series.map(p => ({ t: p.t, v: p.errors })) }], v => num(Math.round(v)), true);
        drawChart(latency.canvas, [
          { color: '#16a34a', values: series.filter(p => p.calls > 0).map(p => ({ t: p.t, v: Number(p.p50Us) })) },
          { color: '#d97706', values: series.filter(p => p.calls > 0).map(p => ({ t: p.t, v: Number(p.p99Us) })) }], micros);
      } catch (error) {
        if (error.status !== 401) status.textContent = 'Could not read the cluster: ' + error.message;
      }
    });
  }

  // ---- grains: types and methods -------------------------------------------------------------------------------------

  function grainsView(ctx) {
    const types = h('div', { id: 'grain-types' });
    const methods = h('div', { id: 'methods' });
    let order = 'calls';
    const sorter = h('div', { class: 'sorter' }, 'Top methods by ', ['calls', 'latency', 'errors'].map(o =>
      h('button', { type: 'button', 'data-order': o, class: o === order ? 'active' : null, text: o, onclick: () => { order = o; refresh(); } })));
    append(ctx.view, h('h1', { text: 'Grains' }), h('h2', { text: 'Grain types (activations per silo)' }), types, h('h2', { text: 'Methods' }), sorter, methods);
    let last = null;
    function refresh() {
      if (!last) return;
      for (const b of sorter.querySelectorAll('button')) b.classList.toggle('active', b.getAttribute('data-order') === order);
      const siloIds = last.silos.map(s => s.siloId);
      fill(types, table([
        { title: 'Grain type', value: t => h('a', { href: '#/inspector?type=' + encodeURIComponent(t.grainType), text: t.grainType }) },
        { title: 'Activations', num: true, value: t => num(t.activations) },
        ...siloIds.map(id => ({ title: id, num: true, value: t => num(t.perSilo[id] || 0) })),
      ], last.grainTypes, 'grain-type-table'));
      const key = { calls: m => m.calls, latency: m => Number(m.p99Us === 'Infinity' ? Infinity : m.p99Us), errors: m => m.errors }[order];
      const rows = [...last.methods].sort((a, b) => key(b) - key(a)).slice(0, 25);
      fill(methods, table([
        { title: 'Grain type', value: m => m.grainType },
        { title: 'Method', value: m => m.method },
        { title: 'Calls', num: true, value: m => num(m.calls) },
        { title: 'Errors', num: true, value: m => num(m.errors) },
        { title: 'Mean', num: true, value: m => micros(m.meanUs) },
        { title: 'p50', num: true, value: m => micros(m.p50Us) },
        { title: 'p99', num: true, value: m => micros(m.p99Us) },
      ], rows, 'method-table'));
    }
    ctx.every(2000, async () => {
      try { last = await api('cluster?since=' + Math.floor(Date.now() / 1000)); refresh(); } catch (error) { if (error.status !== 401) fill(types, failure(error)); }
    });
  }

  // ---- inspector -----------------------------------------------------------------------------------------------------

  function inspectorView(ctx) {
    const type = h('input', { id: 'inspect-type', name: 'type', required: true, value: ctx.params.get('type') || '' });
    const key = h('input', { id: 'inspect-key', name: 'key', value: ctx.params.get('key') || '', size: 40 });
    const result = h('div', { id: 'inspection' });
    const form = h('form', { class: 'inline', id: 'inspect-form' },
      h('label', {}, 'Grain type', type), h('label', {}, 'Key', key), h('button', { type: 'submit', class: 'primary', text: 'Inspect' }));
    form.addEventListener('submit', event => {
      event.preventDefault();
      location.hash = `#/inspector?type=${encodeURIComponent(type.value)}&key=${encodeURIComponent(key.value)}`;
    });
    append(ctx.view, h('h1', { text: 'Grain inspector' }), form, result);
    if (!ctx.params.has('type') || !ctx.params.has('key')) return;
    api(`grains?type=${encodeURIComponent(ctx.params.get('type'))}&key=${encodeURIComponent(ctx.params.get('key'))}`).then(g => {
      fill(result,
        h('h2', {}, 'Grain ', h('code', { id: 'inspected-id', text: `${g.grainType}/${g.grainKey}` })),
        g.active
          ? h('p', { id: 'activation' }, 'Active on silo ', h('b', { text: g.active.siloId }), ` since ${time(g.active.since)} (${ago(g.active.since)}), partition ${g.active.partition}, `,
            pill(g.active.state), ` · ${g.active.runningCalls} running, ${g.active.waitingCalls} waiting`)
          : h('p', { id: 'activation', class: 'notice', text: 'Not active on any silo.' }),
        h('h2', { text: 'State' }),
        g.states.length === 0
          ? h('p', { id: 'no-state', class: 'notice', text: 'No stored state.' })
          : h('div', { id: 'states' }, g.states.map(s => h('div', { class: 'card state' },
            h('div', {}, h('b', { text: s.name }), ` · ETag `, h('code', { class: 'etag', text: s.eTag }), ` · written by ${s.writtenBy} at ${time(s.writtenAt)}`),
            s.json === null ? h('p', { class: 'muted', text: 'Cleared.' }) : h('pre', { class: 'state-json', text: s.json })))),
        h('h2', { text: 'Reminders' }),
        table([{ title: 'Name', value: r => r.name }, { title: 'Period', value: r => duration(r.period) }, { title: 'Next due', value: r => `${time(r.nextDue)} (${ago(r.nextDue)})` }], g.reminders),
        h('h2', { text: 'Recent events' }),
        table([{ title: '#', num: true, value: e => e.sequence }, { title: 'At', value: e => time(e.at) }, { title: 'Kind', value: e => e.kind },
          { title: 'By', value: e => e.actor }, { title: 'Payload', value: e => h('code', { text: e.payload ?? '(erased)' }) }], g.events));
    }).catch(error => fill(result, failure(error)));
  }

  // ---- reminders -----------------------------------------------------------------------------------------------------

  function remindersView(ctx) {
    const body = h('div', { id: 'reminders' });
    append(ctx.view, h('h1', { text: 'Reminders' }), body);
    ctx.every(5000, async () => {
      try {
        const data = await api('reminders');
        if (data.available === false) { fill(body, h('p', { class: 'notice', text: data.reason })); return; }
        fill(body, h('p', { class: 'muted', text: `${data.total} reminder(s), soonest first` }), table([
          { title: 'Grain', value: r => h('a', { href: `#/inspector?type=${encodeURIComponent(r.grainType)}&key=${encodeURIComponent(r.grainKey)}`, text: `${r.grainType}/${r.grainKey}` }) },
          { title: 'Name', value: r => r.name },
          { title: 'Period', value: r => duration(r.period) },
          { title: 'Next due', value: r => `${time(r.nextDue)} (${ago(r.nextDue)})` },
          { title: 'Partition', num: true, value: r => r.partition },
        ], data.reminders, 'reminder-table'));
      } catch (error) { if (error.status !== 401) fill(body, failure(error)); }
    });
  }

  // ---- goals ---------------------------------------------------------------------------------------------------------

  function progress(done, total) {
    const bar = h('div');
    bar.style.width = (total ? Math.round(done / total * 100) : 0) + '%';
    return h('span', {}, h('span', { class: 'progress' }, bar), ` ${done}/${total}`);
  }

  function goalsView(ctx) {
    const body = h('div', { id: 'goals' });
    append(ctx.view, h('h1', { text: 'Goals' }), body);
    ctx.every(3000, async () => {
      try {
        const goals = await api('goals');
        if (goals.available === false) { fill(body, h('p', { class: 'notice', text: goals.reason })); return; }
        fill(body, table([
          { title: 'Goal', value: g => h('a', { href: '#/goals/' + encodeURIComponent(g.goalId), text: g.goalId }) },
          { title: 'What', value: g => g.text },
          { title: 'Status', value: g => pill(g.phase) },
          { title: 'Progress', value: g => progress(g.tasksDone, g.tasksTotal) },
          { title: 'Escalation', value: g => g.escalation || '' },
          { title: 'Updated', value: g => ago(g.updatedAt) },
        ], goals, 'goal-table'));
      } catch (error) { if (error.status !== 401) fill(body, failure(error)); }
    });
  }

  const phaseColor = { Done: '#16a34a', Running: '#2563eb', Pending: '#94a3b8', Escalated: '#dc2626' };

  // The plan as a graph: tasks in columns by dependency depth, arrows from each dependency.
  function planGraph(tasks) {
    const depth = {};
    const byId = Object.fromEntries(tasks.map(t => [t.id, t]));
    const depthOf = (t, seen = new Set()) => {
      if (depth[t.id] !== undefined) return depth[t.id];
      if (seen.has(t.id)) return 0;
      seen.add(t.id);
      const d = Math.max(-1, ...t.dependsOn.filter(id => byId[id]).map(id => depthOf(byId[id], seen))) + 1;
      return (depth[t.id] = d);
    };
    tasks.forEach(t => depthOf(t));
    const columns = [];
    for (const t of tasks) (columns[depth[t.id]] = columns[depth[t.id]] || []).push(t);
    const w = 170, hgt = 46, gx = 60, gy = 16, pos = {};
    columns.forEach((col, c) => col.forEach((t, r) => { pos[t.id] = { x: 10 + c * (w + gx), y: 10 + r * (hgt + gy) }; }));
    const width = 20 + columns.length * (w + gx), height = 20 + Math.max(1, ...columns.map(c => c.length)) * (hgt + gy);
    const root = svg('svg', { class: 'plan', id: 'plan-graph', width, height, viewBox: `0 0 ${width} ${height}` },
      svg('defs', {}, svg('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 6, markerHeight: 6, orient: 'auto-start-reverse' },
        svg('path', { d: 'M 0 0 L 10 5 L 0 10 z', fill: '#94a3b8' }))));
    for (const t of tasks) for (const dep of t.dependsOn) if (pos[dep]) {
      root.append(svg('line', { x1: pos[dep].x + w, y1: pos[dep].y + hgt / 2, x2: pos[t.id].x, y2: pos[t.id].y + hgt / 2, stroke: '#94a3b8', 'marker-end': 'url(#arrow)' }));
    }
    for (const t of tasks) {
      const p = pos[t.id];
      root.append(svg('g', { class: 'task', 'data-task': t.id, 'data-phase': t.phase },
        svg('rect', { x: p.x, y: p.y, width: w, height: hgt, rx: 6, fill: '#fff', stroke: phaseColor[t.phase] || '#94a3b8', 'stroke-width': 2 }),
        svg('text', { x: p.x + 8, y: p.y + 18, text: `${t.id} · ${t.role}`.slice(0, 26) }),
        svg('text', { x: p.x + 8, y: p.y + 36, fill: phaseColor[t.phase] || '#667085', text: t.phase + (t.attempts > 1 ? ` (${t.attempts} attempts)` : '') }),
        svg('title', { text: t.instructions + (t.lastError ? '\nLast error: ' + t.lastError : '') })));
    }
    return root;
  }

  // What the goal did: its steps with timings, its model calls with their cost, the policy decisions on its side effects and
  // the memory items its tasks' prompts included.
  function goalRecord(r) {
    const when = t => t ? time(t) : '';
    const took = s => {
      if (!s.startedAt || !s.endedAt) return '';
      const ms = Math.max(0, new Date(s.endedAt) - new Date(s.startedAt));
      return ms < 1000 ? ms + ' ms' : span(Math.round(ms / 1000));
    };
    return [
      h('h2', { text: 'Steps' }),
      table([
        { title: 'Task', value: s => s.taskId }, { title: 'Role', value: s => s.role }, { title: 'State', value: s => pill(s.phase) },
        { title: 'Attempts', num: true, value: s => s.attempts }, { title: 'Started', value: s => when(s.startedAt) }, { title: 'Ended', value: s => when(s.endedAt) },
        { title: 'Took', value: took }, { title: 'Tier', value: s => s.tier || '' },
        { title: 'Confidence', num: true, value: s => s.confidence === null || s.confidence === undefined ? '' : s.confidence.toFixed(2) },
        { title: 'Actions', value: s => s.actions.join(', ') },
        { title: 'Notes', value: s => [s.approvalId ? 'approval ' + s.approvalId : '', s.lastError || '', ...s.modelHistory].filter(Boolean).join(' · ') },
      ], r.steps, 'goal-steps'),
      h('h2', {}, 'Model calls · total ', h('span', { id: 'goal-total-cost', text: r.totalCost })),
      table([
        { title: 'At', value: c => time(c.at) }, { title: 'Task', value: c => c.taskId || '(planning)' }, { title: 'Role', value: c => c.role || '' },
        { title: 'Model', value: c => c.model }, { title: 'Input tokens', num: true, value: c => num(c.inputTokens) },
        { title: 'Output tokens', num: true, value: c => num(c.outputTokens) }, { title: 'Cost', num: true, value: c => c.cost },
      ], r.modelCalls, 'goal-calls'),
      h('h2', { text: 'Policy decisions' }),
      table([
        { title: 'At', value: p => time(p.at) }, { title: 'Task', value: p => p.taskId }, { title: 'Action', value: p => p.action },
        { title: 'Decision', value: p => pill(p.outcome) }, { title: 'Rule', value: p => h('code', { class: 'rule', text: p.rule }) },
        { title: 'Why', value: p => p.reason }, { title: 'To', value: p => p.recipient || '' }, { title: 'Policy', num: true, value: p => 'v' + p.policyVersion },
      ], r.policyDecisions, 'goal-decisions'),
      h('h2', { text: 'Memory items used' }),
      r.memory.length === 0
        ? h('p', { id: 'goal-memory', class: 'muted', text: 'No task used memory.' })
        : h('div', { id: 'goal-memory' }, r.memory.map(m => h('div', { class: 'card', 'data-task': m.taskId },
          h('b', { text: `${m.taskId} (${m.role})` }), h('ul', {}, m.items.map(line => h('li', { text: line })))))),
    ];
  }

  function goalView(ctx, goalId) {
    const body = h('div', { id: 'goal' });
    append(ctx.view, h('p', {}, h('a', { href: '#/goals', text: '← Goals' })), body);
    const message = h('p', { id: 'action-result' });
    ctx.every(3000, async () => {
      try {
        const [d, record] = await Promise.all([api('goals/' + encodeURIComponent(goalId)), api(`goals/${encodeURIComponent(goalId)}/history`)]);
        const g = d.goal;
        const finished = ['Done', 'Failed', 'Cancelled'].includes(g.phase);
        const cancel = h('button', { type: 'button', id: 'cancel-goal', disabled: !session.mayAct || finished,
          title: session.mayAct ? 'Stops the goal: no further task starts' : 'Your key is read-only', text: 'Cancel goal' });
        cancel.addEventListener('click', async () => {
          try { const r = await api(`goals/${encodeURIComponent(goalId)}/cancel`, { method: 'POST', body: '{}' }); message.textContent = `Goal is now ${r.phase}.`; }
          catch (error) { message.textContent = 'Refused: ' + error.message; message.className = 'error'; }
        });
        fill(body,
          h('h1', {}, 'Goal ', h('code', { text: g.goalId })),
          h('p', {}, pill(g.phase), ' ', progress(g.tasksDone, g.tasksTotal), ' ', g.text),
          g.escalation ? h('p', { class: 'notice', text: 'Escalated: ' + g.escalation }) : null,
          h('div', {}, cancel, session.mayAct ? null : h('span', { class: 'muted', text: ' Read-only key: actions are refused.' })), message,
          h('h2', { text: 'Plan' }), g.plan.length ? h('div', { class: 'card' }, planGraph(g.plan)) : h('p', { class: 'muted', text: 'Not planned yet.' }),
          ...goalRecord(record),
          h('h2', { text: 'History' }), h('ol', { id: 'goal-history' }, d.history.map(line => h('li', { text: line }))));
      } catch (error) { if (error.status !== 401) fill(body, failure(error)); }
    });
  }

  // ---- live events ---------------------------------------------------------------------------------------------------

  function eventsView(ctx) {
    const status = h('p', { class: 'muted', id: 'feed-status', text: 'Connecting…' });
    const list = h('ul', { class: 'feed', id: 'event-feed' });
    append(ctx.view, h('h1', { text: 'Live events' }), status, list);
    const item = (e, fresh) => h('li', { class: fresh ? 'new' : null, 'data-sequence': e.sequence },
      h('b', { text: `#${e.sequence} ${e.kind}` }), ` · ${e.grainType}/${e.grainKey ?? '(erased)'} · ${time(e.at)} · ${e.source} · ${e.actor}`,
      h('div', {}, h('code', { text: e.payload ?? '(erased)' })));
    let source = null;
    api('events').then(data => {
      if (data.available === false) { status.textContent = data.reason; return; }
      for (const e of data.events) list.prepend(item(e, false));
      source = new EventSource('api/events/stream?after=' + data.lastSequence);
      source.onopen = () => { status.textContent = 'Live: new events appear at the top.'; };
      source.onmessage = m => { list.prepend(item(JSON.parse(m.data), true)); while (list.children.length > 200) list.lastChild.remove(); };
      source.onerror = () => { status.textContent = 'Reconnecting…'; };
    }).catch(error => { status.textContent = error.message; });
    ctx.onStop(() => source && source.close());
  }

  // ---- control-plane panels ------------------------------------------------------------------------------------------

  function barChart(chart) {
    const canvas = h('canvas', { class: 'chart' });
    const card = h('div', { class: 'card' }, h('h2', { text: `${chart.title} (${chart.unit})` }), canvas);
    requestAnimationFrame(() => {
      const ratio = window.devicePixelRatio || 1, width = canvas.clientWidth || 400, height = canvas.clientHeight || 160;
      canvas.width = width * ratio; canvas.height = height * ratio;
      const g = canvas.getContext('2d'); g.scale(ratio, ratio);
      const max = Math.max(1, ...chart.values), n = chart.values.length || 1, bw = (width - 20) / n;
      g.font = '11px system-ui';
      chart.values.forEach((v, i) => {
        const bh = v / max * (height - 36);
        g.fillStyle = '#2563eb'; g.fillRect(10 + i * bw + 2, height - 20 - bh, bw - 4, bh);
        g.fillStyle = '#667085'; g.fillText(String(chart.labels[i] ?? '').slice(0, 12), 10 + i * bw + 2, height - 6);
      });
    });
    return card;
  }

  function panelView(ctx, name) {
    const body = h('div', { id: 'panel' });
    append(ctx.view, body);
    const message = h('p', { id: 'action-result' });
    async function load() {
      try {
        const p = await api('panels/' + encodeURIComponent(name));
        if (!p.available) {
          fill(body, h('h1', { text: p.title }), h('p', { class: 'notice unavailable', id: 'not-available', text: 'Not available yet. ' + p.promise }));
          return;
        }
        const c = p.content;
        const selected = new Set();
        const act = async (action, ids, input) => {
          try {
            const r = await api(`panels/${encodeURIComponent(name)}/actions/${encodeURIComponent(action)}`, { method: 'POST', body: JSON.stringify({ rowIds: ids, input }) });
            message.className = ''; message.textContent = r.message; load();
          } catch (error) { message.className = 'error'; message.textContent = 'Refused: ' + error.message; }
        };
        // An action that takes input opens an edit box above the table, starting from what the panel offers (the item's
        // current payload for edit-and-approve), so the operator edits rather than retypes.
        const editor = h('div', { id: 'action-input', class: 'card', hidden: true });
        const ask = (a, ids) => {
          const box = h('textarea', { id: 'action-input-text', rows: 12, spellcheck: 'false', 'aria-label': a.label + ' (JSON)' });
          box.style.width = '100%';
          box.value = a.prefill ?? '{}';
          const submit = () => {
            let input;
            try { input = JSON.parse(box.value); } catch { message.className = 'error'; message.textContent = 'That is not JSON.'; return; }
            editor.hidden = true;
            act(a.name, ids, input);
          };
          fill(editor, h('div', {}, h('b', { text: a.label }), ` · ${ids.join(', ')} (JSON)`), box,
            h('div', {}, h('button', { type: 'button', id: 'action-input-submit', class: 'primary', text: a.label, onclick: submit }), ' ',
              h('button', { type: 'button', id: 'action-input-cancel', text: 'Cancel', onclick: () => { editor.hidden = true; } })));
          editor.hidden = false;
          box.focus();
        };
        const button = (a, ids) => h('button', { type: 'button', 'data-action': a.name, disabled: !session.mayAct, text: a.label,
          onclick: () => a.takesInput ? ask(a, ids) : act(a.name, ids, null) });
        const batchActions = [...new Map(c.rows.flatMap(r => r.actions).filter(a => !a.takesInput).map(a => [a.name, a])).values()];
        fill(body, h('h1', { text: p.title }), c.note ? h('p', { class: 'muted', text: c.note }) : null,
          (c.charts || []).length ? h('div', { class: 'grid' }, c.charts.map(barChart)) : null,
          batchActions.length ? h('div', {}, 'Selected: ', batchActions.map(a => h('button', { type: 'button', 'data-batch': a.name, disabled: !session.mayAct,
            text: a.label + ' selected', onclick: () => act(a.name, [...selected]) }))) : null,
          message, editor,
          table([
            { title: '', value: r => h('input', { type: 'checkbox', onchange: e => e.target.checked ? selected.add(r.id) : selected.delete(r.id) }) },
            ...c.columns.map((title, i) => ({ title, value: r => r.cells[i] })),
            { title: '', value: r => h('span', {}, r.actions.map(a => button(a, [r.id]))) },
          ], c.rows, 'panel-table'));
      } catch (error) { if (error.status !== 401) fill(body, failure(error)); }
    }
    load();
  }

  // ---- start ---------------------------------------------------------------------------------------------------------

  fetch('api/session', { credentials: 'same-origin' })
    .then(r => r.ok ? r.json().then(enter) : showLogin(''))
    .catch(() => showLogin('The silo cannot be reached.'));
})();
