import assert from "node:assert/strict";
import type { Hex } from "viem";
import { parseRoomInput, roomLink } from "./links.ts";
import { memberList, memberListFromHash } from "./members.ts";

const ID = `0x${"ab".repeat(32)}` as Hex;
const ALICE = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const BOB = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";

Deno.test("parseRoomInput: accepts a bare id, a link, and keeps a members fragment", () => {
  assert.deepEqual(parseRoomInput(`  ${ID.toUpperCase().replace("0X", "0x")} `), {
    roomId: ID,
    hash: "",
  });
  const list = memberList([ALICE, BOB]);
  const link = roomLink("http://127.0.0.1:8000", ID, list);
  const parsed = parseRoomInput(link);
  assert.equal(parsed?.roomId, ID);
  assert.equal(memberListFromHash(parsed!.hash)?.root, list.root);
});

Deno.test("parseRoomInput: refuses text without a room id", () => {
  assert.equal(parseRoomInput("hello"), null);
  assert.equal(parseRoomInput(`0x${"ab".repeat(31)}`), null);
});
