import assert from "node:assert/strict";
import { handleJsonRpc, type JsonRpcProvider } from "./json_rpc.ts";

/** A provider that answers eth_chainId and fails the rest the ways EDR does. */
const provider: JsonRpcProvider = {
  request({ method }) {
    if (method === "eth_chainId") return Promise.resolve("0x7a69");
    if (method === "eth_call") {
      return Promise.reject(Object.assign(new Error("reverted"), { code: 3, data: "0xdeadbeef" }));
    }
    if (method === "eth_void") return Promise.resolve(undefined);
    return Promise.reject(Object.assign(new Error(`Method ${method} is not supported`), {
      code: -32004,
    }));
  },
};

const post = (body: string) =>
  handleJsonRpc(provider, new Request("http://rpc/", { method: "POST", body }));

Deno.test("handleJsonRpc: answers like a JSON-RPC node", async (t) => {
  await t.step("behavior: a single call keeps its id", async () => {
    const res = await post(JSON.stringify({ jsonrpc: "2.0", id: "x", method: "eth_chainId" }));
    assert.equal(res.headers.get("content-type"), "application/json");
    assert.deepEqual(await res.json(), { jsonrpc: "2.0", id: "x", result: "0x7a69" });
  });

  await t.step("behavior: undefined results become null", async () => {
    const res = await post(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_void" }));
    assert.deepEqual(await res.json(), { jsonrpc: "2.0", id: 1, result: null });
  });

  await t.step("behavior: a revert carries its raw data (code 3)", async () => {
    const res = await post(JSON.stringify({ jsonrpc: "2.0", id: 2, method: "eth_call" }));
    assert.deepEqual(await res.json(), {
      jsonrpc: "2.0",
      id: 2,
      error: { code: 3, message: "reverted", data: "0xdeadbeef" },
    });
  });

  await t.step("behavior: other provider errors keep their code", async () => {
    const res = await post(JSON.stringify({ jsonrpc: "2.0", id: 3, method: "nope" }));
    const body = await res.json();
    assert.equal(body.error.code, -32004);
    assert.equal(body.id, 3);
  });

  await t.step("error: refuses bad input with JSON-RPC errors", async () => {
    const cases: [string, number][] = [
      ["{not json", -32700],
      ["[]", -32600],
      ["42", -32600],
      [JSON.stringify({ jsonrpc: "2.0", id: 4, method: 5 }), -32600],
      [JSON.stringify({ jsonrpc: "2.0", id: 5, method: "eth_chainId", params: "x" }), -32600],
    ];
    for (const [body, code] of cases) {
      const res = await post(body);
      assert.equal((await res.json()).error.code, code, body);
    }
    const batch = await post(JSON.stringify([7, { jsonrpc: "2.0", id: 6, method: "eth_chainId" }]));
    const out = await batch.json();
    assert.equal(out[0].error.code, -32600);
    assert.equal(out[1].result, "0x7a69");
  });

  await t.step("error: only POST and the CORS preflight", async () => {
    const get = await handleJsonRpc(provider, new Request("http://rpc/"));
    assert.equal(get.status, 405);
    await get.body?.cancel();
    const options = await handleJsonRpc(
      provider,
      new Request("http://rpc/", { method: "OPTIONS" }),
    );
    assert.equal(options.status, 204);
    assert.equal(options.headers.get("access-control-allow-headers"), "content-type");
  });
});
