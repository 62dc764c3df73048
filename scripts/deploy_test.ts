import assert from "node:assert/strict";
import { privateKeyToAccount } from "viem/accounts";
import { deployedRegistry } from "../app/chain/deployment.ts";
import { startTestChain } from "../testing/chain.ts";
import { DeployError, parseDeployArgs } from "./deploy.ts";

const DEPLOY = new URL("./deploy.ts", import.meta.url).pathname;
const ROOT = new URL("..", import.meta.url).pathname;

async function deploy(args: string[], env: Record<string, string> = {}) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", DEPLOY, ...args],
    cwd: ROOT,
    env: { TESTNET_RPC_URL: "", TESTNET_PRIVATE_KEY: "", SEPOLIA_RPC_URL: "", ...env },
    stdin: "null",
  }).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: decode(out.stdout), stderr: decode(out.stderr).trim() };
}

Deno.test("parseDeployArgs: network defaults to localhost", () => {
  assert.deepEqual(parseDeployArgs([]), { network: "localhost", reset: false });
  assert.deepEqual(parseDeployArgs(["--network", "sepolia"]), { network: "sepolia", reset: false });
  assert.deepEqual(parseDeployArgs(["--network=testnet", "--reset"]), {
    network: "testnet",
    reset: true,
  });
  assert.throws(() => parseDeployArgs(["--network"]), DeployError);
  assert.throws(() => parseDeployArgs(["--bogus"]), /unknown argument --bogus/);
});

Deno.test("deno task deploy: bad or missing network config stops with one sentence", async (t) => {
  const cases: [string, string[], Record<string, string>, RegExp][] = [
    ["unknown network", ["--network", "nosuch"], {}, /no network named "nosuch"/],
    ["missing RPC URL", ["--network", "sepolia"], {}, /RPC URL is not set \(set SEPOLIA_RPC_URL/],
    ["bad deployer key", ["--network", "testnet"], {
      TESTNET_RPC_URL: "http://127.0.0.1:1",
      TESTNET_PRIVATE_KEY: "0x1234",
    }, /deployer key TESTNET_PRIVATE_KEY is not a 32-byte hex private key/],
    ["no node answering", ["--network", "testnet"], {
      TESTNET_RPC_URL: "http://127.0.0.1:1/secret-api-key",
      TESTNET_PRIVATE_KEY: `0x${"ab".repeat(32)}`,
    }, /no Ethereum JSON-RPC node answers at http:\/\/127\.0\.0\.1:1\.$/],
  ];
  for (const [name, args, env, expected] of cases) {
    await t.step(`error: ${name}`, async () => {
      const { code, stderr } = await deploy(args, env);
      assert.equal(code, 1);
      assert.match(stderr, /^Cannot deploy[^\n]*\.$/);
      assert.match(stderr, expected);
      assert.doesNotMatch(stderr, /secret-api-key|abababab/);
    });
  }
});

Deno.test("deno task deploy: deploys with Ignition once, then finds the record", async () => {
  // A chain id of its own, so the record does not touch the developer's chain-31337.
  const chainId = 700_000 + Math.floor(Math.random() * 100_000);
  const chain = await startTestChain({ chainId });
  const record = `${ROOT}ignition/deployments/chain-${chainId}`;
  try {
    const deployer = privateKeyToAccount(chain.accounts[3]).address;
    const env = {
      TESTNET_RPC_URL: chain.rpcUrl,
      TESTNET_PRIVATE_KEY: chain.accounts[3],
      HARDHAT_IGNITION_CONFIRM_DEPLOYMENT: "true",
    };
    const first = await deploy(["--network", "testnet"], env);
    assert.equal(first.code, 0, first.stderr);
    const address = deployedRegistry(chainId);
    assert.ok(address);
    assert.ok(first.stdout.includes(`RoomRegistry on testnet (chain ${chainId}): ${address}`));
    const code = await chain.publicClient.getCode({ address });
    assert.ok(code && code.length > 2);
    const nonce = await chain.publicClient.getTransactionCount({ address: deployer });

    const second = await deploy(["--network", "testnet"], env);
    assert.equal(second.code, 0, second.stderr);
    assert.ok(second.stdout.includes(`: ${address}`));
    assert.equal(await chain.publicClient.getTransactionCount({ address: deployer }), nonce);
  } finally {
    await chain.stop();
    await Deno.remove(record, { recursive: true }).catch(() => {});
  }
});
