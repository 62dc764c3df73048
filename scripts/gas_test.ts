import assert from "node:assert/strict";
import { FLOOR, formatGasTable, measureGas } from "./gas.ts";

Deno.test("measureGas: measures every call on a real chain", async () => {
  const rows = await measureGas();
  assert.deepEqual(rows.map((r) => r.operation.split(" (")[0].split(" ")[0]), [
    "createRoom",
    "createRoom",
    "commitKey",
    "commitKey",
    "commitKey",
    "commitKey",
  ]);
  // A first commitment writes a new slot: it costs at least the floor, a replacement less.
  assert.ok(rows[2].gas > BigInt(FLOOR));
  assert.ok(rows[3].gas < rows[2].gas);
  assert.ok(rows[4].gas > rows[2].gas, "a proof costs extra");
});

Deno.test("formatGasTable: one line per row with target verdicts", () => {
  const table = formatGasTable([
    { operation: "a", gas: 40_000n, target: 50_000n },
    { operation: "bb", gas: 60_000n, target: 50_000n },
    { operation: "c", gas: 30_000n },
  ]);
  const lines = table.split("\n");
  assert.equal(lines.length, 5);
  assert.match(lines[1], /^a\s+40,000\s+≤50,000\s+-3,100 ok$/);
  assert.match(lines[2], /^bb\s+60,000\s+≤50,000\s+\+16,900 OVER$/);
  assert.match(lines[3], /^c\s+30,000\s+-\s+-13,100$/);
  assert.match(lines[4], /43,100/);
});
