/**
 * Boots the islands of a page: the browser half of docs/ISLANDS.md, like Fresh 2's
 * `runtime/client/reviver.ts`. The generated bundle entry calls {@linkcode boot} with every island
 * component by name. Runs in browsers only.
 * @module
 */
import { type ComponentType, h, hydrate } from "preact";
import { ISLAND_TAG, type IslandsPayload, PAYLOAD_ID, SLOT_TAG } from "../shared/islands_format.ts";
import { reviveProps } from "./revive.ts";

/**
 * Hydrates every `<mesh3-island data-island="N">` of the document with its component and props.
 * An island that fails to hydrate is reported on the console and left as server-rendered HTML;
 * the others still boot. An island whose props `refuse` turns down is not hydrated: the reason
 * is shown in its place (the bundle's pinned chain, pinned_chain.ts).
 *
 * @example
 * ```ts ignore
 * import { boot } from "./boot.ts";
 * import Home from "../../../islands/Home.tsx";
 * boot({ Home });
 * ```
 */
export function boot(
  // deno-lint-ignore no-explicit-any
  islands: Record<string, ComponentType<any>>,
  doc: Document = document,
  refuse: (props: Record<string, unknown>) => string | null = () => null,
): void {
  const data = doc.getElementById(PAYLOAD_ID);
  if (data === null) return;
  const payload = JSON.parse(data.textContent ?? "") as IslandsPayload;
  const slotHtml = (id: string): string | null => {
    const selector = `[data-slot="${CSS.escape(id)}"]`;
    const inPlace = doc.querySelector(`${SLOT_TAG}${selector}`);
    if (inPlace) return inPlace.innerHTML;
    return doc.querySelector<HTMLTemplateElement>(`template${selector}`)?.innerHTML ?? null;
  };
  const all = reviveProps(payload, slotHtml);
  for (const el of doc.querySelectorAll<HTMLElement>(`${ISLAND_TAG}[data-island]`)) {
    const entry = all[Number(el.dataset.island)];
    const component = entry && islands[entry.name];
    try {
      if (!component) throw new Error(`no island for index ${el.dataset.island}`);
      const refusal = refuse(entry.props);
      if (refusal !== null) {
        // Not hydrated: say why on screen, in place of the island.
        const p = doc.createElement("p");
        p.dataset.testid = "pin-refusal";
        p.className = "rounded-lg border border-red-500/40 bg-red-500/10 p-4 text-sm text-red-200";
        p.textContent = refusal;
        el.replaceChildren(p);
        continue;
      }
      hydrate(h(component, entry.props), el);
      el.dataset.hydrated = "";
    } catch (err) {
      console.error(`Cannot hydrate island ${entry?.name ?? "?"}:`, err);
    }
  }
}
