/**
 * The server-side Preact hook that marks islands (docs/ISLANDS.md), like Fresh 2's
 * `runtime/server/preact_hooks.ts` in its simple variant: a wrapper element instead of comments.
 *
 * When a vnode of a registered island is created during {@linkcode renderPage}, its type is
 * swapped for a wrapper that records the props in the page's {@linkcode PropsEncoder} and renders
 * `<mesh3-island data-island="N">` around the island. Islands inside islands are left alone (the
 * outer one hydrates them), except inside slots, which are server-rendered content again.
 * @module
 */
import {
  type ComponentChildren,
  type ComponentType,
  createContext,
  h,
  options,
  type VNode,
} from "preact";
import { useContext } from "preact/hooks";
import { ISLAND_TAG, SLOT_TAG } from "../../shared/islands_format.ts";
import { islandName } from "./island_registry.ts";
import { isJsx, PropsEncoder } from "./serialize_props.ts";

/** State of the page being rendered; null outside {@linkcode withRenderState}. */
export interface RenderState {
  encoder: PropsEncoder;
  /** Slots the islands did not render themselves, by `data-slot` id. */
  pendingSlots: Map<string, ComponentChildren>;
}

let STATE: RenderState | null = null;
const InsideIsland = createContext(false);
const WRAPPERS = new Map<ComponentType<never>, ComponentType<Record<string, unknown>>>();
let creatingInner = false;

/** Runs `fn` (a synchronous render) with a fresh render state and returns both. */
export function withRenderState<T>(fn: () => T): { result: T; state: RenderState } {
  const state: RenderState = { encoder: new PropsEncoder(), pendingSlots: new Map() };
  const previous = STATE;
  STATE = state;
  try {
    return { result: fn(), state };
  } finally {
    STATE = previous;
  }
}

const previousVnodeHook = options.vnode;
options.vnode = (vnode: VNode) => {
  if (!creatingInner && typeof vnode.type === "function") {
    const name = islandName(vnode.type);
    if (name !== undefined) {
      // deno-lint-ignore no-explicit-any
      (vnode as any).type = wrapperFor(name, vnode.type as ComponentType<never>);
    }
  }
  previousVnodeHook?.(vnode);
};

function inner(type: ComponentType<never>, props: unknown): VNode {
  creatingInner = true;
  try {
    // deno-lint-ignore no-explicit-any
    return h(type as any, props as any);
  } finally {
    creatingInner = false;
  }
}

function wrapperFor(name: string, island: ComponentType<never>) {
  let wrapper = WRAPPERS.get(island);
  if (wrapper) return wrapper;
  wrapper = function IslandMarker(props: Record<string, unknown>) {
    const nested = useContext(InsideIsland);
    if (nested || STATE === null) return inner(island, props);
    const slots = Object.keys(props).filter((k) => isJsx(props[k]));
    const index = STATE.encoder.add(name, props, slots);
    const innerProps: Record<string, unknown> = { ...props };
    for (const slot of slots) {
      const id = `${index}:${slot}`;
      STATE.pendingSlots.set(id, props[slot] as ComponentChildren);
      innerProps[slot] = h(Slot, { id }, props[slot] as ComponentChildren);
    }
    return h(
      InsideIsland.Provider,
      { value: true },
      h(ISLAND_TAG, { "data-island": String(index) }, inner(island, innerProps)),
    );
  };
  WRAPPERS.set(island, wrapper);
  return wrapper;
}

function Slot(props: { id: string; children?: ComponentChildren }) {
  STATE?.pendingSlots.delete(props.id);
  return h(
    InsideIsland.Provider,
    { value: false },
    h(SLOT_TAG, { "data-slot": props.id }, props.children),
  );
}
