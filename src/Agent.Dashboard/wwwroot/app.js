// The dashboard page: reads /events (Server-Sent Events) and draws the session. No framework, no build step.
'use strict';

const token = new URLSearchParams(location.search).get('token');
const withToken = (path, params = {}) => {
  const query = new URLSearchParams(params);
  if (token) query.set('token', token);
  const text = query.toString();
  return text ? `${path}?${text}` : path;
};
const $ = id => document.getElementById(id);
const SVG = 'http://www.w3.org/2000/svg';
const MAX_PACKET_ROWS = 500;

function el(tag, attrs = {}, text) {
  const e = tag.startsWith('svg:') ? document.createElementNS(SVG, tag.slice(4)) : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

// 42s, 12m05s, 3h02m, 2d03h, as agent status writes them.
function duration(seconds) {
  const s = Math.max(0, Math.floor(seconds)), pad = n => String(n).padStart(2, '0');
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${pad(s % 60)}s`;
  if (s < 86400) return `${Math.floor(s / 3600)}h${pad(Math.floor(s / 60) % 60)}m`;
  return `${Math.floor(s / 86400)}d${pad(Math.floor(s / 3600) % 24)}h`;
}
const seen = (seenS, leftS) => leftS != null ? `left ${duration(leftS)} ago` : seenS == null ? '-' : `${duration(seenS)} ago`;
const dash = v => v == null ? '-' : String(v);

function drops(stats) {
  const entries = Object.entries(stats.drops || {}).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const total = entries.reduce((sum, [, n]) => sum + n, 0);
  if (total === 0) return '0';
  const named = entries.slice(0, 3).map(([k, n]) => `${k} ${n}`).join(', ');
  return `${total} (${named}${entries.length > 3 ? `, +${entries.length - 3} more` : ''})`;
}

function sparkline(points) {
  const svg = el('svg:svg', { class: 'spark', viewBox: '0 0 120 22', preserveAspectRatio: 'none' });
  const last = points.slice(-60);
  if (last.length < 2) return svg;
  const max = Math.max(1, ...last);
  const step = 120 / (last.length - 1);
  svg.appendChild(el('svg:polyline', { points: last.map((p, i) => `${(i * step).toFixed(1)},${(21 - p / max * 20).toFixed(1)}`).join(' ') }));
  svg.appendChild(el('svg:title', {}, `now ${last[last.length - 1]} packets/s, at most ${max}`));
  return svg;
}

function renderAgents(agents) {
  const body = $('agents').tBodies[0];
  body.replaceChildren(...agents.map(a => {
    const s = a.stats;
    const row = el('tr', { class: 'agent' + (a.left_s != null ? ' left' : ''), 'data-name': a.name });
    const cells = [
      [a.name], [a.kind || '-'], [a.addresses.length ? a.addresses.join(' ') : '-'], [seen(a.seen_s, a.left_s)],
      [s ? s.up_packets : '-', 'n up-packets'], [s ? s.up_bytes : '-', 'n up-bytes'],
      [s ? s.down_packets : '-', 'n down-packets'], [s ? s.down_bytes : '-', 'n down-bytes'],
      [s ? drops(s) : '-', 'drops'], [s ? s.reconnects : '-', 'n'], [s ? duration(s.uptime_s) : '-', 'n'],
    ];
    for (const [text, cls] of cells) row.appendChild(el('td', cls ? { class: cls } : {}, dash(text)));
    const spark = el('td');
    spark.appendChild(sparkline(a.rates || []));
    row.appendChild(spark);
    return row;
  }));
  $('no-agents').hidden = agents.length > 0;
  const filter = $('filter'), chosen = filter.value;
  const names = agents.map(a => a.name);
  if ([...filter.options].slice(1).map(o => o.value).join() !== names.join()) {
    filter.replaceChildren(el('option', { value: '' }, 'all'), ...names.map(n => el('option', { value: n }, n)));
    filter.value = names.includes(chosen) ? chosen : '';
  }
}

function renderRouters(routers) {
  $('routers').replaceChildren(...routers.map(r => {
    const p = el('p', { class: 'router' });
    const traffic = Object.entries(r.traffic || {}).map(([a, t]) => `${a}: received ${t.received}, forwarded ${t.forwarded}, dropped ${t.dropped}`);
    p.textContent = `Router ${r.component}${r.replica ? ' ' + r.replica : ''}: ${seen(r.seen_s, r.left_s)}, up ${duration(r.uptime_s || 0)}, agents ${(r.agents || []).join(', ') || 'none yet'}`
      + (traffic.length ? ' — ' + traffic.join('; ') : '');
    return p;
  }));
}

// The mesh as a tree from its DAG root (d3-hierarchy's tidy layout); motes whose parents are not known hang under an
// invisible node (VIRTUAL: d3.stratify takes an empty id for none), so that a mesh still forming is drawn too.
const VIRTUAL = '~';
function meshTree(mesh) {
  const ids = new Set(mesh.motes.map(m => m.eui64));
  const nodes = mesh.motes.map(m => ({ id: m.eui64, parent: m.parents.length && ids.has(m.parents[0]) ? m.parents[0] : VIRTUAL }));
  nodes.push({ id: VIRTUAL, parent: null });
  let root;
  try {
    root = d3.stratify().id(d => d.id).parentId(d => d.parent)(nodes);
  } catch (e) { // a loop in the parents: draw every mote flat
    root = d3.stratify().id(d => d.id).parentId(d => d.parent)(nodes.map(n => n.id === VIRTUAL ? n : { id: n.id, parent: VIRTUAL }));
  }
  const motes = root.descendants().filter(n => n.id !== VIRTUAL);
  if (motes.length === 0) return el('p', { class: 'note' }, 'no motes yet: they appear with their first DAO');
  d3.tree().nodeSize([100, 70])(root);
  const minX = Math.min(...motes.map(n => n.x)), maxX = Math.max(...motes.map(n => n.x));
  const width = maxX - minX + 190, height = (root.height - 1) * 70 + 44;
  const svg = el('svg:svg', { class: 'tree', width, height, 'data-mesh': mesh.name });
  const at = n => [n.x - minX + 30, (n.depth - 1) * 70 + 22];
  for (const link of root.links()) {
    if (link.source.id === VIRTUAL) continue;
    const [x1, y1] = at(link.source), [x2, y2] = at(link.target);
    svg.appendChild(el('svg:line', { class: 'edge', x1, y1, x2, y2, 'data-from': link.target.id, 'data-to': link.source.id }));
  }
  const byId = new Map(mesh.motes.map(m => [m.eui64, m]));
  for (const node of root.descendants()) {
    if (node.id === VIRTUAL) continue;
    const mote = byId.get(node.id), [x, y] = at(node);
    const isRoot = mote.eui64 === mesh.root;
    const circle = el('svg:circle', { class: 'mote' + (isRoot ? ' root' : ''), cx: x, cy: y, r: isRoot ? 16 : 12, 'data-eui64': mote.eui64 });
    circle.appendChild(el('svg:title', {}, `${mote.eui64}\n${mote.address}`));
    svg.appendChild(circle);
    svg.appendChild(el('svg:text', { x: x + 20, y: y + 4 }, mote.eui64.slice(-5) + (isRoot ? ' (root)' : mote.hops != null ? ` · ${mote.hops} hop${mote.hops === 1 ? '' : 's'}` : '')));
  }
  return svg;
}

function renderMeshes(meshes) {
  $('meshes').replaceChildren(...meshes.map(mesh => {
    const section = el('div', { class: 'mesh-of', 'data-agent': mesh.name });
    const edges = mesh.motes.filter(m => m.parents.length).length;
    section.appendChild(el('h2', {}, `Mesh of ${mesh.name}: ${mesh.motes.length} motes, ${edges} edges, root ${mesh.root || 'not known yet'}`));
    const row = el('div', { class: 'mesh' });
    row.appendChild(meshTree(mesh));
    const table = el('table', { class: 'motes' });
    table.appendChild(el('thead')).appendChild(el('tr')).append(...['mote', 'address', 'hops', 'parent', 'last DAO'].map(h => el('th', {}, h)));
    const body = table.appendChild(el('tbody'));
    for (const m of [...mesh.motes].sort((a, b) => (a.hops ?? 99) - (b.hops ?? 99))) {
      const tr = body.appendChild(el('tr', { 'data-eui64': m.eui64 }));
      tr.append(el('td', {}, m.eui64), el('td', {}, m.address), el('td', { class: 'n' }, m.eui64 === mesh.root ? 'root' : dash(m.hops)),
        el('td', {}, m.parents.join(', ') || '-'), el('td', {}, m.last_dao_s == null ? '-' : `${duration(m.last_dao_s)} ago`));
    }
    row.appendChild(table);
    section.appendChild(row);
    const counters = Object.entries(mesh.counters || {}).map(([k, v]) => `${k.replaceAll('_', ' ')} ${v}`).join(', ');
    section.appendChild(el('p', { class: 'note counters' }, counters));
    return section;
  }));
}

// The packet list: newest first, pausable (what comes meanwhile waits), filtered by agent (sender or receiver).
let paused = false;
const waiting = [];
function addPackets(packets) {
  if (paused) {
    waiting.push(...packets);
    waiting.splice(0, Math.max(0, waiting.length - MAX_PACKET_ROWS));
    return;
  }
  const body = $('packets').tBodies[0];
  const rows = packets.map(p => {
    const tr = el('tr', { class: 'packet', 'data-from': p.from, 'data-to': p.to });
    const time = new Date(p.t).toISOString().slice(11, 23);
    tr.append(el('td', {}, time), el('td', {}, p.from), el('td', {}, p.to), el('td', {}, p.line));
    return tr;
  }).reverse();
  body.prepend(...rows);
  while (body.rows.length > MAX_PACKET_ROWS) body.deleteRow(-1);
  applyFilter();
}
function applyFilter() {
  const agent = $('filter').value;
  for (const tr of $('packets').tBodies[0].rows) tr.hidden = agent !== '' && tr.dataset.from !== agent && tr.dataset.to !== agent;
}
$('pause').addEventListener('click', () => {
  paused = !paused;
  $('pause').textContent = paused ? `resume` : 'pause';
  if (!paused) addPackets(waiting.splice(0));
});
$('filter').addEventListener('change', applyFilter);

const download = () => { $('download').href = withToken('capture.pcapng', { minutes: $('minutes').value }); };
$('minutes').addEventListener('change', download);
download();

// Each part on its own: one that fails (an odd message) leaves the others live.
function guarded(draw, part) {
  try { draw(part); } catch (e) { console.error(draw.name, e); }
}
function render(state) {
  guarded(renderAgents, state.agents);
  guarded(renderRouters, state.routers);
  guarded(renderMeshes, state.meshes);
  const ring = state.ring;
  $('ring').textContent = `${ring.packets} packets kept (last ${ring.keep_minutes} minutes)` + (ring.forgotten ? `, ${ring.forgotten} forgotten early (ring full)` : '')
    + (ring.unreadable ? `, ${ring.unreadable} packet messages unreadable` : '');
}

const events = new EventSource(withToken('events'));
events.addEventListener('open', () => { $('connection').textContent = 'live'; $('connection').className = 'up'; });
events.addEventListener('error', () => { $('connection').textContent = 'reconnecting…'; $('connection').className = 'down'; });
events.addEventListener('state', e => render(JSON.parse(e.data)));
events.addEventListener('packets', e => addPackets(JSON.parse(e.data)));
