// Check generated files with each ecosystem's own parser, many files per process.
//
// Usage: node tools/node/check.mjs < request.json > response.json
//   request:  {"tool": "prisma" | "mermaid" | "dbml", "items": [{"id": "...", "text": "..."}, ...]}
//   response: {"tool": ..., "versions": {...}, "results": [{"id": ..., "ok": true|false, "error": "...", ...}]}
//
// prisma:  @prisma/prisma-schema-wasm (the validator and formatter inside the prisma CLI):
//          validate, format (the text `prisma format` would write) and a summary of the DMMF.
// mermaid: mermaid.parse, then the parsed diagram's entities and relationships.
// dbml:    @dbml/core Parser.parse(text, 'dbmlv2') (the @dbml/parse compiler dbdiagram.io runs) with a
//          summary of the model, plus whether the older 'dbml' (legacy) parser accepts it too.
// Libraries may log while loading; all console output goes to stderr so stdout is only the JSON.
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";

const require = createRequire(import.meta.url);
console.log = console.info = console.warn = console.debug = console.error;

function packageVersion(name) {
  try {
    return require(`${name}/package.json`).version;
  } catch {
    return null;
  }
}

function message(error) {
  if (error && Array.isArray(error.diags)) {
    return error.diags
      .map((d) => `${d.message}${d.location && d.location.start ? ` (line ${d.location.start.line}, column ${d.location.start.column})` : ""}`)
      .join("\n");
  }
  const text = String(error && error.message !== undefined ? error.message : error);
  try {
    const parsed = JSON.parse(text.replace(/^Error: /, ""));
    if (parsed && parsed.message) return parsed.message;
  } catch {
    // not JSON: keep the text
  }
  return text;
}

async function checkPrisma(items) {
  const wasm = require("@prisma/prisma-schema-wasm");
  globalThis.PRISMA_WASM_PANIC_REGISTRY = { set_message(m) { this.last = m; } };
  const formatting = JSON.stringify({ textDocument: { uri: "file:/dev/null" }, options: { tabSize: 2, insertSpaces: true } });
  return items.map(({ id, text }) => {
    const result = { id };
    try {
      wasm.validate(JSON.stringify({ prismaSchema: [["schema.prisma", text]], noColor: true }));
      result.ok = true;
    } catch (error) {
      result.ok = false;
      result.error = message(error);
      return result;
    }
    try {
      result.formatted = JSON.parse(wasm.format(JSON.stringify([["schema.prisma", text]]), formatting))[0][1];
      const dmmf = JSON.parse(wasm.get_dmmf(JSON.stringify({ prismaSchema: [["schema.prisma", text]] })));
      result.models = dmmf.datamodel.models.map((m) => ({
        name: m.name,
        dbName: m.dbName,
        primaryKey: m.primaryKey,
        uniqueIndexes: m.uniqueIndexes,
        fields: m.fields.map((f) => ({
          name: f.name, dbName: f.dbName ?? null, kind: f.kind, type: f.type, isList: f.isList, isRequired: f.isRequired,
          isId: f.isId, isUnique: f.isUnique, isUpdatedAt: f.isUpdatedAt, nativeType: f.nativeType ?? null,
          default: f.default ?? null, relationName: f.relationName ?? null, relationFromFields: f.relationFromFields ?? null,
          relationToFields: f.relationToFields ?? null, relationOnDelete: f.relationOnDelete ?? null,
          relationOnUpdate: f.relationOnUpdate ?? null,
        })),
      }));
      result.enums = dmmf.datamodel.enums.map((e) => ({ name: e.name, dbName: e.dbName ?? null, values: e.values.map((v) => ({ name: v.name, dbName: v.dbName ?? null })) }));
      result.indexes = dmmf.datamodel.indexes;
    } catch (error) {
      result.ok = false;
      result.error = `valid, but formatting or DMMF failed: ${message(error)}`;
    }
    return result;
  });
}

async function checkMermaid(items) {
  const { default: mermaid } = await import("mermaid");
  const results = [];
  for (const { id, text } of items) {
    const result = { id };
    try {
      await mermaid.parse(text);
      const diagram = await mermaid.mermaidAPI.getDiagramFromText(text);
      result.ok = true;
      result.type = diagram.type;
      if (diagram.type === "er") {
        const entities = diagram.db.getEntities();
        const ids = new Map();
        result.entities = [...entities.entries()].map(([key, entity]) => {
          ids.set(entity.id, key);
          return { id: key, alias: entity.alias || "", attributes: entity.attributes.map((a) => ({ type: a.type, name: a.name, keys: a.keys || [], comment: a.comment || "" })) };
        });
        result.relationships = diagram.db.getRelationships().map((r) => ({
          from: ids.get(r.entityA) ?? r.entityA, to: ids.get(r.entityB) ?? r.entityB, role: r.roleA,
          cardFrom: r.relSpec.cardB, cardTo: r.relSpec.cardA, identifying: r.relSpec.relType === "IDENTIFYING",
        }));
      }
    } catch (error) {
      result.ok = false;
      result.error = message(error);
    }
    results.push(result);
  }
  return results;
}

async function checkDbml(items) {
  const { Parser } = require("@dbml/core");
  return items.map(({ id, text }) => {
    const result = { id };
    try {
      const database = Parser.parse(text, "dbmlv2");
      const schema = database.schemas[0];
      result.ok = true;
      result.tables = schema.tables.map((t) => ({
        name: t.name, note: t.note ?? null,
        fields: t.fields.map((f) => ({ name: f.name, type: f.type.type_name, pk: !!f.pk, notNull: !!f.not_null, unique: !!f.unique, increment: !!f.increment, default: f.dbdefault ?? null, note: f.note ?? null })),
        indexes: t.indexes.map((i) => ({ name: i.name ?? null, type: i.type ?? null, unique: !!i.unique, pk: !!i.pk, note: i.note ?? null, columns: i.columns.map((c) => ({ type: c.type, value: c.value })) })),
        checks: (t.checks || []).map((c) => ({ name: c.name ?? null, expression: c.expression })),
      }));
      result.refs = schema.refs.map((r) => ({ name: r.name ?? null, onDelete: r.onDelete ?? null, onUpdate: r.onUpdate ?? null, endpoints: r.endpoints.map((e) => ({ table: e.tableName, fields: e.fieldNames, relation: e.relation })) }));
      result.enums = schema.enums.map((e) => ({ name: e.name, values: e.values.map((v) => v.name) }));
      result.note = database.note ?? null;
    } catch (error) {
      result.ok = false;
      result.error = message(error);
    }
    try {
      Parser.parse(text, "dbml");
      result.legacy = { ok: true };
    } catch (error) {
      result.legacy = { ok: false, error: message(error) };
    }
    return result;
  });
}

const checkers = { prisma: checkPrisma, mermaid: checkMermaid, dbml: checkDbml };
const packages = {
  prisma: ["@prisma/prisma-schema-wasm"],
  mermaid: ["mermaid"],
  dbml: ["@dbml/core"],
};

const request = JSON.parse(readFileSync(0, "utf8"));
const checker = checkers[request.tool];
if (!checker) {
  process.stderr.write(`unknown tool ${JSON.stringify(request.tool)}; tools are ${Object.keys(checkers).join(", ")}\n`);
  process.exit(2);
}
const versions = Object.fromEntries(packages[request.tool].map((name) => [name, packageVersion(name)]));
const results = await checker(request.items);
process.stdout.write(JSON.stringify({ tool: request.tool, versions, results }));
