// Deep links: the URL's hash says which tab, table and hidden tables are open, so a link or a
// reload brings back the same view. Names are URI-encoded (they may hold spaces, quotes, commas).

export function readHash() {
  const params = new URLSearchParams(location.hash.slice(1));
  return {
    tab: params.get("tab") || "diagram",
    table: params.get("table") || null,
    hidden: params.getAll("hide"),
    file: params.get("file") || null,
  };
}

export function writeHash(state) {
  const params = new URLSearchParams();
  if (state.tab && state.tab !== "diagram") params.set("tab", state.tab);
  if (state.table) params.set("table", state.table);
  for (const name of state.hidden || []) params.append("hide", name);
  if (state.file) params.set("file", state.file);
  const text = params.toString();
  history.replaceState(null, "", text ? "#" + text : location.pathname + location.search);
}
