// The data browser: one page of a table's rows at a time, sorted by a column header click.
// Rows come from the server as JSON values and are shown as text.

import { el, clear } from "./dom.mjs";
import { getJSON } from "./api.mjs";

export class DataBrowser {
  constructor({ select, body, status, previous, next }) {
    this.select = select;
    this.body = body;
    this.status = status;
    this.state = { table: null, page: 0, sort: null, descending: false };
    select.addEventListener("change", () => this.show({ table: select.value, page: 0, sort: null, descending: false }));
    previous.addEventListener("click", () => this.state.page > 0 && this.show({ ...this.state, page: this.state.page - 1 }));
    next.addEventListener("click", () => this.more && this.show({ ...this.state, page: this.state.page + 1 }));
  }

  setTables(names) {
    const current = this.select.value;
    clear(this.select).append(...names.map((name) => el("option", { value: name }, name)));
    if (names.includes(current)) this.select.value = current;
  }

  async show(state) {
    this.state = { ...this.state, ...state, table: state.table || this.select.value };
    const params = new URLSearchParams({ page: this.state.page, size: 50, descending: this.state.descending });
    if (this.state.sort) params.set("sort", this.state.sort);
    let data;
    try {
      data = await getJSON(`api/data/${encodeURIComponent(this.state.table)}?${params}`);
    } catch (error) {
      clear(this.body).append(el("p", { class: "sev-error", "data-testid": "data-error" }, String(error.message || error)));
      return;
    }
    this.more = data.more;
    this.status.textContent = `${data.table}: rows ${data.page * data.size + 1}–${data.page * data.size + data.rows.length}` +
      (data.more ? " (more follow)" : "");
    const header = el("tr", {}, data.columns.map((column) => el("th", {},
      el("button", { class: "small", "data-testid": "sort-" + column, onclick: () => this.show({
        page: 0, sort: column, descending: this.state.sort === column ? !this.state.descending : false }) },
      column + (this.state.sort === column ? (this.state.descending ? " ↓" : " ↑") : "")))));
    const rows = data.rows.map((row, r) => el("tr", {}, row.map((value, c) => el("td", { "data-testid": `cell-${r}-${data.columns[c]}` },
      value === null ? el("span", { class: "muted" }, "NULL") : typeof value === "object" ? JSON.stringify(value) : String(value)))));
    clear(this.body).append(el("table", { "data-testid": "data-table" }, el("thead", {}, header), el("tbody", {}, rows)));
  }
}
