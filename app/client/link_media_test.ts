import assert from "node:assert/strict";
import { MediaControl, sameTransport } from "./link_media.ts";

const dtls = { state: "connected" };

function pc(transceivers: unknown[], signalingState = "stable") {
  return {
    sctp: { transport: dtls },
    signalingState,
    getTransceivers: () => transceivers,
    addTransceiver: (kind: string) => ({ kind }),
    getStats: () => Promise.resolve(new Map()),
  } as unknown as RTCPeerConnection;
}

const on = (transport: unknown) => ({
  mid: "0",
  currentDirection: "sendrecv",
  receiver: { transport },
  sender: { transport },
});

Deno.test("sameTransport: media on the verified DTLS transport passes", () => {
  assert.equal(sameTransport(pc([on(dtls), on(dtls)])), true);
  assert.equal(sameTransport(pc([])), true);
});

Deno.test("sameTransport: error: a media section on a transport of its own is refused", () => {
  assert.equal(sameTransport(pc([on(dtls), on({ state: "new" })])), false);
});

Deno.test("sameTransport: stopped and unnegotiated transceivers do not count", () => {
  const stopped = { ...on({}), currentDirection: "stopped" };
  const unnegotiated = { ...on({}), mid: null };
  assert.equal(sameTransport(pc([stopped, unnegotiated])), true);
});

Deno.test("MediaControl: the answering side never offers nor adds media", async () => {
  let offers = 0;
  const m = new MediaControl(pc([]), {
    offerer: false,
    open: () => true,
    offer: () => Promise.resolve(void offers++),
  });
  assert.equal(await m.renegotiate(), false);
  assert.throws(() => m.addTransceiver("audio"), /^Error: Cannot add media: the answering side/);
  assert.equal(offers, 0);
});

Deno.test("MediaControl: a renegotiation asked mid-exchange waits for the answer", async () => {
  const conn = pc([], "have-local-offer") as { signalingState: string };
  let offers = 0;
  const m = new MediaControl(conn as unknown as RTCPeerConnection, {
    offerer: true,
    open: () => true,
    offer: () => Promise.resolve(void offers++),
  });
  const first = m.renegotiate();
  const second = m.renegotiate();
  assert.equal(offers, 0);
  conn.signalingState = "stable";
  m.answerApplied();
  assert.deepEqual(await Promise.all([first, second]), [true, true]);
  assert.equal(offers, 1);
});

Deno.test("MediaControl: a closed link fails waiting renegotiations and offers nothing", async () => {
  let open = true;
  const m = new MediaControl(pc([], "have-local-offer"), {
    offerer: true,
    open: () => open,
    offer: () => Promise.resolve(),
  });
  const waiting = m.renegotiate();
  m.close();
  assert.equal(await waiting, false);
  open = false;
  assert.equal(await m.renegotiate(), false);
});
