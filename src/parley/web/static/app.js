// parley web UI: plain JavaScript and SVG, no libraries, no network beyond this server.
"use strict";

const QUAD_NAMES = {1: "verbal cooperation", 2: "material cooperation", 3: "verbal conflict", 4: "material conflict"};
const QUAD_COLORS = {1: "#2f9e44", 2: "#1c7ed6", 3: "#f08c00", 4: "#e03131"};
const SERIES_COLORS = ["#1c7ed6", "#e03131", "#2f9e44", "#f08c00", "#ae3ec9", "#0c8599", "#5c940d", "#d6336c"];
const SVGNS = "http://www.w3.org/2000/svg";
const FILTERS = ["source", "target", "dyad", "code", "quad", "since", "until", "location", "dedup"];

const state = { view: "events", filters: {}, sort: "-date", offset: 0, limit: 50, page: null, selected: null,
  geo: null, articleId: null };

// -- small helpers -----------------------------------------------------------------------------------------------
function el(tag, attrs, ...children) {
  const n = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") n.className = v;
    else if (k.startsWith("on")) n.addEventListener(k.slice(2), v);
    else n.setAttribute(k, v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined) n.append(c instanceof Node ? c : String(c));
  return n;
}
function svg(tag, attrs, ...children) {
  const n = document.createElementNS(SVGNS, tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined) continue;
    if (k.startsWith("on")) n.addEventListener(k.slice(2), v); else n.setAttribute(k, v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined) n.append(c instanceof Node ? c : String(c));
  return n;
}
const $ = (sel) => document.querySelector(sel);
const fmt = (v, d = 1) => (v === null || v === undefined ? "" : Number(v).toFixed(d));
function quadBadge(q) { return el("span", { class: `quad q${q}`, title: QUAD_NAMES[q] || "" }, q ?? "?"); }

function query(extra) {
  const p = new URLSearchParams();
  for (const k of FILTERS) if (state.filters[k]) p.set(k, state.filters[k]);
  for (const [k, v] of Object.entries(extra || {})) if (v !== null && v !== undefined && v !== "") p.set(k, v);
  return p.toString();
}
function token() { try { return sessionStorage.getItem("parley-token") || ""; } catch (e) { return ""; } }
async function api(path, opts) {
  opts = Object.assign({}, opts || {});
  opts.headers = Object.assign({}, opts.headers || {});
  if (token() && !opts.headers.Authorization) opts.headers.Authorization = `Bearer ${token()}`;
  const r = await fetch(path, opts);
  let body = null;
  try { body = await r.json(); } catch (e) { body = null; }
  if (!r.ok) {
    const msg = body && body.error ? body.error.message : `HTTP ${r.status}`;
    const err = new Error(r.status === 401 ? `${msg} — enter the token under “Code text”, then reload` : msg);
    err.status = r.status; throw err;
  }
  return body;
}
function showError(e) { $("#filter-error").textContent = e ? String(e.message || e) : ""; }

// Highlight spans ({start, end, role}) of a sentence as <mark> elements.
function highlighted(sentence, spans) {
  const out = el("div", { class: "sentence-box" });
  let at = 0;
  for (const s of (spans || []).slice().sort((a, b) => a.start - b.start)) {
    if (s.start < at || s.end > sentence.length) continue;
    out.append(sentence.slice(at, s.start));
    const title = s.role + (s.code ? ` ${s.code}` : "") + (s.entry ? ` (${s.entry})` : "");
    out.append(el("mark", { class: `hl-${s.role}`, "data-role": s.role, title }, sentence.slice(s.start, s.end)));
    at = s.end;
  }
  out.append(sentence.slice(at));
  return out;
}

function missingActors(ex) {
  const found = new Set((ex.spans || []).map((s) => s.role));
  const gone = (ex.actors || []).filter((a) => !found.has(a.role)).map((a) => `${a.role} “${a.text}”`);
  return gone.length ? el("p", { class: "muted" }, `Not in this sentence as written: ${gone.join(", ")} ` +
    "(carried over from earlier text, or composed from several words).") : null;
}

function explanationList(ex, ev) {
  const r = ex.rule || {};
  const dl = el("dl", { class: "explain" });
  const add = (k, ...v) => dl.append(el("dt", {}, k), el("dd", {}, ...v));
  const code = ex.code || {};
  add("Code", el("b", {}, code.cameo || ""), " ", code.name || "", " ", quadBadge(code.quad_class),
      ` ${QUAD_NAMES[code.quad_class] || ""}`);
  add("Goldstein", fmt(code.goldstein));
  const pl = code.plover || {};
  if (pl.event) add("PLOVER", [pl.event, pl.mode, pl.context].filter(Boolean).join(" / "));
  add("Verb", el("mark", { class: "hl-verb" }, ex.verb || ""));
  add("Rule", r.file ? el("span", {}, el("code", { class: "rule" }, `${r.file}:${r.line}`), " ",
    el("code", { class: "rule", "data-pattern": "1" }, r.pattern || "")) : el("code", { class: "rule" }, r.text || ""));
  for (const f of r.frames || []) add("Frame", `${f.kind} frame ${f.file}:${f.line} → ${f.code}`);
  for (const a of ex.actors || []) {
    add(a.role === "source" ? "Source" : "Target", el("mark", { class: `hl-${a.role}` }, a.text || ""), ` → ${a.code}`,
        a.entry ? el("span", { class: "muted" }, ` (entry ${a.entry}${a.kind ? ", " + a.kind : ""})`) : "");
  }
  const d = ex.date || {};
  if (d.date) add("Date", `${d.date} (${d.precision || "?"}, from ${d.source || "?"})`);
  if (ev && ev.location_name) add("Location", `${ev.location_name}${ev.location_country ? " (" + ev.location_country + ")" : ""}`);
  return dl;
}

// -- filters -----------------------------------------------------------------------------------------------------
function readFilters() {
  const f = {};
  const form = $("#filters");
  for (const k of FILTERS) {
    const v = (form.elements[k].value || "").trim();
    if (v && !(k === "dedup" && v === "raw")) f[k] = v;
  }
  state.filters = f;
}
function writeFilters() {
  const form = $("#filters");
  for (const k of FILTERS) form.elements[k].value = state.filters[k] || (k === "dedup" ? "raw" : "");
}
function setFilters(f) { state.filters = Object.assign({}, f); state.offset = 0; writeFilters(); refresh(); }

// -- events view -------------------------------------------------------------------------------------------------
async function loadEvents() {
  const page = await api(`/api/events?${query({ limit: state.limit, offset: state.offset, sort: state.sort })}`);
  state.page = page;
  const tbody = $("#events-table tbody");
  tbody.replaceChildren();
  for (const e of page.items) {
    const tr = el("tr", { "data-id": e.id, onclick: () => selectEvent(e.id, tr) },
      el("td", {}, e.date || ""), el("td", { title: e.source_text || "" }, e.source_code || ""),
      el("td", { title: e.target_text || "" }, e.target_code || "—"),
      el("td", { title: e.cameo_name || "" }, e.cameo || ""), el("td", {}, quadBadge(e.quad_class)),
      el("td", {}, fmt(e.goldstein)), el("td", {}, e.location_name || ""), el("td", {}, e.verb_text || ""),
      el("td", { class: "sentence", title: e.sentence || "" }, e.sentence || ""));
    if (e.id === state.selected) tr.classList.add("selected");
    tbody.append(tr);
  }
  const end = Math.min(page.offset + page.items.length, page.total);
  $("#events-count").textContent = page.total ? `events ${page.offset + 1}–${end} of ${page.total}` +
    (page.level !== "raw" ? ` (${page.level === "day" ? "deduplicated" : "one per article"})` : "") : "no events match";
  $("#prev").disabled = page.offset <= 0;
  $("#next").disabled = end >= page.total;
  for (const th of document.querySelectorAll("#events-table th[data-sort]")) {
    th.classList.remove("sorted-asc", "sorted-desc");
    if (state.sort.replace("-", "") === th.dataset.sort) th.classList.add(state.sort.startsWith("-") ? "sorted-desc" : "sorted-asc");
  }
}

async function selectEvent(id, tr) {
  state.selected = id;
  for (const r of document.querySelectorAll("#events-table tbody tr")) r.classList.toggle("selected", r === tr);
  const box = $("#event-detail");
  box.replaceChildren(el("p", { class: "muted" }, "loading…"));
  let d;
  try { d = await api(`/api/events/${encodeURIComponent(id)}`); } catch (e) { box.replaceChildren(el("p", { class: "error" }, e.message)); return; }
  const ev = d.event, ex = d.explanation, art = d.article || {};
  const trace = el("div", { id: "trace" });
  box.replaceChildren(
    el("h2", {}, `${ev.source_code || "?"} → ${ev.target_code || "—"}: ${ev.cameo} ${ev.cameo_name || ""}`),
    el("div", { id: "event-sentence" }, highlighted(ex.sentence, ex.spans)),
    missingActors(ex) || "",
    explanationList(ex, ev),
    el("p", {}, "Article: ", el("a", { href: `#article/${encodeURIComponent(ev.article_id)}`, id: "open-article" },
      art.title || ev.article_id), art.pub_date ? ` (${art.pub_date})` : ""),
    el("button", { type: "button", id: "trace-btn", onclick: () => loadTrace(id, trace) }, "Trace: re-code this sentence"),
    trace);
}

async function loadTrace(id, box) {
  box.replaceChildren(el("p", { class: "muted" }, "coding the sentence (the first time loads the language model)…"));
  try {
    const d = await api(`/api/events/${encodeURIComponent(id)}?trace=true`);
    const t = d.trace || {};
    if (t.spans) {
      box.replaceChildren(el("h3", {}, t.reproduced ? "Re-coded: same event" : "Re-coded: nearest event"),
        highlighted(t.sentence, t.spans), explanationList(t, null));
    } else {
      box.replaceChildren(el("p", { class: "muted" }, "Coded alone, this sentence gives no such event (it needed its article's context). Actors found: ",
        (t.mentions || []).map((m) => `${m.text} → ${m.code} (${m.entry})`).join("; ") || "none"));
    }
  } catch (e) { box.replaceChildren(el("p", { class: "error" }, e.message)); }
}

// -- timeline ----------------------------------------------------------------------------------------------------
function periodsBetween(first, last, by) {
  const out = [];
  let d = new Date(first + "T00:00:00Z");
  const end = new Date(last + "T00:00:00Z");
  while (d <= end && out.length <= 400) {
    out.push(d.toISOString().slice(0, 10));
    if (by === "day") d.setUTCDate(d.getUTCDate() + 1);
    else if (by === "week") d.setUTCDate(d.getUTCDate() + 7);
    else if (by === "month") d.setUTCMonth(d.getUTCMonth() + 1);
    else d.setUTCFullYear(d.getUTCFullYear() + 1);
  }
  return out;
}
function axisPeriods(series, by) {
  const all = [...new Set(series.flatMap((s) => s.points.map((p) => p.period)))].sort();
  if (!all.length) return [];
  const filled = periodsBetween(all[0], all[all.length - 1], by);
  return filled.length <= 240 ? filled : all; // long sparse spans: only the periods that have events
}

function drawTimeline(data) {
  const host = $("#timeline-chart");
  const all = data.series[0];
  const periods = axisPeriods([all], data.by);
  if (!periods.length) { host.replaceChildren(el("p", { class: "muted" }, "no dated events match")); $("#timeline-dyads").replaceChildren(); return; }
  const W = 1100, H = 320, L = 50, R = 60, T = 16, B = 60;
  const byP = Object.fromEntries(all.points.map((p) => [p.period, p]));
  const maxN = Math.max(1, ...all.points.map((p) => p.events));
  const gs = all.points.map((p) => p.goldstein || 0);
  const gMax = Math.max(1, ...gs.map(Math.abs));
  const bw = (W - L - R) / periods.length;
  const y = (n) => T + (H - T - B) * (1 - n / maxN);
  const yg = (g) => T + (H - T - B) * (0.5 - g / (2 * gMax));
  const g = svg("svg", { viewBox: `0 0 ${W} ${H}`, id: "timeline-svg", role: "img" });
  g.append(svg("line", { x1: L, x2: W - R, y1: H - B, y2: H - B, stroke: "#999" }));
  for (let i = 0; i <= 4; i++) {
    const n = Math.round(maxN * i / 4);
    g.append(svg("text", { x: L - 6, y: y(n) + 4, "text-anchor": "end" }, n));
    g.append(svg("line", { x1: L, x2: W - R, y1: y(n), y2: y(n), stroke: "#eee" }));
    const gv = -gMax + 2 * gMax * i / 4;
    g.append(svg("text", { x: W - R + 6, y: yg(gv) + 4, fill: "#ae3ec9" }, fmt(gv, 0)));
  }
  g.append(svg("text", { x: 8, y: 12 }, "events"), svg("text", { x: W - R + 2, y: 12, fill: "#ae3ec9" }, "Goldstein"));
  const step = Math.max(1, Math.ceil(periods.length / 14));
  const line = [];
  periods.forEach((p, i) => {
    const pt = byP[p];
    const x = L + i * bw;
    if (pt) g.append(svg("rect", { class: "tl-bar", x: x + bw * 0.1, y: y(pt.events), width: Math.max(1, bw * 0.8),
      height: H - B - y(pt.events), fill: "#74c0fc" }, svg("title", {}, `${p}: ${pt.events} events, Goldstein ${fmt(pt.goldstein)}`)));
    line.push(`${x + bw / 2},${yg(pt ? pt.goldstein || 0 : 0)}`); // a period without events sums to 0
    if (i % step === 0) g.append(svg("text", { x: x + bw / 2, y: H - B + 14, "text-anchor": "end",
      transform: `rotate(-40 ${x + bw / 2} ${H - B + 14})` }, data.by === "year" ? p.slice(0, 4) : data.by === "month" ? p.slice(0, 7) : p));
  });
  g.append(svg("line", { x1: L, x2: W - R, y1: yg(0), y2: yg(0), stroke: "#ae3ec9", "stroke-dasharray": "3 3", "stroke-opacity": 0.5 }));
  g.append(svg("polyline", { points: line.join(" "), fill: "none", stroke: "#ae3ec9", "stroke-width": 2, class: "tl-goldstein" }));
  periods.forEach((p, i) => { if (byP[p]) g.append(svg("circle", { cx: L + i * bw + bw / 2, cy: yg(byP[p].goldstein || 0), r: 2.5, fill: "#ae3ec9" })); });
  host.replaceChildren(g);
  drawDyadSeries(data);
}

function drawDyadSeries(data) {
  const host = $("#timeline-dyads");
  const series = data.series.slice(1);
  if (!series.length) { host.replaceChildren(el("p", { class: "muted" }, "no dyads with a target in the filtered events")); return; }
  const periods = axisPeriods(series, data.by);
  const W = 1100, H = 260, L = 50, R = 250, T = 12, B = 50;
  const maxN = Math.max(1, ...series.flatMap((s) => s.points.map((p) => p.events)));
  const idx = Object.fromEntries(periods.map((p, i) => [p, i]));
  const x = (i) => L + (periods.length > 1 ? i * (W - L - R) / (periods.length - 1) : (W - L - R) / 2);
  const y = (n) => T + (H - T - B) * (1 - n / maxN);
  const g = svg("svg", { viewBox: `0 0 ${W} ${H}`, id: "timeline-dyads-svg" });
  g.append(svg("line", { x1: L, x2: W - R, y1: H - B, y2: H - B, stroke: "#999" }));
  for (let i = 0; i <= 4; i++) { const n = Math.round(maxN * i / 4); g.append(svg("text", { x: L - 6, y: y(n) + 4, "text-anchor": "end" }, n)); }
  const step = Math.max(1, Math.ceil(periods.length / 12));
  periods.forEach((p, i) => { if (i % step === 0) g.append(svg("text", { x: x(i), y: H - B + 14, "text-anchor": "middle" }, data.by === "month" ? p.slice(0, 7) : p)); });
  series.forEach((s, k) => {
    const color = SERIES_COLORS[k % SERIES_COLORS.length];
    const byP = Object.fromEntries(s.points.map((p) => [p.period, p]));
    const pts = periods.map((p, i) => `${x(i)},${y(byP[p] ? byP[p].events : 0)}`);
    g.append(svg("polyline", { points: pts.join(" "), fill: "none", stroke: color, "stroke-width": 2, class: "tl-dyad", "data-key": s.key }));
    for (const p of s.points) if (p.period in idx) g.append(svg("circle", { cx: x(idx[p.period]), cy: y(p.events), r: 3, fill: color },
      svg("title", {}, `${s.source} → ${s.target} ${p.period}: ${p.events} events, Goldstein ${fmt(p.goldstein)}`)));
    const total = s.points.reduce((a, p) => a + p.events, 0), gsum = s.points.reduce((a, p) => a + (p.goldstein || 0), 0);
    g.append(svg("rect", { x: W - R + 12, y: T + k * 20, width: 12, height: 12, fill: color }));
    g.append(svg("text", { x: W - R + 30, y: T + k * 20 + 10, style: "cursor:pointer",
      onclick: () => { setFilters(Object.assign({}, state.filters, { dyad: `${s.source},${s.target}`, source: "", target: "" })); } },
      `${s.source} → ${s.target}: ${total} (G ${fmt(gsum)})`));
  });
  host.replaceChildren(g);
}

async function loadTimeline() {
  const data = await api(`/api/stats/timeline?${query({ by: $("#tl-by").value, split: 6 })}`);
  drawTimeline(data);
}

// -- network -----------------------------------------------------------------------------------------------------
function layout(nodes, edges, W, H) {
  // a small force layout (Fruchterman-Reingold with gravity): pairwise repulsion, springs along edges and a pull
  // to the centre that keeps unconnected pairs on the canvas; the start is deterministic (a spiral)
  const n = nodes.length;
  nodes.forEach((d, i) => { const a = i * 2.39996, r = 12 * Math.sqrt(i + 1); d.x = W / 2 + r * Math.cos(a); d.y = H / 2 + r * Math.sin(a); });
  const byId = Object.fromEntries(nodes.map((d) => [d.id, d]));
  const k = 0.75 * Math.sqrt((W * H) / Math.max(1, n));
  const iters = 400;
  for (let it = 0; it < iters; it++) {
    const t = (W / 12) * (1 - it / iters) + 1;
    for (const d of nodes) { d.dx = 0; d.dy = 0; }
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) {
      const a = nodes[i], b = nodes[j];
      let dx = a.x - b.x, dy = a.y - b.y; const dist = Math.max(Math.hypot(dx, dy), 1);
      const f = (k * k) / dist;
      dx /= dist; dy /= dist; a.dx += dx * f; a.dy += dy * f; b.dx -= dx * f; b.dy -= dy * f;
    }
    for (const e of edges) {
      const a = byId[e.source], b = byId[e.target];
      if (!a || !b || a === b) continue;
      let dx = a.x - b.x, dy = a.y - b.y; const dist = Math.max(Math.hypot(dx, dy), 1);
      const f = (dist * dist) / k;
      dx /= dist; dy /= dist; a.dx -= dx * f; a.dy -= dy * f; b.dx += dx * f; b.dy += dy * f;
    }
    for (const d of nodes) {
      const gx = W / 2 - d.x, gy = (H / 2 - d.y) * (W / H);
      d.dx += gx * k * 0.03; d.dy += gy * k * 0.03;
      const m = Math.hypot(d.dx, d.dy) || 1;
      d.x += (d.dx / m) * Math.min(m, t); d.y += (d.dy / m) * Math.min(m, t);
      d.x = Math.max(50, Math.min(W - 50, d.x)); d.y = Math.max(36, Math.min(H - 24, d.y));
    }
  }
}

function drawNetwork(data) {
  const host = $("#network-chart");
  if (!data.edges.length) { host.replaceChildren(el("p", { class: "muted" }, "no dyads (events with both a source and a target) match")); return; }
  const W = 1100, H = 640;
  const nodes = data.nodes.map((d) => Object.assign({}, d));
  layout(nodes, data.edges, W, H);
  const byId = Object.fromEntries(nodes.map((d) => [d.id, d]));
  const maxE = Math.max(1, ...data.edges.map((e) => e.events));
  const maxN = Math.max(1, ...nodes.map((d) => d.events));
  const g = svg("svg", { viewBox: `0 0 ${W} ${H}`, id: "network-svg" });
  const defs = svg("defs", {});
  for (const q of [1, 2, 3, 4]) defs.append(svg("marker", { id: `arrow${q}`, viewBox: "0 0 10 10", refX: 9, refY: 5,
    markerWidth: 11, markerHeight: 11, markerUnits: "userSpaceOnUse", orient: "auto-start-reverse" }, svg("path", { d: "M0,0 L10,5 L0,10 z", fill: QUAD_COLORS[q] })));
  g.append(defs);
  const radius = (d) => 6 + 16 * Math.sqrt(d.events / maxN);
  for (const e of data.edges) {
    const a = byId[e.source], b = byId[e.target];
    if (!a || !b) continue;
    const w = 1 + 7 * Math.sqrt(e.events / maxE);
    const title = `${e.source} → ${e.target}: ${e.events} events, Goldstein ${fmt(e.goldstein)}; ` +
      Object.entries(e.quads).filter(([, v]) => v).map(([q, v]) => `${QUAD_NAMES[q]} ${v}`).join(", ");
    const common = { class: "edge", fill: "none", stroke: QUAD_COLORS[e.quad_class], "stroke-width": w, "stroke-opacity": 0.75,
      "data-source": e.source, "data-target": e.target, "data-events": e.events,
      onclick: () => { setFilters(Object.assign({}, state.filters, { dyad: `${e.source},${e.target}`, source: "", target: "" })); location.hash = "#events"; } };
    if (a === b) { // an actor acting on itself: a loop above the node
      const r = radius(a);
      g.append(svg("path", Object.assign({ d: `M${a.x - r * 0.6},${a.y - r * 0.8} C${a.x - r * 2},${a.y - r * 3} ${a.x + r * 2},${a.y - r * 3} ${a.x + r * 0.6},${a.y - r * 0.8}` }, common),
        svg("title", {}, title)));
      continue;
    }
    // a slight curve keeps A→B and B→A apart; stop the arrow at the target's rim
    const dx = b.x - a.x, dy = b.y - a.y, dist = Math.hypot(dx, dy) || 1;
    const ux = dx / dist, uy = dy / dist, rb = radius(b) + 3;
    const ex = b.x - ux * rb, ey = b.y - uy * rb;
    const mx = (a.x + ex) / 2 - uy * dist * 0.12, my = (a.y + ey) / 2 + ux * dist * 0.12;
    g.append(svg("path", Object.assign({ d: `M${a.x},${a.y} Q${mx},${my} ${ex},${ey}`, "marker-end": `url(#arrow${e.quad_class})` }, common),
      svg("title", {}, title)));
  }
  for (const d of nodes) {
    g.append(svg("circle", { class: "node", cx: d.x, cy: d.y, r: radius(d), fill: "#fff", stroke: "#343a40", "stroke-width": 1.5, "data-id": d.id },
      svg("title", {}, `${d.id}: ${d.events} events (${d.out} as source, ${d.in} as target)`)));
    g.append(svg("text", { class: "node-label", x: d.x, y: d.y - radius(d) - 4, "text-anchor": "middle" }, d.id));
  }
  host.replaceChildren(g);
}

async function loadNetwork() { drawNetwork(await api(`/api/stats/dyads?${query({ by: $("#net-by").value, limit: 80 })}`)); }

// -- map ---------------------------------------------------------------------------------------------------------
async function loadMap() {
  if (!state.geo) state.geo = await api("/api/geo/countries");
  const points = await api(`/api/stats/locations?${query({ limit: 500 })}`);
  const W = 1100, H = 550;
  const px = (lon) => ((lon + 180) / 360) * W, py = (lat) => ((90 - lat) / 180) * H; // plate carrée
  const g = svg("svg", { viewBox: `0 0 ${W} ${H}`, id: "map-svg" });
  g.append(svg("rect", { class: "map-sea", x: 0, y: 0, width: W, height: H }));
  for (const c of state.geo.countries) {
    const d = c.rings.map((r) => "M" + r.map(([lon, lat]) => `${px(lon).toFixed(1)},${py(lat).toFixed(1)}`).join("L") + "Z").join("");
    g.append(svg("path", { class: "map-land", d, "data-iso3": c.iso3 || "" }, svg("title", {}, c.name || "")));
  }
  for (let lon = -180; lon <= 180; lon += 30) g.append(svg("line", { class: "map-grid", x1: px(lon), x2: px(lon), y1: 0, y2: H }));
  for (let lat = -90; lat <= 90; lat += 30) g.append(svg("line", { class: "map-grid", x1: 0, x2: W, y1: py(lat), y2: py(lat) }));
  const maxN = Math.max(1, ...points.map((p) => p.events));
  for (const p of points.slice().sort((a, b) => b.events - a.events)) {
    g.append(svg("circle", { class: "map-point", cx: px(p.lon), cy: py(p.lat), r: 3 + 12 * Math.sqrt(p.events / maxN),
      fill: QUAD_COLORS[p.quad_class], "fill-opacity": 0.7, stroke: "#fff", "data-name": p.name,
      style: "cursor:pointer", onclick: () => { setFilters(Object.assign({}, state.filters, { location: p.name })); location.hash = "#events"; } },
      svg("title", {}, `${p.name} (${p.country}): ${p.events} events, Goldstein ${fmt(p.goldstein)}`)));
  }
  $("#map-chart").replaceChildren(g);
  $("#map-note").textContent = state.geo.countries.length
    ? `${points.length} places; country outlines: ${state.geo.source}`
    : `${points.length} places on a lon/lat graticule (no country outlines installed)`;
  const list = el("table", { id: "map-table" }, el("thead", {}, el("tr", {}, el("th", {}, "Place"), el("th", {}, "Country"),
    el("th", {}, "Events"), el("th", {}, "Goldstein"))),
    el("tbody", {}, points.slice(0, 15).map((p) => el("tr", {}, el("td", {}, p.name), el("td", {}, p.country || ""),
      el("td", {}, p.events), el("td", {}, fmt(p.goldstein))))));
  $("#map-list").replaceChildren(list);
}

// -- article -----------------------------------------------------------------------------------------------------
async function loadArticle() {
  const pick = $("#article-pick");
  if (!pick.options.length) {
    const list = await api("/api/articles?limit=1000");
    for (const a of list.items) pick.append(el("option", { value: a.article_id }, `${a.pub_date || "?"} · ${a.title || a.article_id} (${a.n_events})`));
  }
  const id = state.articleId || pick.value;
  if (!id) { $("#article-body").replaceChildren(el("p", { class: "muted" }, "no articles")); return; }
  pick.value = id;
  const d = await api(`/api/articles/${encodeURIComponent(id)}`);
  const a = d.article;
  const byId = Object.fromEntries(d.events.map((e) => [e.event_id, e]));
  const body = el("div", {},
    el("h2", { id: "article-title" }, a.title || a.article_id),
    el("div", { class: "article-meta" }, [a.pub_date, a.source, a.dateline && a.dateline.place, a.url ? el("a", { href: a.url, rel: "noreferrer" }, a.url) : null]
      .filter(Boolean).flatMap((x, i) => (i ? [" · ", x] : [x])), ` · ${a.n_sentences} sentences, ${d.events.length} events coded`));
  for (const s of d.sentences) {
    const evs = s.events.map((i) => byId[i]);
    body.append(el("div", { class: "article-sentence", "data-index": s.index },
      el("div", { class: "muted" }, `sentence ${s.index + 1}`),
      highlighted(s.text, s.spans.map((x) => (x.role === "verb" ? x : Object.assign({}, x, { role: "actor" })))),
      el("ul", { class: "events" }, evs.map((e) => el("li", {}, quadBadge(e.quad_class), " ",
        el("b", {}, `${e.source_code || "?"} → ${e.target_code || "—"} ${e.cameo}`), ` ${e.cameo_name}: `,
        el("mark", { class: "hl-verb" }, e.verb_text || ""), " — rule ",
        el("code", { class: "rule" }, e.explanation.rule.file ? `${e.explanation.rule.file}:${e.explanation.rule.line} [${e.explanation.rule.pattern}]` : e.rule || ""),
        e.explanation.rule.frames.length ? ` + ${e.explanation.rule.frames.map((f) => `${f.kind} frame → ${f.code}`).join(", ")}` : "")))));
  }
  if (!d.sentences.length) body.append(el("p", { class: "muted" }, "no events were coded in this article"));
  $("#article-body").replaceChildren(body);
}

// -- code this text ----------------------------------------------------------------------------------------------
async function runCode(ev) {
  ev.preventDefault();
  const text = $("#code-text").value;
  const status = $("#code-status");
  const out = $("#code-result");
  if (!text.trim()) { status.textContent = "type or paste some text first"; return; }
  status.textContent = "coding… (the first request loads the language model)";
  const headers = { "Content-Type": "application/json" };
  const typed = $("#code-token").value.trim();
  if (typed) headers.Authorization = `Bearer ${typed}`;
  try {
    const d = await api("/api/code", { method: "POST", headers, body: JSON.stringify({ text, date: $("#code-date").value || null }) });
    status.textContent = `${d.events.length} events, ${d.mentions.length} actor mentions`;
    const cards = d.events.map((e) => el("div", { class: "card code-event" },
      el("h3", {}, `${e.source.code} → ${e.target ? e.target.code : "—"}: ${e.cameo} ${e.cameo_name}`),
      highlighted(e.explanation.sentence, e.explanation.spans), explanationList(e.explanation, null)));
    out.replaceChildren(...(cards.length ? cards : [el("p", { class: "muted" }, "no events coded; actors found: " +
      (d.mentions.map((m) => `${m.text} → ${m.code}`).join("; ") || "none"))]));
  } catch (e) { status.textContent = ""; out.replaceChildren(el("p", { class: "error" }, e.message)); }
}

// -- routing -----------------------------------------------------------------------------------------------------
const LOADERS = { events: loadEvents, timeline: loadTimeline, network: loadNetwork, map: loadMap, article: loadArticle, code: async () => {} };
async function refresh() {
  showError(null);
  try { await LOADERS[state.view](); } catch (e) { showError(e); }
}
function route() {
  const h = decodeURIComponent(location.hash.replace(/^#/, ""));
  let view = h.split("/")[0] || "events";
  if (!(view in LOADERS)) view = "events";
  if (view === "article" && h.includes("/")) state.articleId = h.slice(h.indexOf("/") + 1);
  state.view = view;
  for (const s of document.querySelectorAll(".view")) s.classList.toggle("active", s.id === `view-${view}`);
  for (const a of document.querySelectorAll("#tabs a[data-view]")) a.classList.toggle("active", a.dataset.view === view);
  refresh();
}

function init() {
  $("#filters").addEventListener("submit", (e) => { e.preventDefault(); readFilters(); state.offset = 0; refresh(); });
  $("#clear").addEventListener("click", () => setFilters({}));
  $("#prev").addEventListener("click", () => { state.offset = Math.max(0, state.offset - state.limit); refresh(); });
  $("#next").addEventListener("click", () => { state.offset += state.limit; refresh(); });
  for (const th of document.querySelectorAll("#events-table th[data-sort]")) th.addEventListener("click", () => {
    const k = th.dataset.sort;
    state.sort = state.sort === `-${k}` ? k : `-${k}`; state.offset = 0; refresh();
  });
  $("#tl-by").addEventListener("change", refresh);
  $("#net-by").addEventListener("change", refresh);
  $("#article-pick").addEventListener("change", () => { location.hash = `#article/${encodeURIComponent($("#article-pick").value)}`; });
  $("#code-form").addEventListener("submit", runCode);
  $("#code-token").value = token();
  $("#code-token").addEventListener("change", () => { try { sessionStorage.setItem("parley-token", $("#code-token").value.trim()); } catch (e) { /* private mode */ } });
  window.addEventListener("hashchange", route);
  api("/api/overview").then((o) => {
    $("#overview").textContent = `${o.events.toLocaleString()} events from ${o.articles.toLocaleString()} articles` +
      (o.first_date ? `, ${o.first_date} – ${o.last_date}` : "");
    if (o.token_required_for_code) $("#code-token").placeholder = "required";
  }).catch(showError);
  route();
}
document.addEventListener("DOMContentLoaded", init);
