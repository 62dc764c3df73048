/**
 * Serves an EIP-1193 provider (here Hardhat's in-process EDR) as an HTTP JSON-RPC endpoint: single
 * and batch requests, CORS for browsers, and errors shaped like `hardhat node` answers them
 * (reverts as code 3 with the raw revert data, so viem decodes custom errors).
 * @module
 */

/** The one method of an EIP-1193 provider this needs. */
export interface JsonRpcProvider {
  request(args: { method: string; params?: unknown[] | object }): Promise<unknown>;
}

const CORS_HEADERS = {
  "access-control-allow-origin": "*",
  "access-control-allow-methods": "POST, OPTIONS",
  "access-control-allow-headers": "content-type",
  "access-control-max-age": "600",
};

const REVERT_ERROR_CODE = 3;
const PARSE_ERROR = -32700;
const INVALID_REQUEST = -32600;
const INTERNAL_ERROR = -32603;

type Id = string | number | null;
type Reply =
  | { jsonrpc: "2.0"; id: Id; result: unknown }
  | { jsonrpc: "2.0"; id: Id; error: { code: number; message: string; data?: unknown } };

/**
 * Answers one HTTP request with the provider.
 *
 * @param provider The provider that executes the calls.
 * @param req A POST with a JSON-RPC request or batch (OPTIONS answers the CORS preflight).
 * @returns The JSON-RPC response.
 *
 * @example
 * ```ts ignore
 * // `provider` is an EIP-1193 provider (EDR's, from `network.create()` in chain_process.ts).
 * Deno.serve({ hostname: "127.0.0.1", port: 0 }, (req) => handleJsonRpc(provider, req));
 * ```
 */
export async function handleJsonRpc(provider: JsonRpcProvider, req: Request): Promise<Response> {
  if (req.method === "OPTIONS") return new Response(null, { status: 204, headers: CORS_HEADERS });
  if (req.method !== "POST") {
    return reply(failure(null, INVALID_REQUEST, "Cannot serve JSON-RPC: use POST"), 405);
  }
  let body: unknown;
  try {
    body = await req.json();
  } catch {
    return reply(failure(null, PARSE_ERROR, "Cannot parse JSON-RPC request: invalid JSON"));
  }
  if (!Array.isArray(body)) return reply(await call(provider, body));
  if (body.length === 0) return reply(failure(null, INVALID_REQUEST, "Empty batch"));
  // In order: a batch of transactions from one sender depends on it.
  const out: Reply[] = [];
  for (const item of body) out.push(await call(provider, item));
  return reply(out);
}

async function call(provider: JsonRpcProvider, message: unknown): Promise<Reply> {
  if (typeof message !== "object" || message === null) {
    return failure(null, INVALID_REQUEST, "Invalid Request");
  }
  const { id = null, method, params } = message as Record<string, unknown>;
  const replyId = typeof id === "string" || typeof id === "number" ? id : null;
  if (typeof method !== "string" || (params !== undefined && typeof params !== "object")) {
    return failure(replyId, INVALID_REQUEST, "Invalid Request");
  }
  try {
    const result = await provider.request({ method, params: params as unknown[] | undefined });
    return { jsonrpc: "2.0", id: replyId, result: result ?? null };
  } catch (error) {
    return fromError(replyId, error);
  }
}

function fromError(id: Id, error: unknown): Reply {
  const e = (typeof error === "object" && error !== null ? error : {}) as Record<string, unknown>;
  const message = typeof e.message === "string" ? e.message : String(error);
  const code = typeof e.code === "number" ? e.code : INTERNAL_ERROR;
  const returnData = typeof e.data === "string"
    ? e.data
    : typeof (e.data as { data?: unknown } | undefined)?.data === "string"
    ? (e.data as { data: string }).data
    : undefined;
  // Like `hardhat node` (geth/anvil convention): a revert carries its raw return data.
  const data = code === REVERT_ERROR_CODE ? returnData : { message, data: returnData };
  return failure(id, code, message, data);
}

function failure(id: Id, code: number, message: string, data?: unknown): Reply {
  return {
    jsonrpc: "2.0",
    id,
    error: data === undefined ? { code, message } : { code, message, data },
  };
}

function reply(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { ...CORS_HEADERS, "content-type": "application/json" },
  });
}
