import assert from "node:assert/strict";

Deno.test("bench task: builds the contracts before it runs (a fresh clone has no artifact)", async () => {
  const config = JSON.parse(await Deno.readTextFile(new URL("../deno.json", import.meta.url)));
  const bench: string = config.tasks.bench;
  assert.match(bench, /^deno task build:contracts && /);
  assert.match(bench, /bench\/run\.ts$/);
});
