// The review panel: findings filtered by severity (and by the selected table), each opening its
// message, reason, fixes and the rule's own documentation.

import { el, clear } from "./dom.mjs";
import { getJSON } from "./api.mjs";

export class Findings {
  constructor({ filter, list, scope, detail, onShow }) {
    this.filterBox = filter;
    this.list = list;
    this.scope = scope;
    this.detail = detail;
    this.onShow = onShow;
    this.data = { findings: [], severities: [], counts: {} };
    this.shown = new Set(["error", "warning", "info"]);
    this.table = null;
    this.open = null;
    this.rules = new Map();
  }

  setData(data) {
    this.data = data;
    if (this.open !== null && !data.findings.some((finding) => finding.id === this.open)) this.open = null;
    this.renderFilter();
    this.render();
  }

  setTable(name) {
    this.table = name;
    this.render();
  }

  renderFilter() {
    clear(this.filterBox);
    for (const severity of this.data.severities) {
      const box = el("input", { type: "checkbox", "data-testid": "severity-" + severity, checked: this.shown.has(severity) });
      box.addEventListener("change", () => {
        if (box.checked) this.shown.add(severity); else this.shown.delete(severity);
        this.render();
      });
      this.filterBox.append(el("label", { class: "sev-" + severity }, box, ` ${severity} (${this.data.counts[severity] || 0})`));
    }
  }

  render() {
    clear(this.list);
    clear(this.scope);
    if (this.data.error) {
      this.list.append(el("li", { class: "sev-error" }, this.data.error));
      return;
    }
    if (this.table) {
      this.scope.append(`On ${this.table} only · `, el("button", { class: "small", onclick: () => this.onShow(null) }, "all tables"));
    }
    const chosen = this.data.findings.filter((finding) =>
      this.shown.has(finding.severity) && (!this.table || finding.table === this.table));
    if (!chosen.length) this.list.append(el("li", { class: "muted" }, this.data.findings.length ? "No finding matches." : "No findings: the review is clean."));
    for (const finding of chosen) {
      const button = el("button", {
        "data-testid": "finding-" + finding.id,
        "aria-pressed": String(finding.id === this.open),
        onclick: () => this.openFinding(finding.id),
      }, el("span", { class: "sev sev-" + finding.severity }, finding.severity), ` ${finding.code} `,
      el("strong", {}, finding.location), el("br"), finding.message);
      this.list.append(el("li", {}, button));
    }
    if (this.open === null) this.detail.hidden = true;
  }

  async openFinding(id) {
    const finding = this.data.findings.find((item) => item.id === id);
    if (!finding) return;
    this.open = id;
    this.render();
    this.detail.hidden = false;
    clear(this.detail);
    this.detail.append(
      el("h3", {}, el("span", { class: "sev sev-" + finding.severity }, finding.severity), ` ${finding.code} ${finding.name}`),
      el("p", {}, el("strong", {}, finding.location), finding.line ? ` (line ${finding.line})` : "", " — ", finding.message),
      el("p", {}, finding.reason),
    );
    if (finding.table) {
      this.detail.append(el("button", { class: "small", "data-testid": "show-on-diagram",
        onclick: () => this.onShow(finding.table, finding.column) }, "Show on the diagram"));
    }
    if (finding.fix.sql) this.detail.append(el("h4", {}, "Fix (SQL)"), el("pre", { "data-testid": "fix-sql" }, finding.fix.sql));
    if (finding.fix.design) this.detail.append(el("h4", {}, "Fix (design document)"), el("pre", { "data-testid": "fix-design" }, finding.fix.design));
    const docs = el("div", { "data-testid": "rule-doc" }, el("p", { class: "muted" }, "Loading the rule's documentation…"));
    this.detail.append(el("h4", {}, `Rule ${finding.code}`), docs);
    try {
      if (!this.rules.has(finding.code)) this.rules.set(finding.code, await getJSON("api/rules/" + encodeURIComponent(finding.code)));
      const rule = this.rules.get(finding.code);
      clear(docs);
      for (const [title, text] of Object.entries(rule.sections)) docs.append(el("h5", {}, title), el("pre", { class: "doc" }, text));
    } catch (error) {
      clear(docs).append(el("p", { class: "sev-error" }, String(error.message || error)));
    }
  }
}
