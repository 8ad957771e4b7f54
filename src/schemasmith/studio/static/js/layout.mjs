// Node sizes and the automatic layout. Boxes are sized from their text in a monospace font (so
// no measuring pass is needed, which keeps 300 tables fast); ELK's layered algorithm places them,
// referenced tables to the left of the tables that point at them.

export const ROW = 20;
export const HEAD = 30;
export const CHAR = 7.3;
export const PAD = 14;
export const KEY_CHARS = 6;

export function columnLabel(column) {
  return column.type + (column.nullable ? "?" : "");
}

export function nodeSize(node) {
  let widest = node.name.length + 6;
  for (const column of node.columns) widest = Math.max(widest, KEY_CHARS + column.name.length + 2 + columnLabel(column).length);
  return { width: Math.max(150, Math.round(widest * CHAR + 2 * PAD)), height: HEAD + Math.max(1, node.columns.length) * ROW + 6 };
}

/** Places for every node: {name: {x, y}}. `elk` is an ELK instance (window.ELK, vendored). */
export async function autoLayout(elk, nodes, edges) {
  const index = new Map(nodes.map((node, i) => [node.name, "n" + i]));
  const graph = {
    id: "root",
    layoutOptions: {
      "elk.algorithm": "layered",
      "elk.direction": "RIGHT",
      "elk.spacing.nodeNode": "40",
      "elk.layered.spacing.nodeNodeBetweenLayers": "90",
      "elk.layered.considerModelOrder.strategy": "NODES_AND_EDGES",
      "elk.separateConnectedComponents": "true",
      "elk.spacing.componentComponent": "60",
    },
    children: nodes.map((node) => ({ id: index.get(node.name), ...nodeSize(node) })),
    edges: edges
      .filter((edge) => index.has(edge.from) && index.has(edge.to) && edge.from !== edge.to)
      .map((edge, i) => ({ id: "e" + i, sources: [index.get(edge.to)], targets: [index.get(edge.from)] })),
  };
  const result = await elk.layout(graph);
  const places = {};
  const names = new Map([...index].map(([name, id]) => [id, name]));
  for (const child of result.children) places[names.get(child.id)] = { x: Math.round(child.x), y: Math.round(child.y) };
  return places;
}
