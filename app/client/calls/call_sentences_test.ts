import assert from "node:assert/strict";
import type { Address } from "viem";
import { endedSentence, fullSentence } from "./call_sentences.ts";
import { newPeer } from "./call_types.ts";

Deno.test("fullSentence: an audio call's sentence speaks of audio only", () => {
  const s = fullSentence(false, { audio: 6, video: 3 });
  assert.equal(
    s,
    "Cannot join the call: it already has 6 people, the most an audio call between browsers " +
      "carries well here. Ask someone to leave.",
  );
  assert.doesNotMatch(s, /video/);
});

Deno.test("fullSentence: a video call's sentence offers an audio call when that carries more", () => {
  assert.match(
    fullSentence(true, { audio: 6, video: 3 }),
    /has 3 people, the most a video call .* start an audio call instead \(up to 6 people\)\.$/,
  );
  // Where audio carries no more than video, there is nothing to offer.
  assert.match(fullSentence(true, { audio: 3, video: 3 }), /Ask someone to leave\.$/);
});

Deno.test("endedSentence: the one peer's reason, else that no one is left", () => {
  const x = "0x00000000000000000000000000000000000000bb" as Address;
  const declined = { ...newPeer(x, "declined"), note: "declined the call" };
  assert.match(endedSentence([declined]), /^Call ended: 0x.* declined the call\.$/);
  assert.equal(endedSentence([declined, newPeer(x, "left")]), "Call ended: no one else is in it.");
  assert.equal(endedSentence([newPeer(x, "left")]), "Call ended: no one else is in it.");
});
