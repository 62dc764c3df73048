import assert from "node:assert/strict";
import { explainMediaError, MediaAccessError, openLocalMedia, openScreen } from "./local_media.ts";

Deno.test("explainMediaError: each refusal says what happened and what to do", () => {
  const cases: [string, string, MediaAccessError["reason"], RegExp][] = [
    ["NotAllowedError", "camera", "denied", /permission was denied\. Allow it for this site/],
    ["NotAllowedError", "screen", "denied", /sharing was cancelled or not allowed/],
    ["NotFoundError", "microphone", "missing", /no such device was found/],
    ["NotFoundError", "screen", "missing", /there is no screen or window to share/],
    ["NotReadableError", "camera", "busy", /in use by another application/],
    ["SecurityError", "microphone", "policy", /not allowed to/],
    ["TypeError", "camera", "other", /the browser refused/],
  ];
  for (const [name, what, reason, message] of cases) {
    const e = explainMediaError(new DOMException("x", name), what);
    assert.equal(e.reason, reason, name);
    assert.match(e.message, new RegExp(`^Cannot (use the ${what}|share the screen)`));
    assert.match(e.message, message, name);
  }
});

Deno.test("openLocalMedia: a denied permission is thrown as the sentence to show", async () => {
  const devices = {
    getUserMedia: () => Promise.reject(new DOMException("denied", "NotAllowedError")),
    enumerateDevices: () => Promise.resolve([]),
  };
  await assert.rejects(
    () => openLocalMedia(devices, { video: true }),
    (e: Error) =>
      e instanceof MediaAccessError && /microphone and camera: permission/.test(e.message),
  );
});

Deno.test("openLocalMedia: no media devices at all (insecure page) is explained", async () => {
  await assert.rejects(
    () => openLocalMedia(undefined, { video: false }),
    (e: Error) => e instanceof MediaAccessError && e.reason === "policy",
  );
  await assert.rejects(
    () => openScreen(undefined),
    (e: Error) => e instanceof MediaAccessError && /cannot/.test(e.message),
  );
});
