/**
 * `GET /__bench/stats` for the bench's server processes: V8 heap and RSS after a full GC (when
 * the process runs with `--v8-flags=--expose-gc`), plus counters the server passes.
 * @module
 */

/**
 * Answers the stats request.
 *
 * @param extra Counters to include (socket count, ...).
 * @returns A JSON response `{rss, heapUsed, external, ...extra}` in bytes.
 *
 * @example
 * ```ts
 * const res = benchStats({ sockets: 3 }); // what the server answers at /__bench/stats
 * const stats = await res.json(); // { rss, heapUsed, external, sockets: 3 }
 * ```
 */
export function benchStats(extra: Record<string, number>): Response {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  const m = Deno.memoryUsage();
  return Response.json({ rss: m.rss, heapUsed: m.heapUsed, external: m.external, ...extra });
}
