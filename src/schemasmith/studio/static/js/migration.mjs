// Migration preview: the committed design (or the live database) → the file on disk, as the
// steps `schemasmith diff` would write, each with UP and DOWN SQL, and the safety report.

import { el, clear } from "./dom.mjs";
import { getJSON } from "./api.mjs";

function table(headers, rows) {
  return el("table", {}, el("thead", {}, el("tr", {}, headers.map((header) => el("th", {}, header)))),
    el("tbody", {}, rows.map((row) => el("tr", {}, row.map((cell) => el("td", {}, cell))))));
}

export async function showMigration(body, against) {
  clear(body).append(el("p", { class: "muted" }, "Computing the migration…"));
  let data;
  try {
    data = await getJSON("api/migration?against=" + encodeURIComponent(against));
  } catch (error) {
    clear(body).append(el("p", { class: "sev-error" }, String(error.message || error)));
    return;
  }
  clear(body);
  if (!data.available) {
    body.append(el("p", { "data-testid": "migration-unavailable" }, data.reason));
    return;
  }
  body.append(el("h2", {}, `${data.old} → ${data.new}`));
  if (!data.steps.length) {
    body.append(el("p", { "data-testid": "migration-empty" }, "The file on disk describes the same schema: nothing to migrate."));
    return;
  }
  body.append(el("p", {}, `Dialect ${data.dialect}, ${data.plan} plan: ${data.plan_reason}. Worst severity: `,
    el("strong", { "data-testid": "migration-worst" }, data.worst_severity), "."));
  body.append(el("h3", {}, "Safety report"), table(
    ["operation", "table", "rows", "lock", "blocks", "rewrites", "data loss", "breaks running code", "severity", "safe alternative"],
    data.findings.map((finding) => [finding.operation, finding.table || "", finding.rows ?? "", finding.lock, finding.blocks,
      finding.rewrites_table ? "yes" : "no", finding.data_loss ? "yes" : "no", finding.backward_incompatible ? "yes" : "no",
      finding.severity, finding.safe_alternative || ""]),
  ));
  data.steps.forEach((step, index) => {
    const section = el("section", { "data-testid": "migration-step-" + index },
      el("h3", {}, `${step.id}: ${step.title}`, step.transactional ? "" : " (outside a transaction)"));
    for (const note of [...step.after_deploy, ...step.data_loss, ...step.notes]) section.append(el("p", { class: "muted" }, note));
    section.append(el("div", { class: "pair" },
      el("div", {}, el("h4", {}, "UP ", el("a", { class: "muted", title: "file name" }, step.up)), el("pre", { "data-testid": "up-sql" }, step.up_sql)),
      el("div", {}, el("h4", {}, "DOWN ", el("a", { class: "muted", title: "file name" }, step.down)), el("pre", { "data-testid": "down-sql" }, step.down_sql))));
    if (step.down_data_loss.length) section.append(el("p", { class: "sev-warning" }, "DOWN loses: " + step.down_data_loss.join("; ")));
    body.append(section);
  });
  const notes = [...data.suggestions, ...data.notes];
  if (notes.length) body.append(el("h3", {}, "Notes"), el("ul", {}, notes.map((note) => el("li", {}, note))));
}
