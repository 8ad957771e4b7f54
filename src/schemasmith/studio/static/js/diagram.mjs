// The ER diagram: draws tables (and views) as SVG boxes with their columns and key markers,
// relationships as crow's-foot lines between the referencing and referenced columns, and handles
// pan, zoom, drag, selection with neighbour highlighting, hiding and export.

import { svg, clear, download } from "./dom.mjs";
import { ROW, HEAD, CHAR, PAD, KEY_CHARS, nodeSize, columnLabel } from "./layout.mjs";

// Styles live inside the SVG, so an exported file looks the same on its own. The page's theme
// variables win when present; the fallbacks are the light theme.
const DIAGRAM_CSS = `
.node .box { fill: var(--node-bg, #ffffff); stroke: var(--node-line, #98a2b3); stroke-width: 1; }
.node .head { fill: var(--node-head, #e8eefc); }
.node.view .head { fill: var(--code-bg, #f2f4f7); }
.node text { font: 12px ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace; fill: var(--fg, #1d2330); }
.node .title { font-weight: 700; }
.node .kind { fill: var(--muted, #667085); font-size: 10px; }
.node .key { fill: var(--accent, #2f6fde); font-size: 10px; font-weight: 700; }
.node .ctype { fill: var(--muted, #667085); }
.node .col.highlight .band { fill: var(--accent, #2f6fde); opacity: 0.16; }
.node .band { fill: transparent; }
.node .flag.error { fill: var(--error, #c4320a); } .node .flag.warning { fill: var(--warning, #b54708); } .node .flag.info { fill: var(--info, #2f6fde); }
.node .badge text { fill: #ffffff; font-size: 10px; font-weight: 700; }
.node.selected .box { stroke: var(--accent, #2f6fde); stroke-width: 2.5; }
.node.neighbour .box { stroke: var(--accent, #2f6fde); stroke-width: 1.5; }
.edge .line, .edge .glyph { fill: none; stroke: var(--edge, #667085); stroke-width: 1.3; }
.edge circle.glyph { fill: var(--node-bg, #ffffff); }
.edge text { font: 10px system-ui, sans-serif; fill: var(--muted, #667085); }
.edge.lit .line, .edge.lit .glyph { stroke: var(--accent, #2f6fde); stroke-width: 2; }
svg.focus .node:not(.selected):not(.neighbour), svg.focus .edge:not(.lit) { opacity: 0.22; }
`;

const SEVERITY_RANK = { info: 0, warning: 1, error: 2 };

function keyMarker(column) {
  const marks = [];
  if (column.pk) marks.push("PK");
  if (column.fk) marks.push("FK");
  if (column.unique && !column.pk) marks.push("UQ");
  return marks.join("·");
}

function columnTitle(column) {
  const words = [column.name, column.type, column.nullable ? "nullable" : "not null"];
  if (column.pk) words.push("primary key");
  if (column.fk) words.push("foreign key");
  if (column.unique) words.push("unique");
  if (column.default !== null) words.push("default " + column.default);
  if (column.comment) words.push("— " + column.comment);
  return words.join(" · ");
}

export class Diagram {
  constructor(element, { onSelect, onMoved }) {
    this.svg = element;
    this.onSelect = onSelect;
    this.onMoved = onMoved;
    this.nodes = [];
    this.edges = [];
    this.places = {};
    this.hidden = new Set();
    this.selected = null;
    this.flags = { tables: {}, columns: {} };
    this.view = { x: 20, y: 20, k: 1 };
    this.elements = new Map();
    this.svg.append(svg("style", {}, DIAGRAM_CSS));
    this.viewport = svg("g", { class: "viewport" });
    this.edgeLayer = svg("g", { class: "edges" });
    this.nodeLayer = svg("g", { class: "nodes" });
    this.viewport.append(this.edgeLayer, this.nodeLayer);
    this.svg.append(this.viewport);
    this.bindPointer();
  }

  setData(data, places) {
    this.nodes = data.nodes;
    this.edges = data.edges;
    this.byName = new Map(this.nodes.map((node) => [node.name, node]));
    this.sizes = new Map(this.nodes.map((node) => [node.name, nodeSize(node)]));
    this.places = places;
    for (const name of [...this.hidden]) if (!this.byName.has(name)) this.hidden.delete(name);
    if (this.selected && !this.byName.has(this.selected)) this.selected = null;
    this.render();
  }

  setFlags(findings) {
    const tables = {};
    const columns = {};
    for (const finding of findings) {
      if (!finding.table) continue;
      const entry = (tables[finding.table] ||= { count: 0, worst: "info" });
      entry.count += 1;
      if (SEVERITY_RANK[finding.severity] > SEVERITY_RANK[entry.worst]) entry.worst = finding.severity;
      if (finding.column) {
        const key = finding.table + "\u0000" + finding.column;
        if (!columns[key] || SEVERITY_RANK[finding.severity] > SEVERITY_RANK[columns[key]]) columns[key] = finding.severity;
      }
    }
    this.flags = { tables, columns };
    if (this.nodes.length) this.render();
  }

  visible(name) {
    return this.byName.has(name) && !this.hidden.has(name);
  }

  render() {
    clear(this.nodeLayer);
    clear(this.edgeLayer);
    this.elements.clear();
    for (const node of this.nodes) if (this.visible(node.name)) this.nodeLayer.append(this.drawNode(node));
    this.edgeElements = [];
    for (const edge of this.edges) {
      if (!this.visible(edge.from) || !this.visible(edge.to)) continue;
      const group = svg("g", { class: "edge", "data-testid": "relationship", "data-from": edge.from, "data-to": edge.to });
      this.edgeElements.push({ edge, group });
      this.drawEdge(edge, group);
      this.edgeLayer.append(group);
    }
    this.applyView();
    this.applySelection();
  }

  drawNode(node) {
    const size = this.sizes.get(node.name);
    const place = this.places[node.name] || { x: 0, y: 0 };
    const group = svg("g", {
      class: "node" + (node.kind === "table" ? "" : " view"),
      "data-testid": "table-node-" + node.name,
      "data-name": node.name,
      tabindex: 0,
      role: "button",
      "aria-label": `${node.kind} ${node.name}`,
      transform: `translate(${place.x},${place.y})`,
    });
    group.append(
      svg("title", {}, node.comment ? `${node.name} — ${node.comment}` : node.name),
      svg("rect", { class: "box", width: size.width, height: size.height, rx: 6 }),
      svg("rect", { class: "head", width: size.width, height: HEAD, rx: 6 }),
      svg("text", { class: "title", x: PAD / 2, y: 19 }, node.name),
    );
    if (node.kind !== "table") group.append(svg("text", { class: "kind", x: size.width - PAD / 2, y: 19, "text-anchor": "end" }, node.kind));
    const flag = this.flags.tables[node.name];
    if (flag && node.kind === "table") {
      group.append(svg("g", { class: "badge", "data-testid": "finding-badge-" + node.name },
        svg("circle", { class: "flag " + flag.worst, cx: size.width - 12, cy: HEAD / 2, r: 9 }),
        svg("text", { x: size.width - 12, y: HEAD / 2 + 3.5, "text-anchor": "middle" }, String(flag.count))));
    }
    node.columns.forEach((column, row) => {
      const y = HEAD + row * ROW;
      const severity = this.flags.columns[node.name + "\u0000" + column.name];
      const line = svg("g", { class: "col", "data-testid": `column-${node.name}.${column.name}`, "data-column": column.name },
        svg("title", {}, columnTitle(column)),
        svg("rect", { class: "band", x: 1, y, width: size.width - 2, height: ROW }),
        svg("text", { class: "key", x: PAD / 2, y: y + 14 }, keyMarker(column)),
        svg("text", { class: "cname", x: PAD / 2 + KEY_CHARS * CHAR, y: y + 14 }, column.name),
        svg("text", { class: "ctype", x: size.width - PAD / 2 - (severity ? 8 : 0), y: y + 14, "text-anchor": "end" }, columnLabel(column)));
      if (severity) line.append(svg("circle", { class: "flag " + severity, cx: size.width - 7, cy: y + ROW / 2, r: 3.5 }));
      group.append(line);
    });
    this.elements.set(node.name, group);
    return group;
  }

  anchor(name, columns, side) {
    const node = this.byName.get(name);
    const place = this.places[name] || { x: 0, y: 0 };
    const size = this.sizes.get(name);
    const row = Math.max(0, node.columns.findIndex((column) => column.name === columns[0]));
    return { x: place.x + (side > 0 ? size.width : 0), y: place.y + HEAD + row * ROW + ROW / 2, d: side };
  }

  drawEdge(edge, group) {
    clear(group);
    const fromPlace = this.places[edge.from] || { x: 0 };
    const toPlace = this.places[edge.to] || { x: 0 };
    const fromCentre = fromPlace.x + this.sizes.get(edge.from).width / 2;
    const toCentre = toPlace.x + this.sizes.get(edge.to).width / 2;
    let a, b;
    if (edge.from === edge.to) {
      a = this.anchor(edge.from, edge.from_columns, 1);
      b = this.anchor(edge.to, edge.to_columns, 1);
    } else {
      const rightward = fromCentre <= toCentre;
      a = this.anchor(edge.from, edge.from_columns, rightward ? 1 : -1);
      b = this.anchor(edge.to, edge.to_columns, rightward ? -1 : 1);
    }
    const reach = edge.from === edge.to ? 46 : Math.max(40, Math.abs(b.x - a.x) / 2);
    const c1 = { x: a.x + a.d * reach, y: a.y };
    const c2 = { x: b.x + b.d * reach, y: b.y };
    const mid = { x: (a.x + 3 * c1.x + 3 * c2.x + b.x) / 8, y: (a.y + 3 * c1.y + 3 * c2.y + b.y) / 8 };
    const card = edge.cardinality;
    const describe = `${edge.from}(${edge.from_columns.join(", ")}) → ${edge.to}(${edge.to_columns.join(", ")}) ${card.label}` +
      (edge.on_delete ? `, on delete ${edge.on_delete}` : "");
    group.append(
      svg("title", {}, describe),
      svg("path", { class: "line", d: `M${a.x},${a.y} C${c1.x},${c1.y} ${c2.x},${c2.y} ${b.x},${b.y}` }),
      ...this.glyph(a, card.from),
      ...this.glyph(b, card.to),
      svg("text", { x: mid.x, y: mid.y - 4, "text-anchor": "middle", "data-testid": "cardinality" }, card.label),
    );
  }

  // Crow's-foot ends: "many" a foot, "one" two bars, "zero-or-one" a bar and a ring.
  glyph(end, kind) {
    const { x, y, d } = end;
    if (kind === "many") {
      return [svg("path", { class: "glyph", d: `M${x},${y - 6} L${x + d * 12},${y} L${x},${y + 6} M${x + d * 14},${y - 6} L${x + d * 14},${y + 6}` })];
    }
    if (kind === "one") {
      return [svg("path", { class: "glyph", d: `M${x + d * 7},${y - 6} L${x + d * 7},${y + 6} M${x + d * 11},${y - 6} L${x + d * 11},${y + 6}` })];
    }
    return [
      svg("path", { class: "glyph", d: `M${x + d * 7},${y - 6} L${x + d * 7},${y + 6}` }),
      svg("circle", { class: "glyph", cx: x + d * 16, cy: y, r: 4 }),
    ];
  }

  redrawEdgesOf(name) {
    for (const { edge, group } of this.edgeElements) if (edge.from === name || edge.to === name) this.drawEdge(edge, group);
  }

  neighbours(name) {
    const found = new Set();
    for (const edge of this.edges) {
      if (edge.from === name) found.add(edge.to);
      if (edge.to === name) found.add(edge.from);
    }
    found.delete(name);
    return found;
  }

  select(name) {
    this.selected = name && this.byName.has(name) ? name : null;
    this.applySelection();
  }

  applySelection() {
    const near = this.selected ? this.neighbours(this.selected) : new Set();
    this.svg.classList.toggle("focus", Boolean(this.selected));
    for (const [name, group] of this.elements) {
      group.classList.toggle("selected", name === this.selected);
      group.classList.toggle("neighbour", near.has(name));
    }
    for (const { edge, group } of this.edgeElements || []) {
      group.classList.toggle("lit", edge.from === this.selected || edge.to === this.selected);
    }
  }

  highlightColumn(table, column) {
    for (const group of this.nodeLayer.querySelectorAll(".col.highlight")) group.classList.remove("highlight");
    const node = this.elements.get(table);
    if (!node || !column) return;
    for (const group of node.querySelectorAll(".col")) if (group.dataset.column === column) group.classList.add("highlight");
  }

  // --- pan, zoom, drag ------------------------------------------------------------------

  applyView() {
    const { x, y, k } = this.view;
    this.viewport.setAttribute("transform", `translate(${x},${y}) scale(${k})`);
  }

  zoomBy(factor, cx, cy) {
    const rect = this.svg.getBoundingClientRect();
    const px = cx ?? rect.width / 2;
    const py = cy ?? rect.height / 2;
    const k = Math.min(4, Math.max(0.05, this.view.k * factor));
    this.view.x = px - ((px - this.view.x) / this.view.k) * k;
    this.view.y = py - ((py - this.view.y) / this.view.k) * k;
    this.view.k = k;
    this.applyView();
  }

  bounds(names) {
    let left = Infinity, top = Infinity, right = -Infinity, bottom = -Infinity;
    for (const name of names) {
      const place = this.places[name];
      const size = this.sizes.get(name);
      if (!place || !size) continue;
      left = Math.min(left, place.x);
      top = Math.min(top, place.y);
      right = Math.max(right, place.x + size.width);
      bottom = Math.max(bottom, place.y + size.height);
    }
    if (left === Infinity) return { x: 0, y: 0, width: 100, height: 100 };
    // Self-references loop out to the right of their table.
    return { x: left, y: top, width: right - left + 60, height: bottom - top };
  }

  visibleNames() {
    return this.nodes.map((node) => node.name).filter((name) => this.visible(name));
  }

  fit() {
    const box = this.bounds(this.visibleNames());
    const rect = this.svg.getBoundingClientRect();
    const width = rect.width || 800;
    const height = rect.height || 600;
    const k = Math.min(1.25, Math.max(0.05, Math.min(width / (box.width + 40), height / (box.height + 40))));
    this.view = { k, x: (width - box.width * k) / 2 - box.x * k, y: (height - box.height * k) / 2 - box.y * k };
    this.applyView();
  }

  centreOn(name) {
    const place = this.places[name];
    const size = this.sizes.get(name);
    if (!place || !size) return;
    const rect = this.svg.getBoundingClientRect();
    this.view.x = rect.width / 2 - (place.x + size.width / 2) * this.view.k;
    this.view.y = rect.height / 2 - (place.y + size.height / 2) * this.view.k;
    this.applyView();
  }

  bindPointer() {
    let gesture = null;
    this.svg.addEventListener("wheel", (event) => {
      event.preventDefault();
      const rect = this.svg.getBoundingClientRect();
      this.zoomBy(Math.exp(-event.deltaY * 0.0015), event.clientX - rect.left, event.clientY - rect.top);
    }, { passive: false });
    this.svg.addEventListener("pointerdown", (event) => {
      if (event.button !== 0) return;
      const node = event.target.closest(".node");
      gesture = { node: node ? node.dataset.name : null, x: event.clientX, y: event.clientY, moved: false };
      if (gesture.node) gesture.start = { ...this.places[gesture.node] };
      else gesture.start = { x: this.view.x, y: this.view.y };
      this.svg.setPointerCapture(event.pointerId);
      this.svg.classList.add("panning");
    });
    this.svg.addEventListener("pointermove", (event) => {
      if (!gesture) return;
      const dx = event.clientX - gesture.x;
      const dy = event.clientY - gesture.y;
      if (Math.abs(dx) + Math.abs(dy) > 3) gesture.moved = true;
      if (!gesture.moved) return;
      if (gesture.node) {
        const place = { x: Math.round(gesture.start.x + dx / this.view.k), y: Math.round(gesture.start.y + dy / this.view.k) };
        this.places[gesture.node] = place;
        this.elements.get(gesture.node).setAttribute("transform", `translate(${place.x},${place.y})`);
        this.redrawEdgesOf(gesture.node);
      } else {
        this.view.x = gesture.start.x + dx;
        this.view.y = gesture.start.y + dy;
        this.applyView();
      }
    });
    const finish = () => {
      if (!gesture) return;
      const done = gesture;
      gesture = null;
      this.svg.classList.remove("panning");
      if (done.moved && done.node) this.onMoved(this.places);
      else if (!done.moved) this.onSelect(done.node);
    };
    this.svg.addEventListener("pointerup", finish);
    this.svg.addEventListener("pointercancel", finish);
    this.svg.addEventListener("keydown", (event) => {
      const node = event.target.closest && event.target.closest(".node");
      if (node && (event.key === "Enter" || event.key === " ")) {
        event.preventDefault();
        this.onSelect(node.dataset.name);
      }
    });
  }

  // --- export ---------------------------------------------------------------------------

  /** The whole diagram (every shown table, not just what is in the window) as SVG text. */
  toSVG() {
    const box = this.bounds(this.visibleNames());
    const margin = 24;
    const root = svg("svg", {
      xmlns: "http://www.w3.org/2000/svg",
      width: Math.ceil(box.width + 2 * margin),
      height: Math.ceil(box.height + 2 * margin),
      viewBox: `${box.x - margin} ${box.y - margin} ${Math.ceil(box.width + 2 * margin)} ${Math.ceil(box.height + 2 * margin)}`,
    });
    root.append(svg("style", {}, DIAGRAM_CSS));
    root.append(svg("rect", { x: box.x - margin, y: box.y - margin, width: "100%", height: "100%", fill: "#ffffff" }));
    const content = this.viewport.cloneNode(true);
    content.removeAttribute("transform");
    for (const node of content.querySelectorAll(".selected, .neighbour, .lit, .highlight")) {
      node.classList.remove("selected", "neighbour", "lit", "highlight");
    }
    root.append(content);
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + new XMLSerializer().serializeToString(root);
  }

  exportSVG(name) {
    download(new Blob([this.toSVG()], { type: "image/svg+xml" }), name + ".svg");
  }

  async exportPNG(name) {
    const text = this.toSVG();
    const url = URL.createObjectURL(new Blob([text], { type: "image/svg+xml" }));
    const image = new Image();
    await new Promise((resolve, reject) => { image.onload = resolve; image.onerror = reject; image.src = url; });
    // Twice the size for sharp text, within the canvas limit browsers impose.
    const scale = Math.min(2, 16000 / Math.max(image.width, image.height));
    const canvas = document.createElement("canvas");
    canvas.width = Math.ceil(image.width * scale);
    canvas.height = Math.ceil(image.height * scale);
    const context = canvas.getContext("2d");
    context.scale(scale, scale);
    context.drawImage(image, 0, 0);
    URL.revokeObjectURL(url);
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/png"));
    download(blob, name + ".png");
  }
}
