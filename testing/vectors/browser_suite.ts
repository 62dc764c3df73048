/**
 * One suite for the core in any real browser (chromium_test.ts, firefox_test.ts): bundles the
 * core with `deno bundle --platform=browser`, then, given a way to call `globalThis.mesh3Core`
 * in a page, recomputes every published vector there with the browser's WebCrypto and runs a
 * handshake with a refused tampered frame. Test code.
 * @module
 */
import assert from "node:assert/strict";

/** Calls `globalThis.mesh3Core[name](input)` in the page and returns the result. */
export type CoreCall = (name: string, input?: unknown) => Promise<unknown>;

const load = async (name: string) =>
  JSON.parse(
    await Deno.readTextFile(new URL(`../../app/core/vectors/${name}.json`, import.meta.url)),
  );

/**
 * The core's browser bundle (entry: browser_entry.ts), as one script that sets
 * `globalThis.mesh3Core`.
 *
 * @returns The bundled JavaScript.
 */
export async function bundleCore(): Promise<string> {
  const dir = await Deno.makeTempDir();
  try {
    const out = `${dir}/core.js`;
    const entry = new URL("./browser_entry.ts", import.meta.url).pathname;
    const { code, stderr } = await new Deno.Command(Deno.execPath(), {
      args: ["bundle", "--platform=browser", "-o", out, entry],
      stdout: "null",
      stderr: "piped",
    }).output();
    assert.equal(code, 0, new TextDecoder().decode(stderr));
    return await Deno.readTextFile(out);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/**
 * The steps: a handshake run, then each vector file recomputed case by case.
 *
 * @param t The test context.
 * @param call Calls into the page's `mesh3Core`.
 *
 * @example
 * ```ts ignore
 * await recomputeCoreInBrowser(t, (name, input) =>
 *   page.evaluate(([n, i]) => globalThis.mesh3Core[n](i), [name, input]));
 * ```
 */
export async function recomputeCoreInBrowser(t: Deno.TestContext, call: CoreCall): Promise<void> {
  await t.step(
    "behavior: a hybrid handshake, a message, a DH step each way, a refused tampered frame",
    async () => {
      const run = await call("handshakeRun") as Record<string, unknown>;
      assert.ok(run.kem === "webcrypto" || run.kem === "noble", String(run.kem));
      assert.deepEqual({ ...run, kem: undefined }, {
        text: "hello from the browser",
        stepped: "1",
        epochs: [1, 1],
        refused: "tampered",
        curve: "X25519",
        x25519: true,
        kem: undefined,
      });
    },
  );
  for (
    const [file, fn] of [
      ["commitment", "commitmentOutputs"],
      ["frame", "frameOutputs"],
      ["key_schedule", "keyScheduleOutputs"],
      ["safety_number", "safetyNumberOutputs"],
      ["group", "groupOutputs"],
      ["file_tree", "fileTreeOutputs"],
    ]
  ) {
    await t.step(`behavior: ${file}.json recomputes identically`, async () => {
      const { cases } = await load(file);
      for (const c of cases) {
        assert.deepEqual(await call(fn, c.input), c.output, `${file}: ${c.name}`);
      }
    });
  }
}
