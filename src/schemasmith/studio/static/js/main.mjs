// The studio page: wires the diagram, the findings, the artifacts and the migration preview to
// the API, keeps the URL's deep link in step, and reloads what changed when the design file does.

import { el, clear } from "./dom.mjs";
import { getJSON, putJSON } from "./api.mjs";
import { readHash, writeHash } from "./links.mjs";
import { autoLayout } from "./layout.mjs";
import { Diagram } from "./diagram.mjs";
import { Findings } from "./findings.mjs";
import { Artifacts } from "./artifacts.mjs";
import { showMigration } from "./migration.mjs";
import { DataBrowser } from "./data.mjs";

const $ = (id) => document.getElementById(id);
const link = readHash();
const elk = new window.ELK();
let version = null;
let data = null;
let loadedTabs = new Set();

function saveLink() {
  writeHash({ tab: link.tab, table: diagram.selected, hidden: [...diagram.hidden], file: link.file });
}

function status(text) {
  $("layout-status").textContent = text;
}

let saveTimer = null;
function savePositions(places) {
  clearTimeout(saveTimer);
  saveTimer = setTimeout(async () => {
    try {
      const result = await putJSON("api/layout", { positions: places });
      status(result.saved ? `positions saved to ${result.file}` : result.reason);
    } catch (error) {
      status("positions not saved: " + (error.message || error));
    }
  }, 250);
}

const diagram = new Diagram($("diagram"), {
  onSelect: (name) => selectTable(name),
  onMoved: (places) => savePositions(places),
});
for (const name of link.hidden) diagram.hidden.add(name);

const findings = new Findings({
  filter: $("severity-filter"), list: $("findings"), scope: $("findings-scope"), detail: $("finding-detail"),
  onShow: (table, column) => {
    selectTable(table);
    if (table) {
      if (diagram.hidden.has(table)) { diagram.hidden.delete(table); diagram.render(); renderTableList(); }
      diagram.centreOn(table);
      diagram.highlightColumn(table, column);
    }
  },
});

const artifacts = new Artifacts({
  list: $("artifact-list"), name: $("artifact-name"), content: $("artifact-content"), downloadLink: $("artifact-download"),
  onOpen: (key) => { link.file = key; saveLink(); },
});

const browser = $("data-table") && new DataBrowser({
  select: $("data-table"), body: $("data-body"), status: $("data-status"), previous: $("data-previous"), next: $("data-next"),
});

function selectTable(name) {
  diagram.select(name);
  findings.setTable(diagram.selected);
  renderDetails();
  renderTableList();
  saveLink();
}

function renderDetails() {
  const box = clear($("details"));
  const node = diagram.selected && diagram.byName.get(diagram.selected);
  if (!node) {
    box.append(el("p", { class: "muted" }, "Select a table to see its columns, keys and neighbours."));
    return;
  }
  box.append(el("h3", { "data-testid": "details-name" }, node.name), el("div", { class: "muted" }, node.kind));
  if (node.comment) box.append(el("p", { "data-testid": "details-comment" }, node.comment));
  if (node.rationale) box.append(el("p", { class: "muted" }, node.rationale));
  if (node.expected_rows) box.append(el("p", { class: "muted" }, `expected rows: ${node.expected_rows.toLocaleString()}`));
  if (node.query) box.append(el("pre", { class: "code" }, node.query));
  box.append(el("table", {}, el("tbody", {}, node.columns.map((column) => el("tr", {},
    el("td", {}, [column.pk && "PK", column.fk && "FK", column.unique && "UQ"].filter(Boolean).join(" ")),
    el("td", {}, column.name),
    el("td", {}, column.type + (column.nullable ? " null" : " not null") + (column.default !== null ? ` = ${column.default}` : "")),
    el("td", { class: "muted" }, column.comment || ""))))));
  const relations = data.edges.filter((edge) => edge.from === node.name || edge.to === node.name);
  if (relations.length) {
    box.append(el("h4", {}, "Relationships"), el("ul", {}, relations.map((edge) => el("li", {},
      `${edge.from}(${edge.from_columns.join(", ")}) → ${edge.to}(${edge.to_columns.join(", ")}) ${edge.cardinality.label}`,
      edge.on_delete ? `, on delete ${edge.on_delete}` : "", " ",
      el("button", { class: "small", onclick: () => { const other = edge.from === node.name ? edge.to : edge.from; selectTable(other); diagram.centreOn(other); } },
        "go to " + (edge.from === node.name ? edge.to : edge.from))))));
  }
}

function renderTableList() {
  const list = clear($("table-list"));
  const words = $("table-filter").value.trim().toLowerCase();
  for (const node of data ? data.nodes : []) {
    if (words && !node.name.toLowerCase().includes(words)) continue;
    const box = el("input", { type: "checkbox", checked: !diagram.hidden.has(node.name), "aria-label": "show " + node.name,
      "data-testid": "toggle-" + node.name });
    box.addEventListener("change", () => {
      if (box.checked) diagram.hidden.delete(node.name); else diagram.hidden.add(node.name);
      diagram.render();
      saveLink();
    });
    list.append(el("li", { class: node.name === diagram.selected ? "selected" : "" }, box,
      el("button", { onclick: () => { if (diagram.hidden.has(node.name)) { diagram.hidden.delete(node.name); diagram.render(); } selectTable(node.name); diagram.centreOn(node.name); } },
        node.name + (node.kind === "table" ? "" : ` (${node.kind})`))));
  }
}

async function loadDiagram(first) {
  data = await getJSON("api/diagram");
  const known = data.nodes.map((node) => node.name);
  let places = data.positions;
  const missing = known.filter((name) => !places[name]);
  if (missing.length) {
    status(missing.length === known.length ? "laid out automatically (drag to place, positions are saved)" : "new tables laid out automatically");
    const automatic = await autoLayout(elk, data.nodes, data.edges);
    places = { ...automatic, ...places };
    if (missing.length !== known.length) {
      // New tables go below what the user placed, where they do not cover anything.
      const bottom = Math.max(...known.filter((name) => data.positions[name]).map((name) => data.positions[name].y + 400));
      missing.forEach((name, i) => { places[name] = { x: automatic[name].x, y: bottom + i * 20 }; });
    }
  }
  diagram.setData(data, places);
  if (first) {
    diagram.fit();
    if (link.table) selectTable(link.table); else renderDetails();
  } else {
    renderDetails();
  }
  renderTableList();
  document.body.dataset.diagramReady = "true";
}

async function loadFindings() {
  const result = await getJSON("api/findings");
  findings.setData(result);
  diagram.setFlags(result.findings);
}

async function loadTab(tab) {
  if (tab === "artifacts") await artifacts.load(link.file);
  if (tab === "migration") await showMigration($("migration-body"), $("migration-against").value);
  if (tab === "data" && browser) {
    browser.setTables(data.nodes.filter((node) => node.kind === "table").map((node) => node.name));
    await browser.show({});
  }
  loadedTabs.add(tab);
}

function showTab(tab) {
  link.tab = ["diagram", "artifacts", "migration", ...(browser ? ["data"] : [])].includes(tab) ? tab : "diagram";
  for (const view of document.querySelectorAll(".view")) view.hidden = view.dataset.view !== link.tab;
  for (const button of document.querySelectorAll(".tabs button")) button.setAttribute("aria-selected", String(button.dataset.tab === link.tab));
  saveLink();
  if (!loadedTabs.has(link.tab)) loadTab(link.tab).catch(showError);
}

function showError(error) {
  const banner = $("banner");
  banner.hidden = !error;
  banner.textContent = error ? String(error.message || error) : "";
}

async function poll() {
  try {
    const state = await getJSON("api/state");
    if (state.error) showError(`${state.schema} does not load (showing the last version that did): ${state.error}`);
    else showError(null);
    if (version !== null && state.version !== version) {
      loadedTabs = new Set(["diagram"]);
      await Promise.all([loadDiagram(false), loadFindings()]);
      if (link.tab !== "diagram") await loadTab(link.tab);
    }
    version = state.version;
  } catch (error) {
    showError("the studio server does not answer: " + (error.message || error));
  }
}

function bindControls() {
  for (const button of document.querySelectorAll(".tabs button")) button.addEventListener("click", () => showTab(button.dataset.tab));
  $("tidy").addEventListener("click", async () => {
    const shown = data.nodes.filter((node) => !diagram.hidden.has(node.name));
    const places = await autoLayout(elk, shown, data.edges);
    Object.assign(diagram.places, places);
    diagram.render();
    diagram.fit();
    savePositions(diagram.places);
  });
  $("fit").addEventListener("click", () => diagram.fit());
  $("zoom-in").addEventListener("click", () => diagram.zoomBy(1.25));
  $("zoom-out").addEventListener("click", () => diagram.zoomBy(0.8));
  $("export-svg").addEventListener("click", () => diagram.exportSVG(data.name || "diagram"));
  $("export-png").addEventListener("click", () => diagram.exportPNG(data.name || "diagram").catch(showError));
  $("table-filter").addEventListener("input", renderTableList);
  $("show-all").addEventListener("click", () => { diagram.hidden.clear(); diagram.render(); renderTableList(); saveLink(); });
  $("hide-all").addEventListener("click", () => {
    const words = $("table-filter").value.trim().toLowerCase();
    for (const node of data.nodes) if (!words || node.name.toLowerCase().includes(words)) diagram.hidden.add(node.name);
    diagram.render(); renderTableList(); saveLink();
  });
  $("migration-against").addEventListener("change", () => loadTab("migration").catch(showError));
  $("migration-refresh").addEventListener("click", () => loadTab("migration").catch(showError));
  $("theme").addEventListener("click", () => {
    const next = document.documentElement.dataset.theme === "dark" ? "light" : "dark";
    document.documentElement.dataset.theme = next;
    localStorage.setItem("schemasmith-theme", next);
  });
}

async function start() {
  const theme = localStorage.getItem("schemasmith-theme") || (matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light");
  document.documentElement.dataset.theme = theme;
  bindControls();
  const state = await getJSON("api/state");
  version = state.version;
  if (state.error) showError(state.error);
  await Promise.all([loadDiagram(true), loadFindings()]);
  showTab(link.tab);
  setInterval(poll, 2000);
}

start().catch(showError);
