/**
 * Decodes the islands payload in the browser (docs/ISLANDS.md). Runs in browsers only.
 * @module
 */
import { h } from "preact";
import { type Signal, signal } from "@preact/signals";
import { type IslandsPayload, PAYLOAD_VERSION, SLOT_TAG } from "../shared/islands_format.ts";

/** Looks up the server-rendered HTML of a slot by its `data-slot` id. */
export type SlotLookup = (id: string) => string | null;

/**
 * Turns the payload back into props, one array entry per island. Every `{"$signal": i}` becomes
 * the same `signals[i]` signal object, shared by all islands of the page; every
 * `{"$slot": name}` becomes a `<mesh3-slot>` element holding the server-rendered HTML.
 *
 * @example
 * ```ts
 * import { reviveProps } from "./revive.ts";
 * const [p] = reviveProps({ v: 1, signals: [3], islands: [{ name: "A", props: { n: { $signal: 0 } } }] }, () => null);
 * p.props.n; // a Signal whose value is 3
 * ```
 */
export function reviveProps(
  payload: IslandsPayload,
  slotHtml: SlotLookup,
): { name: string; props: Record<string, unknown> }[] {
  if (payload.v !== PAYLOAD_VERSION) {
    throw new Error(`Cannot boot islands: payload version ${payload.v} is not ${PAYLOAD_VERSION}`);
  }
  const signals: Signal<unknown>[] = [];
  const revived = new Array<boolean>(payload.signals.length).fill(false);
  const sharedSignal = (i: number): Signal<unknown> => {
    if (!revived[i]) {
      revived[i] = true;
      signals[i] = signal(null);
      signals[i].value = decode(payload.signals[i]);
    }
    return signals[i];
  };
  const decode = (value: unknown): unknown => {
    if (value === null || typeof value !== "object") return value;
    if (Array.isArray(value)) return value.map(decode);
    const obj = value as Record<string, unknown>;
    if (typeof obj.$signal === "number") return sharedSignal(obj.$signal);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(obj)) out[k.startsWith("$$") ? k.slice(1) : k] = decode(v);
    return out;
  };
  return payload.islands.map((island, index) => {
    const props: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(island.props)) {
      const key = k.startsWith("$$") ? k.slice(1) : k;
      const slot = v !== null && typeof v === "object" && "$slot" in v ? v.$slot : undefined;
      props[key] = typeof slot === "string" ? slotVNode(`${index}:${slot}`, slotHtml) : decode(v);
    }
    return { name: island.name, props };
  });
}

function slotVNode(id: string, slotHtml: SlotLookup): unknown {
  return h(SLOT_TAG, {
    "data-slot": id,
    dangerouslySetInnerHTML: { __html: slotHtml(id) ?? "" },
  });
}
