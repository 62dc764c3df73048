/**
 * Encodes island props for the page payload (server side of docs/ISLANDS.md).
 * @module
 */
import { isValidElement } from "preact";
import type { IslandsPayload } from "../../shared/islands_format.ts";

/** Thrown when an island is given a prop that cannot be sent to the browser. */
export class IslandPropError extends Error {
  /**
   * @param island Name of the island.
   * @param path Dotted path of the prop, e.g. `room.expiresAt`.
   * @param problem What is wrong with it.
   */
  constructor(island: string, path: string, problem: string) {
    super(`Cannot render island ${island}: prop ${path} ${problem}`);
    this.name = "IslandPropError";
  }
}

/** A server-side signal, recognised by shape so any copy of @preact/signals works. */
export interface SignalLike {
  peek(): unknown;
  value: unknown;
}

/** Whether `x` looks like a Preact signal. */
export function isSignal(x: unknown): x is SignalLike {
  return x !== null && typeof x === "object" && "value" in x &&
    typeof (x as SignalLike).peek === "function";
}

/** Whether a prop value is JSX that must travel as a slot. */
export function isJsx(x: unknown): boolean {
  // @preact/signals makes signals look like vnodes so they render as text: not JSX here.
  if (isValidElement(x)) return !isSignal(x);
  return Array.isArray(x) && x.some(isJsx);
}

/**
 * Encodes props of all islands on one page. One instance per page: signals are numbered across
 * islands so that a signal given to two islands is revived as one shared signal.
 *
 * @example
 * ```ts
 * import { PropsEncoder } from "./serialize_props.ts";
 * const enc = new PropsEncoder();
 * enc.add("Counter", { start: 1, label: "$x" }, []);
 * enc.payload(); // { v: 1, signals: [], islands: [{ name: "Counter", props: {...} }] }
 * ```
 */
export class PropsEncoder {
  #signals = new Map<SignalLike, number>();
  #values: unknown[] = [];
  #islands: IslandsPayload["islands"] = [];

  /** Number of islands added so far: the index the next island gets. */
  get size(): number {
    return this.#islands.length;
  }

  /**
   * Adds one island's props; `slots` names the props that are JSX (sent as `{"$slot": name}`).
   * Throws {@linkcode IslandPropError} for functions, class instances, bigint, non-finite numbers,
   * symbols, cycles, and JSX anywhere but at the top level of the props.
   */
  add(name: string, props: Record<string, unknown>, slots: string[]): number {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(props)) {
      if (value === undefined) continue;
      out[escapeKey(key)] = slots.includes(key)
        ? { $slot: key }
        : this.#encode(value, name, key, new Set());
    }
    return this.#islands.push({ name, props: out }) - 1;
  }

  /** The payload for the page. */
  payload(): IslandsPayload {
    return { v: 1, signals: this.#values, islands: this.#islands };
  }

  #encode(value: unknown, island: string, path: string, seen: Set<object>): unknown {
    const fail = (problem: string) => new IslandPropError(island, path, problem);
    switch (typeof value) {
      case "string":
      case "boolean":
        return value;
      case "number":
        if (!Number.isFinite(value)) throw fail("is not a finite number");
        return value;
      case "bigint":
        throw fail("is a bigint, which JSON cannot carry (send a decimal string)");
      case "function":
        throw fail("is a function; functions cannot be sent to the browser");
      case "symbol":
        throw fail("is a symbol; symbols cannot be sent to the browser");
      case "undefined":
        return null;
    }
    if (value === null) return null;
    const obj = value as object;
    if (isSignal(obj)) return { $signal: this.#signal(obj, island, path) };
    if (isValidElement(obj)) throw fail("is JSX nested inside another prop (only top-level)");
    if (seen.has(obj)) throw fail("refers to itself (cycle)");
    seen.add(obj);
    try {
      if (Array.isArray(obj)) {
        return obj.map((v, i) => this.#encode(v, island, `${path}.${i}`, seen));
      }
      const proto = Object.getPrototypeOf(obj);
      if (proto !== Object.prototype && proto !== null) {
        const kind = obj.constructor?.name ?? "class instance";
        throw fail(`is a ${kind}; only plain objects and arrays can be sent`);
      }
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(obj)) {
        if (v === undefined) continue;
        out[escapeKey(k)] = this.#encode(v, island, `${path}.${k}`, seen);
      }
      return out;
    } finally {
      seen.delete(obj);
    }
  }

  #signal(s: SignalLike, island: string, path: string): number {
    let id = this.#signals.get(s);
    if (id === undefined) {
      id = this.#values.length;
      this.#signals.set(s, id);
      this.#values.push(null);
      this.#values[id] = this.#encode(s.peek(), island, `${path}.value`, new Set());
    }
    return id;
  }
}

function escapeKey(key: string): string {
  return key.startsWith("$") ? "$" + key : key;
}

/**
 * Serializes a value as JSON that is safe inside `<script type="application/json">`: `<`, `>`
 * and `&` become `\u003c`, `\u003e`, `\u0026`, so neither `</script>` nor `<!--` can appear.
 * U+2028/U+2029 are escaped too. `JSON.parse` of the element's text gives the value back.
 *
 * @example
 * ```ts
 * import { jsonForScript } from "./serialize_props.ts";
 * jsonForScript({ a: "</script>" }); // '{"a":"\\u003c/script\\u003e"}'
 * ```
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"),
  );
}
