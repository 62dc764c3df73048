/**
 * Boots the islands of a page: the browser half of docs/ISLANDS.md, like Fresh 2's
 * `runtime/client/reviver.ts`. The generated bundle entry calls {@linkcode boot} with a loader per
 * island (`() => import(…)`), so a page fetches only the islands it shows. Runs in browsers only.
 * @module
 */
import { type ComponentType, h, hydrate } from "preact";
import { ISLAND_TAG, type IslandsPayload, PAYLOAD_ID, SLOT_TAG } from "../shared/islands_format.ts";
import { reviveProps } from "./revive.ts";

/** Loads one island's module (its default export is the component). */
// deno-lint-ignore no-explicit-any
export type IslandLoader = () => Promise<{ default: ComponentType<any> }>;

/**
 * Hydrates every `<mesh3-island data-island="N">` of the document with its component and props,
 * in document order, once the modules of the islands on the page have loaded (in parallel). An
 * island that fails to load or hydrate is reported on the console and left as server-rendered
 * HTML; the others still boot. An island whose props `refuse` turns down is not hydrated: the
 * reason is shown in its place (the bundle's pinned chain, pinned_chain.ts).
 *
 * @example
 * ```ts ignore
 * import { boot } from "./boot.ts";
 * await boot({ Home: () => import("../islands/Home.tsx") });
 * ```
 */
export async function boot(
  islands: Record<string, IslandLoader>,
  doc: Document = document,
  refuse: (props: Record<string, unknown>) => string | null = () => null,
): Promise<void> {
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
  const names = new Set(all.map((e) => e.name));
  const loaded = new Map<string, Promise<ComponentType<unknown> | Error>>();
  for (const name of names) {
    const load = Object.hasOwn(islands, name) ? islands[name] : undefined;
    loaded.set(
      name,
      load
        ? load().then((m) => m.default, (e) => e instanceof Error ? e : new Error(String(e)))
        : Promise.resolve(new Error(`no island named ${name}`)),
    );
  }
  for (const el of doc.querySelectorAll<HTMLElement>(`${ISLAND_TAG}[data-island]`)) {
    const entry = all[Number(el.dataset.island)];
    try {
      if (!entry) throw new Error(`no island for index ${el.dataset.island}`);
      const refusal = refuse(entry.props as Record<string, unknown>);
      if (refusal !== null) {
        // Not hydrated: say why on screen, in place of the island.
        const p = doc.createElement("p");
        p.dataset.testid = "pin-refusal";
        p.className = "rounded-lg border border-red-500/40 bg-red-500/10 p-4 text-sm text-red-200";
        p.textContent = refusal;
        el.replaceChildren(p);
        continue;
      }
      const component = await loaded.get(entry.name)!;
      if (component instanceof Error) throw component;
      hydrate(h(component, entry.props as Record<string, unknown>), el);
      el.dataset.hydrated = "";
    } catch (err) {
      console.error(`Cannot hydrate island ${entry?.name ?? "?"}:`, err);
    }
  }
}
