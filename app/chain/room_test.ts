import assert from "node:assert/strict";
import { roomIdOf, roomRefusal, roomStatus } from "./room.ts";
import { keccak256 } from "viem";

const room = {
  roomId: `0x${"11".repeat(32)}`,
  creator: `0x${"22".repeat(20)}`,
  membersRoot: `0x${"00".repeat(32)}`,
  expiresAt: 100n,
  closed: false,
  membersOnly: false,
} as const;

Deno.test("roomStatus: open before expiry, expired from the expiry second, closed wins", () => {
  assert.equal(roomStatus(room, 99), "open");
  assert.equal(roomStatus(room, 99.999), "open");
  assert.equal(roomStatus(room, 100), "expired");
  assert.equal(roomStatus({ ...room, expiresAt: 0n }, 1e12), "open");
  assert.equal(roomStatus({ ...room, closed: true }, 1), "closed");
  assert.equal(roomStatus({ ...room, closed: true }, 1000), "closed");
});

Deno.test("roomRefusal: the one mapping from room to refusal", () => {
  assert.equal(roomRefusal(null, 0), "room-not-found");
  assert.equal(roomRefusal(room, 0), null);
  assert.equal(roomRefusal(room, 100), "room-expired");
  assert.equal(roomRefusal({ ...room, closed: true }, 0), "room-closed");
});

Deno.test("roomIdOf: keccak256 of abi.encode(creator, salt), as the contract computes it", () => {
  const creator = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
  const salt = `0x${"ab".repeat(32)}` as const;
  // abi.encode(address, bytes32): the address left-padded to 32 bytes, then the salt.
  const manual = keccak256(
    `0x${"00".repeat(12)}${creator.slice(2).toLowerCase()}${"ab".repeat(32)}`,
  );
  assert.equal(roomIdOf(creator, salt), manual);
  assert.notEqual(roomIdOf(creator, `0x${"ac".repeat(32)}`), manual);
});
