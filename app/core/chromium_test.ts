/**
 * The core in a real browser: bundles it (`deno bundle --platform=browser`), loads it into
 * headless Chromium, and recomputes every published vector there with Chromium's WebCrypto, plus
 * a handshake and a refused tampered frame. The page is served by Playwright's request
 * interception on http://localhost (a secure context): no socket is opened.
 */
import assert from "node:assert/strict";
import { launchChromium } from "../../tests/browser/chromium.ts";

const load = async (name: string) =>
  JSON.parse(await Deno.readTextFile(new URL(`./vectors/${name}.json`, import.meta.url)));

async function bundle(): Promise<string> {
  const dir = await Deno.makeTempDir();
  try {
    const out = `${dir}/core.js`;
    const entry = new URL("../../testing/vectors/browser_entry.ts", import.meta.url).pathname;
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

Deno.test("core in Chromium: vectors and handshake agree with Deno", async (t) => {
  const script = await bundle();
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.route(
      "http://localhost/**",
      (route) =>
        route.fulfill({ contentType: "text/html", body: "<!doctype html><title>core</title>" }),
    );
    await page.goto("http://localhost/core");
    await page.addScriptTag({ content: script, type: "module" });
    await page.waitForFunction(() => "mesh3Core" in globalThis);

    await t.step("behavior: a handshake, a message and a refused tampered frame", async () => {
      const run = await page.evaluate(() =>
        // deno-lint-ignore no-explicit-any
        (globalThis as any).mesh3Core.handshakeRun()
      );
      assert.deepEqual(run, {
        text: "hello from chromium",
        refused: "tampered",
        curve: "X25519",
        x25519: true,
      });
    });
    for (
      const [file, fn] of [
        ["commitment", "commitmentOutputs"],
        ["frame", "frameOutputs"],
        ["key_schedule", "keyScheduleOutputs"],
        ["safety_number", "safetyNumberOutputs"],
      ]
    ) {
      await t.step(`behavior: ${file}.json recomputes identically`, async () => {
        const { cases } = await load(file);
        for (const c of cases) {
          const got = await page.evaluate(
            // deno-lint-ignore no-explicit-any
            ([name, input]) => (globalThis as any).mesh3Core[name](input),
            [fn, c.input] as const,
          );
          assert.deepEqual(got, c.output, `${file}: ${c.name}`);
        }
      });
    }
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});
