import assert from "node:assert/strict";
import { deployedRegistry, REGISTRY_FUTURE_ID } from "./deployment.ts";

async function withDeployments(
  files: Record<string, string>,
  fn: (dir: URL) => void | Promise<void>,
): Promise<void> {
  const root = await Deno.makeTempDir();
  try {
    for (const [chain, text] of Object.entries(files)) {
      await Deno.mkdir(`${root}/${chain}`, { recursive: true });
      await Deno.writeTextFile(`${root}/${chain}/deployed_addresses.json`, text);
    }
    await fn(new URL(`file://${root}/`));
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

Deno.test("deployedRegistry: reads Ignition's deployed_addresses.json", async (t) => {
  const address = "0x5fbdb2315678afecb367f032d93f642f64180aa3";
  await withDeployments({
    "chain-31337": JSON.stringify({ [REGISTRY_FUTURE_ID]: address }),
    "chain-5": JSON.stringify({ "Other#Thing": address }),
    "chain-6": "{not json",
    "chain-7": JSON.stringify({ [REGISTRY_FUTURE_ID]: "0x1234" }),
  }, async (dir) => {
    await t.step("behavior: the checksummed address for a deployed chain", () => {
      assert.equal(deployedRegistry(31337, dir), "0x5FbDB2315678afecb367f032d93F642f64180aa3");
    });
    await t.step("behavior: undefined without a deployment or without the registry", () => {
      assert.equal(deployedRegistry(11155111, dir), undefined);
      assert.equal(deployedRegistry(5, dir), undefined);
    });
    await t.step("error: a broken file stops with one sentence", () => {
      assert.throws(
        () => deployedRegistry(6, dir),
        /^Error: Cannot read the registry deployment: .* not valid JSON$/,
      );
      assert.throws(() => deployedRegistry(7, dir), /is not an address$/);
    });
  });
});
