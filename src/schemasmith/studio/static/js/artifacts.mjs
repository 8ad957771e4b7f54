// Generated artifacts: every build target's files, shown as text and downloadable one by one or
// all together; reloaded when the design changes on disk.

import { el, clear } from "./dom.mjs";
import { getJSON, getText } from "./api.mjs";

function fileURL(target, path, download) {
  return `api/artifacts/${encodeURIComponent(target)}?path=${encodeURIComponent(path)}` + (download ? "&download=1" : "");
}

export class Artifacts {
  constructor({ list, name, content, downloadLink, onOpen }) {
    this.list = list;
    this.name = name;
    this.content = content;
    this.downloadLink = downloadLink;
    this.onOpen = onOpen;
    this.current = null;
  }

  async load(wanted) {
    const data = await getJSON("api/artifacts");
    clear(this.list);
    let first = null;
    for (const [target, result] of Object.entries(data.targets)) {
      const section = el("section", { "data-testid": "target-" + target }, el("h3", {}, target));
      if (result.error) section.append(el("div", { class: "sev-error" }, result.error));
      for (const path of result.files) {
        const key = target + "/" + path;
        first ||= key;
        section.append(el("button", { "data-testid": "artifact-" + key, "aria-pressed": String(key === this.current),
          onclick: () => this.open(key) }, path));
      }
      for (const warning of result.warnings) section.append(el("div", { class: "warn" }, warning));
      this.list.append(section);
    }
    const keys = Object.entries(data.targets).flatMap(([target, result]) => result.files.map((path) => target + "/" + path));
    const chosen = [wanted, this.current, first].find((key) => key && keys.includes(key));
    if (chosen) await this.open(chosen);
  }

  async open(key) {
    const slash = key.indexOf("/");
    const target = key.slice(0, slash);
    const path = key.slice(slash + 1);
    this.current = key;
    for (const button of this.list.querySelectorAll("button")) button.setAttribute("aria-pressed", String(button.dataset.testid === "artifact-" + key));
    this.name.textContent = key;
    this.content.textContent = await getText(fileURL(target, path, false));
    this.downloadLink.href = fileURL(target, path, true);
    this.downloadLink.hidden = false;
    this.onOpen(key);
  }
}
