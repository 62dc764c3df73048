import assert from "node:assert/strict";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import {
  memberList,
  MemberListError,
  memberListFromHash,
  memberListJson,
  memberProof,
  membersFragment,
  parseMemberList,
} from "./members.ts";

const ALICE = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const BOB = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";
const CAROL = "0x90F79bf6EB2c4f870365E785982E1f101E93b906";

Deno.test("memberList: the same root from a list, its JSON dump, plain text and a fragment", () => {
  const list = memberList([ALICE, BOB.toLowerCase(), ALICE]);
  assert.deepEqual(list.members, [ALICE, BOB]);
  assert.equal(parseMemberList(memberListJson(list)).root, list.root);
  assert.equal(parseMemberList(`${ALICE}\n${BOB}`).root, list.root);
  assert.equal(parseMemberList(JSON.stringify([ALICE, BOB])).root, list.root);
  assert.equal(memberListFromHash(`#members=${membersFragment(list)}`)?.root, list.root);
  assert.equal(memberListFromHash("#nothing"), null);
});

Deno.test("memberProof: verifies against the root; a non-member is refused", () => {
  const list = memberList([ALICE, BOB]);
  const proof = memberProof(list, BOB);
  assert.equal(StandardMerkleTree.verify(list.root, ["address"], [BOB], proof), true);
  assert.throws(() => memberProof(list, CAROL), MemberListError);
});

Deno.test("memberList: refuses empty lists and non-addresses", () => {
  assert.throws(() => memberList([]), MemberListError);
  assert.throws(() => memberList(["0x1234"]), /is not an address/);
  assert.throws(() => parseMemberList("{"), /not valid JSON/);
});
