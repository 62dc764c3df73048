import assert from "node:assert/strict";
import { ConfigError, DEFAULT_FILE_MAX_BYTES, DEFAULT_LIMITS, loadConfig } from "./fresh.config.ts";

const REGISTRY = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const deps = { deployedRegistry: (id: number) => id === 31337 ? REGISTRY : undefined } as const;

Deno.test("loadConfig: local defaults", () => {
  const c = loadConfig({}, deps);
  assert.equal(c.host, "127.0.0.1");
  assert.equal(c.port, 8000);
  assert.equal(c.publicOrigin, "http://localhost:8000");
  assert.equal(c.siweDomain, "localhost:8000");
  assert.deepEqual(c.allowedOrigins, ["http://localhost:8000", "http://127.0.0.1:8000"]);
  assert.equal(c.rpcUrl, "http://127.0.0.1:8545");
  assert.equal(c.chainId, 31337);
  assert.equal(c.registry, REGISTRY);
  assert.equal(c.localDevChain, true);
  assert.equal(c.trustProxy, false);
  assert.equal(c.redisUrl, undefined, "state stays in this process by default");
  assert.deepEqual(c.ice, { kind: "static", servers: [], policy: "all" });
  assert.deepEqual(c.limits, DEFAULT_LIMITS);
  assert.equal(c.fileMaxBytes, DEFAULT_FILE_MAX_BYTES);
  assert.equal(c.ensUniversalResolver, undefined, "no ENS known on the local chain");
});

Deno.test("loadConfig: reads every kind of value", async (t) => {
  await t.step("origin, chain, registry, limits", () => {
    const c = loadConfig({
      MESH3_PORT: "0",
      MESH3_PUBLIC_ORIGIN: "https://chat.example/",
      MESH3_ALLOWED_ORIGINS: "https://a.example, https://chat.example",
      MESH3_CHAIN_ID: "11155111",
      MESH3_RPC_URL: "https://rpc.example/v1",
      MESH3_REGISTRY: REGISTRY.toLowerCase(),
      MESH3_MAX_PEERS_PER_ROOM: "3",
      MESH3_PING_INTERVAL_SECONDS: "0",
      MESH3_TRUST_PROXY: "1",
      MESH3_FILE_MAX_BYTES: "10485760",
      MESH3_REDIS_URL: "redis://10.0.0.5:6379/0",
    }, deps);
    assert.equal(c.publicOrigin, "https://chat.example");
    assert.equal(c.siweDomain, "chat.example");
    assert.deepEqual(c.allowedOrigins, ["https://chat.example", "https://a.example"]);
    assert.equal(c.chainId, 11155111);
    assert.equal(c.localDevChain, false);
    assert.equal(c.registry, REGISTRY);
    assert.equal(c.limits.maxPeersPerRoom, 3);
    assert.equal(c.limits.pingIntervalSeconds, 0);
    assert.equal(c.trustProxy, true);
    assert.equal(c.fileMaxBytes, 10485760);
    assert.equal(c.redisUrl, "redis://10.0.0.5:6379/0");
    assert.match(c.ensUniversalResolver ?? "", /^0x[0-9a-fA-F]{40}$/, "Sepolia's, from viem");
  });
  await t.step("ENS UniversalResolver: set, or none", () => {
    const at = "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512";
    const c = loadConfig({ MESH3_ENS_UNIVERSAL_RESOLVER: at.toLowerCase() }, deps);
    assert.equal(c.ensUniversalResolver, at);
    const none = loadConfig({
      MESH3_CHAIN_ID: "1",
      MESH3_REGISTRY: REGISTRY,
      MESH3_ENS_UNIVERSAL_RESOLVER: "none",
    }, deps);
    assert.equal(none.ensUniversalResolver, undefined);
    // ENS on a chain of its own: Ethereum's resolver by default, or the one named.
    const own = loadConfig({ MESH3_ENS_RPC_URL: "https://eth.example/rpc" }, deps);
    assert.equal(own.ensRpcUrl, "https://eth.example/rpc");
    assert.match(own.ensUniversalResolver ?? "", /^0x[0-9a-fA-F]{40}$/);
    const named = loadConfig({
      MESH3_ENS_RPC_URL: "http://127.0.0.1:9545",
      MESH3_ENS_UNIVERSAL_RESOLVER: at,
    }, deps);
    assert.deepEqual([named.ensRpcUrl, named.ensUniversalResolver], ["http://127.0.0.1:9545", at]);
  });
  await t.step("static STUN and TURN", () => {
    const c = loadConfig({
      MESH3_STUN_URLS: "stun:stun.example:3478",
      MESH3_TURN_URLS: "turn:turn.example:3478?transport=udp",
      MESH3_TURN_USERNAME: "u",
      MESH3_TURN_CREDENTIAL: "p",
      MESH3_ICE_POLICY: "relay",
    }, deps);
    assert.deepEqual(c.ice, {
      kind: "static",
      policy: "relay",
      servers: [
        { urls: ["stun:stun.example:3478"] },
        { urls: ["turn:turn.example:3478?transport=udp"], username: "u", credential: "p" },
      ],
    });
  });
  await t.step("TURN REST secret", () => {
    const c = loadConfig({
      MESH3_TURN_URLS: "turn:127.0.0.1:3478",
      MESH3_TURN_SECRET: "0123456789abcdef",
      MESH3_TURN_TTL_SECONDS: "600",
    }, deps);
    assert.equal(c.ice.kind, "turn-rest");
    if (c.ice.kind === "turn-rest") assert.equal(c.ice.ttlSeconds, 600);
  });
  await t.step("credentials API", () => {
    const c = loadConfig({
      MESH3_ICE_API_URL: "https://x.metered.live/api/v1/turn/credentials",
      MESH3_ICE_API_KEY: "k",
    }, deps);
    assert.equal(c.ice.kind, "api");
  });
});

Deno.test("loadConfig: bad values stop start-up naming the variable", async (t) => {
  const cases: [Record<string, string>, string][] = [
    [{ MESH3_PORT: "80000" }, "MESH3_PORT"],
    [{ MESH3_PORT: "eight" }, "MESH3_PORT"],
    [{ MESH3_PORT: "-1" }, "MESH3_PORT"],
    [{ MESH3_HOST: "a b" }, "MESH3_HOST"],
    [{ MESH3_PUBLIC_ORIGIN: "localhost:8000" }, "MESH3_PUBLIC_ORIGIN"],
    [{ MESH3_PUBLIC_ORIGIN: "https://x.example/app" }, "MESH3_PUBLIC_ORIGIN"],
    [{ MESH3_ALLOWED_ORIGINS: "ftp://x" }, "MESH3_ALLOWED_ORIGINS"],
    [{ MESH3_RPC_URL: "127.0.0.1:8545" }, "MESH3_RPC_URL"],
    [{ MESH3_CHAIN_ID: "0" }, "MESH3_CHAIN_ID"],
    [{ MESH3_CHAIN_ID: "1.5" }, "MESH3_CHAIN_ID"],
    [{ MESH3_REGISTRY: "0x1234" }, "MESH3_REGISTRY"],
    [{ MESH3_CHAIN_ID: "5" }, "MESH3_REGISTRY"],
    [{ MESH3_ICE_POLICY: "none" }, "MESH3_ICE_POLICY"],
    [{ MESH3_ICE_POLICY: "relay" }, "MESH3_ICE_POLICY"],
    [{ MESH3_STUN_URLS: "http://stun.example" }, "MESH3_STUN_URLS"],
    [{ MESH3_TURN_URLS: "turn:t.example" }, "MESH3_TURN_USERNAME"],
    [{ MESH3_TURN_SECRET: "short", MESH3_TURN_URLS: "turn:t" }, "MESH3_TURN_SECRET"],
    [{ MESH3_TURN_SECRET: "0123456789abcdef" }, "MESH3_TURN_URLS"],
    [{
      MESH3_TURN_SECRET: "0123456789abcdef",
      MESH3_TURN_URLS: "turn:t",
      MESH3_TURN_TTL_SECONDS: "5",
    }, "MESH3_TURN_TTL_SECONDS"],
    [{ MESH3_ICE_API_URL: "https://api.example" }, "MESH3_ICE_API_KEY"],
    [{ MESH3_ICE_API_URL: "nope", MESH3_ICE_API_KEY: "k" }, "MESH3_ICE_API_URL"],
    [{
      MESH3_ICE_API_URL: "https://a",
      MESH3_ICE_API_KEY: "k",
      MESH3_TURN_SECRET: "0123456789abcdef",
    }, "MESH3_TURN_SECRET"],
    [{ MESH3_MAX_FRAME_BYTES: "10" }, "MESH3_MAX_FRAME_BYTES"],
    [{ MESH3_RATE_PER_SECOND: "0" }, "MESH3_RATE_PER_SECOND"],
    [{ MESH3_MAX_PEERS_PER_ROOM: "many" }, "MESH3_MAX_PEERS_PER_ROOM"],
    [{ MESH3_TRUST_PROXY: "yes" }, "MESH3_TRUST_PROXY"],
    [{ MESH3_FILE_MAX_BYTES: "0" }, "MESH3_FILE_MAX_BYTES"],
    [{ MESH3_FILE_MAX_BYTES: "4GB" }, "MESH3_FILE_MAX_BYTES"],
    [{ MESH3_REDIS_URL: "http://127.0.0.1:6379" }, "MESH3_REDIS_URL"],
    [{ MESH3_REDIS_URL: "redis://" }, "MESH3_REDIS_URL"],
    [{ MESH3_REDIS_URL: "127.0.0.1:6379" }, "MESH3_REDIS_URL"],
    [{ MESH3_ENS_UNIVERSAL_RESOLVER: "alice.eth" }, "MESH3_ENS_UNIVERSAL_RESOLVER"],
    [{ MESH3_ENS_RPC_URL: "eth.example" }, "MESH3_ENS_RPC_URL"],
    [{ MESH3_ENS_RPC_URL: "ws://eth.example" }, "MESH3_ENS_RPC_URL"],
  ];
  for (const [env, variable] of cases) {
    await t.step(`${JSON.stringify(env)} → ${variable}`, () => {
      assert.throws(() => loadConfig(env, deps), (e: unknown) => {
        assert.ok(e instanceof ConfigError);
        assert.ok(e.message.startsWith(variable), e.message);
        assert.equal(e.message.split(". ").length, 1, "one sentence");
        return true;
      });
    });
  }
});
