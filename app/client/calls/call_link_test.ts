import assert from "node:assert/strict";
import type { Address } from "viem";
import type { SubChannelKeys } from "../../core/sub_keys.ts";
import { type ChannelEnd, channelPair, subKeyPair } from "../../../testing/call_channels.ts";
import type { AttachedLink } from "../link_extension.ts";
import { CallLink } from "./call_link.ts";
import type { CallMessage } from "./call_message.ts";

const call = "0123456789abcdef0123";
const A = "0x00000000000000000000000000000000000000aa" as Address;
const B = "0x00000000000000000000000000000000000000bb" as Address;

async function pair() {
  const [ka, kb] = await subKeyPair();
  const [a, b] = channelPair();
  const got: CallMessage[] = [];
  const closed: (string | null)[] = [];
  const handler = {
    message: (_: Address, m: CallMessage) => got.push(m),
    closed: (_: Address, p: string | null) => closed.push(p),
  };
  const attached = (peer: Address, channel: ChannelEnd, keys: SubChannelKeys): AttachedLink => ({
    peer,
    channel: channel as unknown as RTCDataChannel,
    early: [],
    keys,
    maxMessageSize: 65536,
  });
  const sender = new CallLink(attached(B, a, ka), { message: () => {}, closed: () => {} });
  const receiver = new CallLink(attached(A, b, kb), handler);
  return { sender, receiver, a, got, closed };
}

const settle = () => new Promise((r) => setTimeout(r, 20));

Deno.test("CallLink: messages arrive sealed, in order", async () => {
  const { sender, got, closed } = await pair();
  await sender.send({ type: "ring", call, video: true });
  await sender.send({ type: "leave", call });
  await settle();
  assert.deepEqual(got, [{ type: "ring", call, video: true }, { type: "leave", call }]);
  assert.deepEqual(closed, []);
});

Deno.test("CallLink: error: a tampered frame ends the call channel with a reason", async () => {
  const { sender, receiver, a, got, closed } = await pair();
  a.tap = (b) => {
    b[b.length - 1] ^= 1;
    return b;
  };
  await sender.send({ type: "ring", call, video: true });
  await settle();
  assert.deepEqual(got, []);
  assert.equal(closed.length, 1);
  assert.match(closed[0]!, /^Refused the peer's call message \(Cannot open file frame: auth/);
  assert.equal(receiver.open, false);
  assert.equal(await sender.send({ type: "leave", call }), false);
});

Deno.test("CallLink: error: a replayed frame is refused", async () => {
  const { sender, a, got, closed } = await pair();
  let first: Uint8Array | null = null;
  a.tap = (b) => (first ??= b.slice());
  await sender.send({ type: "ring", call, video: true });
  await sender.send({ type: "leave", call });
  await settle();
  assert.equal(got.length, 1);
  assert.match(closed[0]!, /not the next/);
});
