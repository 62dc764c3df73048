/**
 * The contract between the server render and the browser boot of islands (docs/ISLANDS.md).
 *
 * Imported by both sides, so it holds only constants and types. The server wraps each island's
 * output in `<mesh3-island data-island="N">`, renders JSX props in place inside
 * `<mesh3-slot data-slot="N:name">` (or in a `<template data-slot>` when the island did not render
 * them), and writes one {@linkcode IslandsPayload} per page into
 * `<script type="application/json" id="__mesh3_islands">`.
 * @module
 */

/** Element that wraps each island's server-rendered HTML; `data-island` is its index. */
export const ISLAND_TAG = "mesh3-island";
/** Element that wraps JSX passed to an island as a prop; `data-slot` is `<island>:<prop>`. */
export const SLOT_TAG = "mesh3-slot";
/** Id of the JSON script element carrying the {@linkcode IslandsPayload}. */
export const PAYLOAD_ID = "__mesh3_islands";
/** Version of the payload format. */
export const PAYLOAD_VERSION = 1;

/**
 * What the server sends once per page.
 *
 * Inside `props`, three encodings stand in for values JSON cannot carry:
 * - `{"$signal": i}`: a signal whose value is `signals[i]`; equal `i` means the same signal.
 * - `{"$slot": "name"}`: JSX the server rendered into the slot `<index>:name`.
 * - an object key that starts with `$` is sent with one more `$` in front (`$x` → `$$x`).
 */
export interface IslandsPayload {
  /** Format version, {@linkcode PAYLOAD_VERSION}. */
  v: number;
  /** Values of the page's signals, indexed by `$signal`. */
  signals: unknown[];
  /** One entry per island on the page, indexed by the wrapper's `data-island`. */
  islands: { name: string; props: Record<string, unknown> }[];
}
