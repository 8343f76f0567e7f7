// scrutiny entity graph: draws the co-occurrence graph that the page carries as JSON
// (#graph-data, written by the server with every "<" escaped) into an SVG, with a small force
// layout of our own: no library, nothing from a CDN, no inline script.
// Entity names only ever reach the page through textContent on SVG text and title elements.
"use strict";

(function () {
  const SVG = "http://www.w3.org/2000/svg";
  const WIDTH = 1000;
  const HEIGHT = 640;
  const LABELLED = 30; // the biggest entities keep their name on screen; the rest on hover
  const WORK = 4e7;
  const GRAVITY = 0.05; // pair visits the layout may spend; rounds shrink as nodes grow

  function el(name, attrs) {
    const node = document.createElementNS(SVG, name);
    Object.keys(attrs).forEach(function (key) { node.setAttribute(key, String(attrs[key])); });
    return node;
  }

  function titled(node, text) {
    const title = document.createElementNS(SVG, "title");
    title.textContent = text;
    node.append(title);
    return node;
  }

  // Area, not radius, follows the number of documents, or big entities would swamp the rest.
  function radius(documents) { return Math.min(34, 4 + 3 * Math.sqrt(documents)); }
  function strokeWidth(weight) { return Math.min(10, 0.8 + 1.5 * Math.log2(1 + weight)); }
  function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }

  // Fruchterman-Reingold, plus a pull towards the middle so that separate components stay in
  // view. Nodes start on a circle in the server's (id) order, so a page always draws the same
  // picture; the entity the graph is centred on stays pinned in the middle.
  function layout(nodes, edges, centre) {
    const n = nodes.length;
    const index = new Map(nodes.map(function (node, i) { return [node.id, i]; }));
    const x = new Float64Array(n);
    const y = new Float64Array(n);
    nodes.forEach(function (_, i) {
      const angle = (2 * Math.PI * i) / n;
      x[i] = (Math.cos(angle) * WIDTH) / 3;
      y[i] = (Math.sin(angle) * HEIGHT) / 3;
    });
    const pinned = index.has(centre) ? index.get(centre) : -1;
    if (pinned >= 0) { x[pinned] = 0; y[pinned] = 0; }
    const links = edges.map(function (e) {
      return [index.get(e.source), index.get(e.target), 1 + 0.5 * Math.log(e.weight)];
    });
    const k = Math.sqrt((WIDTH * HEIGHT) / Math.max(1, n));
    const rounds = Math.max(40, Math.min(300, Math.floor(WORK / Math.max(1, n * n))));
    for (let round = 0; round < rounds; round++) {
      const dx = new Float64Array(n);
      const dy = new Float64Array(n);
      repel(x, y, dx, dy, k);
      attract(x, y, dx, dy, links, k);
      const temperature = (WIDTH / 10) * (1 - round / rounds) + 1;
      for (let i = 0; i < n; i++) {
        if (i === pinned) continue;
        dx[i] -= x[i] * GRAVITY; // wider than high, like the screen
        dy[i] -= y[i] * GRAVITY * (WIDTH / HEIGHT);
        const length = Math.hypot(dx[i], dy[i]) || 1;
        const step = Math.min(length, temperature);
        x[i] += (dx[i] / length) * step;
        y[i] += (dy[i] / length) * step;
      }
    }
    return { x: x, y: y };
  }

  function repel(x, y, dx, dy, k) {
    const n = x.length;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < i; j++) {
        let ox = x[i] - x[j];
        let oy = y[i] - y[j];
        let d2 = ox * ox + oy * oy;
        if (d2 < 0.01) { ox = 0.1 * (i - j); oy = 0.1; d2 = ox * ox + oy * oy; } // same spot
        const f = (k * k) / d2; // k²/d along the unit vector (o/d)
        dx[i] += ox * f; dy[i] += oy * f;
        dx[j] -= ox * f; dy[j] -= oy * f;
      }
    }
  }

  function attract(x, y, dx, dy, links, k) {
    links.forEach(function (link) {
      const a = link[0];
      const b = link[1];
      const ox = x[a] - x[b];
      const oy = y[a] - y[b];
      const f = (Math.hypot(ox, oy) / k) * link[2]; // d²/k along the unit vector, by weight
      dx[a] -= ox * f; dy[a] -= oy * f;
      dx[b] += ox * f; dy[b] += oy * f;
    });
  }

  function fit(svg, items) {
    let left = Infinity, top = Infinity, right = -Infinity, bottom = -Infinity;
    items.forEach(function (item) {
      left = Math.min(left, item.x - item.r);
      top = Math.min(top, item.y - item.r);
      right = Math.max(right, item.x + item.r + 120); // room for a label on the right
      bottom = Math.max(bottom, item.y + item.r);
    });
    const pad = 20;
    svg.setAttribute("viewBox", [left - pad, top - pad, right - left + 2 * pad,
      bottom - top + 2 * pad].map(Math.round).join(" "));
  }

  function drawEdge(layer, a, b, edge) {
    const line = el("line", {
      class: "edge", x1: a.x, y1: a.y, x2: b.x, y2: b.y, "stroke-width": strokeWidth(edge.weight),
    });
    line.dataset.weight = edge.weight;
    titled(line, a.node.name + " — " + b.node.name + ": " + plural(edge.weight, "shared document"));
    layer.append(line);
    a.links.push({ line: line, other: b });
    b.links.push({ line: line, other: a });
  }

  function drawNode(layer, item, labelled) {
    const node = item.node;
    const link = el("a", { href: "/entities/" + encodeURIComponent(node.id),
      class: "node g" + node.colour });
    link.dataset.id = node.id;
    link.append(el("circle", { cx: item.x, cy: item.y, r: item.r }));
    const label = el("text", { x: item.x + item.r + 3, y: item.y + 4,
      class: labelled ? "label" : "label minor" });
    label.textContent = node.name;
    link.append(label);
    titled(link, node.name + " (" + node.type + ", " + plural(node.documents, "document") + ")");
    layer.append(link);
    item.g = link;
  }

  // Pointing at (or tabbing to) an entity dims everything but it, its links and its neighbours.
  function light(svg, item, on) {
    svg.classList.toggle("lit", on);
    item.g.classList.toggle("on", on);
    item.links.forEach(function (l) {
      l.line.classList.toggle("on", on);
      l.other.g.classList.toggle("near", on);
    });
  }

  // Hide links lighter than the minimum, and entities left without a visible link.
  function filter(items, centre, minimum) {
    items.forEach(function (item) {
      let visible = item.node.id === centre;
      item.links.forEach(function (l) {
        const shown = Number(l.line.dataset.weight) >= minimum;
        l.line.classList.toggle("hidden", !shown);
        visible = visible || shown;
      });
      item.g.classList.toggle("hidden", !visible);
    });
  }

  function draw(svg, data) {
    const centre = svg.dataset.centre ? Number(svg.dataset.centre) : null;
    const pos = layout(data.nodes, data.edges, centre);
    const items = data.nodes.map(function (node, i) {
      return { node: node, x: pos.x[i], y: pos.y[i], r: radius(node.documents), links: [], g: null };
    });
    const byId = new Map(items.map(function (item) { return [item.node.id, item]; }));
    const edges = el("g", { class: "edges" });
    data.edges.forEach(function (e) { drawEdge(edges, byId.get(e.source), byId.get(e.target), e); });
    const ranked = items.slice().sort(function (a, b) { return b.node.documents - a.node.documents; });
    const labelled = new Set(ranked.slice(0, LABELLED));
    const nodes = el("g", { class: "nodes" });
    ranked.reverse().forEach(function (item) { drawNode(nodes, item, labelled.has(item)); });
    items.forEach(function (item) {
      const on = function () { light(svg, item, true); };
      const off = function () { light(svg, item, false); };
      item.g.addEventListener("mouseenter", on);
      item.g.addEventListener("focus", on);
      item.g.addEventListener("mouseleave", off);
      item.g.addEventListener("blur", off);
    });
    svg.replaceChildren(edges, nodes);
    fit(svg, items);
    return items;
  }

  document.addEventListener("DOMContentLoaded", function () {
    const svg = document.getElementById("graph");
    const source = document.getElementById("graph-data");
    if (!svg || !source) return;
    const items = draw(svg, JSON.parse(source.textContent));
    const centre = svg.dataset.centre ? Number(svg.dataset.centre) : null;
    const minimum = document.getElementById("gw");
    if (minimum) {
      minimum.addEventListener("input", function () {
        filter(items, centre, Number(minimum.value) || 1);
      });
    }
    svg.dataset.drawn = String(items.length); // for tests and for styles that wait for it
  });
})();
