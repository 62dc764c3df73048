/**
 * A loopback JSON-RPC proxy for tests: forwards every request to a real chain endpoint, counts
 * the calls by method (each call of a batch on its own), and lets a test answer a request
 * with an HTTP error (a provider's 429) or hold its answer (a slow provider), chosen per request
 * from the calls it carries.
 *
 * @example
 * ```ts ignore
 * // Needs a test chain (testing/chain.ts) to forward to.
 * const proxy = startRpcProxy(chain.rpcUrl);
 * proxy.intercept = (calls) => calls.some((c) => c.method === "eth_call") ? { status: 429 } : undefined;
 * // ... point the server at proxy.url, then:
 * proxy.count("eth_call");
 * await proxy.stop();
 * ```
 * @module
 */

/** One JSON-RPC call as the proxy saw it. */
export interface RpcCall {
  method: string;
  params: unknown;
}

/** What to do with a request: refuse it with an HTTP status, or forward it now and hold the
 * answer for `holdMs`; `undefined` forwards it as it is. */
export type RpcVerdict = { status: number } | { holdMs: number } | undefined;

/** A running proxy. */
export interface RpcProxy {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** Decides per request (all calls of a batch at once); forwards everything when unset. */
  intercept: ((calls: RpcCall[]) => RpcVerdict) | undefined;
  /** Calls that reached the proxy with this method (refused ones included). */
  count(method: string): number;
  /** Calls refused with an HTTP status. */
  readonly refused: number;
  /** Stops listening (requests in flight are answered first). */
  stop(): Promise<void>;
}

/**
 * Starts a proxy on a free loopback port in front of `target`.
 *
 * @param target The real JSON-RPC URL.
 * @returns The running proxy.
 */
export function startRpcProxy(target: string): RpcProxy {
  const counts = new Map<string, number>();
  let refused = 0;
  const proxy: RpcProxy = {
    url: "",
    intercept: undefined,
    count: (method) => counts.get(method) ?? 0,
    get refused() {
      return refused;
    },
    stop: () => server.shutdown(),
  };
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const body = await req.text();
    let calls: RpcCall[] = [];
    try {
      const parsed = JSON.parse(body);
      calls = (Array.isArray(parsed) ? parsed : [parsed]).map((c) => ({
        method: String(c?.method),
        params: c?.params,
      }));
    } catch {
      // forwarded as it is: the chain answers the parse error
    }
    for (const c of calls) counts.set(c.method, (counts.get(c.method) ?? 0) + 1);
    const verdict = proxy.intercept?.(calls);
    if (verdict && "status" in verdict) {
      refused += calls.length;
      return new Response("refused by the test proxy\n", { status: verdict.status });
    }
    const answer = await fetch(target, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
    const text = await answer.text();
    if (verdict && "holdMs" in verdict) await new Promise((r) => setTimeout(r, verdict.holdMs));
    return new Response(text, {
      status: answer.status,
      headers: { "content-type": "application/json" },
    });
  });
  proxy.url = `http://127.0.0.1:${server.addr.port}`;
  return proxy;
}

/** Whether a call's parameters mention `hex` (e.g. a room id inside an `eth_call`'s data). */
export function mentions(call: RpcCall, hex: string): boolean {
  return JSON.stringify(call.params ?? null).toLowerCase().includes(
    hex.toLowerCase().replace(/^0x/, ""),
  );
}
