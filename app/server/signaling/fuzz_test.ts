/**
 * `/ws` protocol fuzzing (issue 6, item 1): seeded hostile frames from several signed-in
 * sockets and signed-out upgrade attempts, while an honest pair in another room keeps
 * signaling. `MESH3_FUZZ_WS_FRAMES` (default 2,000; `deno task fuzz:ws` runs 10,000) and
 * `MESH3_FUZZ_WS_SEED` choose the run. The hostile frames come from testing/ws_fuzz.ts; the
 * honest pair, the signed-out attempts and the raw RFC 6455 frames from ws_fuzz_traffic.ts.
 */
import assert from "node:assert/strict";
import { storedCommitment } from "../../core/commitment.ts";
import {
  commit,
  committedRoom,
  createRoom,
  join,
  makeKeys,
  signIn,
  type TestKeys,
  UNLIMITED_READS,
} from "../../../testing/server.ts";
import { startSignalingBed } from "../../../testing/signaling_bed.ts";
import type { HubStats } from "./hub.ts";
import { waitUntil } from "../../../testing/wait_until.ts";
import { type FuzzContext, nextFrame, prng } from "../../../testing/ws_fuzz.ts";
import {
  honestSignaling,
  rawFrameAttempts,
  signedOutAttempts,
} from "../../../testing/ws_fuzz_traffic.ts";

const FRAMES = Number(Deno.env.get("MESH3_FUZZ_WS_FRAMES") ?? "2000");
/** The same run over three instances on one Redis (issue 15), shorter: `deno task fuzz:ws`
 * sets `MESH3_FUZZ_WS_CLUSTER_FRAMES` too. */
const CLUSTER_FRAMES = Number(Deno.env.get("MESH3_FUZZ_WS_CLUSTER_FRAMES") ?? "600");
const SEED = Number(Deno.env.get("MESH3_FUZZ_WS_SEED") ?? "20261125");
const WORKERS = 4;
const MIN_HONEST_ROUNDS = 20;
/** Heap growth allowed over the run: after a GC with `--expose-gc` (the fuzz:ws task), 2 MiB
 * (compiled code, caches filling) plus 256 bytes per frame; looser without (garbage not yet
 * collected counts then). The code before issue 10 kept about 700 bytes per frame. */
const gc = (globalThis as { gc?: () => void }).gc;
const heapBound = (frames: number) => gc ? 2 * 1024 * 1024 + 256 * frames : 64 * 1024 * 1024;

type Tally = Map<string, Map<string, number>>;
const count = (t: Tally, kind: string, outcome: string) => {
  const m = t.get(kind) ?? new Map<string, number>();
  m.set(outcome, (m.get(outcome) ?? 0) + 1);
  t.set(kind, m);
};

Deno.test(
  `fuzz: ${FRAMES} hostile /ws frames, seed ${SEED}; the honest pair loses nothing`,
  (t) => fuzz(t, FRAMES),
);

Deno.test(
  `fuzz over 3 instances on Redis: ${CLUSTER_FRAMES} hostile /ws frames, seed ${SEED}; ` +
    "the honest pair, on two instances, loses nothing",
  (t) => fuzz(t, CLUSTER_FRAMES, 3),
);

/** One fuzz run of `FRAMES` frames over `instances` instances (default: the signaling bed's). */
async function fuzz(t: Deno.TestContext, FRAMES: number, instances?: number): Promise<void> {
  const HEAP_BOUND = heapBound(FRAMES);
  const bed = await startSignalingBed({
    instances,
    env: {
      MESH3_RATE_PER_SECOND: "100000",
      MESH3_RATE_BURST: "1000",
      MESH3_AUTH_PER_MINUTE_PER_IP: "100000",
      ...UNLIMITED_READS,
    },
  });
  const { chain, srv, clients, open } = bed;
  try {
    const fuzzRoom = await createRoom(chain, 1);
    // Joins need a commitment: the target and the socket whose session ends hold one.
    for (const acc of [5, 10]) await commit(chain, acc, fuzzRoom, makeKeys(chain, fuzzRoom));
    const { roomId: honestRoom, keys: [kH1, kH2] } = await committedRoom(chain, 2, [3, 4]);
    const { c: h1, ...h1s } = await bed.connect(3);
    const { c: h2, ...h2s } = await bed.connect(4);
    const { c: target, ...ts } = await bed.connect(5);
    await join(h1, honestRoom);
    await join(h2, honestRoom);
    await join(target, fuzzRoom);

    // Each fuzzing socket commits K1, sends it, re-commits K2: K1 offers are now stale.
    const workers: { cookie: string; ctx: FuzzContext }[] = [];
    await t.step("behavior: a replayed offer with a stale commitment is refused", async () => {
      for (let w = 0; w < WORKERS; w++) {
        const acc = 6 + w;
        const s = await signIn(srv.base, chain, acc);
        const k1 = makeKeys(chain, fuzzRoom);
        const k2 = makeKeys(chain, fuzzRoom);
        await commit(chain, acc, fuzzRoom, k1);
        const c = await open(s.cookie);
        await join(c, fuzzRoom);
        const offer = (k: TestKeys) => ({
          v: 1,
          type: "offer",
          to: ts.account.address,
          roomId: fuzzRoom,
          publicKey: k.publicKey,
          kemKey: k.kemKey,
          sdp: k.sdp,
        });
        c.send(offer(k1));
        await target.next("offer", (m) => m.from === s.account.address);
        await commit(chain, acc, fuzzRoom, k2);
        // Bounded wait until every instance's event poll has seen K2 (a renegotiation of the
        // pair with K1 is compared with the view as it stands, docs/PROTOCOL.md section 6).
        for (const instance of bed.servers) {
          await waitUntil(
            () => instance.server.view.commitment(fuzzRoom, s.account.address),
            (seen) => seen?.commitment === storedCommitment(k2.commitmentOf(s.account.address)),
          );
        }
        c.send(offer(k1));
        assert.equal(await c.error(), "commitment-mismatch");
        c.send(offer(k2));
        await target.next("offer", (m) => m.from === s.account.address);
        c.send(offer(k1));
        assert.equal(await c.error(), "commitment-mismatch");
        // Leave and re-join: the pair is forgotten, so ICE to the target is out of order again.
        c.send({ v: 1, type: "leave", roomId: fuzzRoom });
        await c.next("left");
        await join(c, fuzzRoom);
        await c.close();
        workers.push({
          cookie: s.cookie,
          ctx: {
            me: s.account.address,
            target: ts.account.address,
            room: fuzzRoom,
            otherRoom: honestRoom,
            honest: h1s.account.address,
            keys: { publicKey: k2.publicKey, kemKey: k2.kemKey, sdp: k2.sdp },
            staleKeys: { publicKey: k1.publicKey, kemKey: k1.kemKey, sdp: k1.sdp },
            maxFrameBytes: 64 * 1024,
          },
        });
      }
    });

    // Only h1, h2 and the target stay (the workers' sockets are gone once their close ends).
    // Each instance's hub (one, or each of the cluster's, its mirrors holding the others).
    const hubs = () => bed.servers.map((s) => s.server.hub.stats());
    const sockets = (xs: HubStats[]) => xs.reduce((n, s) => n + s.sockets, 0);
    const idle = await waitUntil(hubs, (xs) => sockets(xs) === 3 && xs.every((s) => !s.ending));
    gc?.();
    const heapBefore = Deno.memoryUsage().heapUsed;

    // The honest pair signals round after round, every message counted, while the fuzz runs.
    let fuzzing = true;
    const honest = honestSignaling(
      honestRoom,
      [
        { c: h1, address: h1s.address, keys: kH1 },
        { c: h2, address: h2s.address, keys: kH2 },
      ],
      () => fuzzing,
      MIN_HONEST_ROUNDS,
    );

    // Signed-out attempts run alongside: no cookie, forged, oversized or ended sessions,
    // foreign Origin, not an upgrade.
    const strangers = signedOutAttempts(bed, {
      ended: 10,
      roomId: fuzzRoom,
      cookie: h1s.cookie,
      count: Math.ceil(FRAMES / 10),
    });

    const tally: Tally = new Map();
    const violations: string[] = [];
    // Frames that break the WebSocket framing itself, over raw TCP.
    const rawSession = await signIn(srv.base, chain, 11);
    const rawFrames = rawFrameAttempts(
      srv.base,
      rawSession.cookie,
      Math.ceil(FRAMES / 50),
      violations,
    );

    // The fuzzing sockets: one frame, then a ping as a barrier; what came back in between
    // (frames are handled in order per socket) is that frame's answer.
    let reconnects = 0;
    const perWorker = Math.ceil(FRAMES / WORKERS);
    await Promise.all(workers.map(async ({ cookie, ctx }, w) => {
      const rand = prng(SEED + w);
      let c = await open(cookie);
      let inRoom = false;
      for (let n = 0; n < perWorker; n++) {
        const f = nextFrame(rand, ctx);
        if (c.closeCode !== undefined) {
          clients.splice(clients.indexOf(c), 1); // keep the test's own memory flat
          c = await open(cookie);
          reconnects++;
          inRoom = false;
        }
        if (f.needsRoom && !inRoom) {
          await join(c, ctx.room);
          inRoom = true;
        }
        c.messages.length = 0;
        if (typeof f.data === "string") c.send(f.data);
        else c.ws.send(f.data);
        const ref = `b${w}.${n}`;
        c.send({ v: 1, type: "ping", ref });
        let closed = false;
        try {
          await c.next("pong", (m) => m.ref === ref, 20_000);
        } catch {
          if (c.closeCode === undefined) throw new Error(`no answer to a ${f.kind} frame`);
          closed = true;
        }
        const answers = c.messages.filter((m) =>
          m.type === "error" || m.type === "pong" || m.type === "joined" || m.type === "left"
        );
        const first = answers[0];
        const code = first?.type === "error" ? first.code : undefined;
        for (const a of answers) {
          if (a.type === "joined" && a.roomId === ctx.room) inRoom = true;
          if (a.type === "left" && a.roomId === ctx.room) inRoom = false;
        }
        const outcome = (first ? (code ? `error:${code}` : first.type) : "none") +
          (closed ? `+close:${c.closeCode}` : "");
        count(tally, f.kind, outcome);
        if (!first && !closed) violations.push(`${f.kind}: no answer`);
        if (code === "internal") violations.push(`${f.kind}: internal error`);
        if (f.expect && !(code && f.expect.includes(code))) {
          violations.push(`${f.kind}: ${outcome}, expected ${f.expect.join("|")}`);
        }
        // The server sends the close code in its close frame; a client still writing (the
        // barrier) may lose that frame to the race and see an abnormal close (0, 1005, 1006),
        // which is clean when a typed error announced it.
        const announced = answers.some((a) =>
          a.type === "error" &&
          (a.code === "too-large" || a.message === "Cannot continue: too many refused frames")
        );
        // An oversized frame is refused from its header and the connection cut at once (none
        // of the rest is read): the 1009 close frame it was sent may be lost with it.
        const cut = announced || f.kind === "oversized";
        const clean = (want: number[]) =>
          want.includes(c.closeCode!) || (cut && [0, 1005, 1006].includes(c.closeCode!));
        if (f.closes !== undefined && !(closed && clean([f.closes]))) {
          violations.push(`${f.kind}: ${outcome}, expected close ${f.closes}`);
        }
        if (closed && !clean([1008, 1009])) {
          violations.push(`${f.kind}: unclean close ${c.closeCode}`);
        }
      }
      await c.close();
    }));
    fuzzing = false;
    const rounds = await honest.rounds;
    const refused = await strangers;
    const raw = await rawFrames;

    await t.step("behavior: every hostile frame got a typed error or a clean close", () => {
      const rows = [...tally].sort().map(([k, m]) =>
        `${k.padEnd(40)} ${[...m].map(([o, n]) => `${o}=${n}`).join(" ")}`
      );
      console.log(
        `fuzz: ${FRAMES} frames, seed ${SEED}, ${reconnects} reconnects\n${rows.join("\n")}`,
      );
      console.log(`fuzz: raw frames ${JSON.stringify(Object.fromEntries(raw))}`);
      console.log(`fuzz: signed-out attempts ${JSON.stringify(Object.fromEntries(refused))}`);
      const total = [...tally.values()].reduce(
        (s, m) => s + [...m.values()].reduce((a, b) => a + b, 0),
        0,
      );
      assert.equal(total, perWorker * WORKERS);
      assert.deepEqual(violations.slice(0, 20), []);
      for (const [key] of refused) assert.match(key, /:(400|401|403|426)$/);
    });

    await t.step("behavior: the honest pair lost no signaling message", () => {
      console.log(
        `fuzz: honest pair ${rounds} rounds, sent ${JSON.stringify(honest.sent)}, received ${
          JSON.stringify(honest.got)
        }`,
      );
      assert.ok(rounds >= MIN_HONEST_ROUNDS);
      assert.deepEqual(honest.got, honest.sent);
      for (const c of [h1, h2]) {
        assert.deepEqual(c.messages.filter((m) => m.type !== "presence"), []);
      }
    });

    await t.step("behavior: the hub's maps return to idle and the heap stays bounded", async () => {
      // Only h1, h2 and the target remain, as before the run; h1 and h2 described to each other.
      const after = await waitUntil(
        hubs,
        (xs) => sockets(xs) === sockets(idle) && xs.every((s) => !s.ending && !s.pending),
      );
      assert.deepEqual(
        after.map((s) => ({ ...s, pairs: 0 })),
        idle.map((s) => ({ ...s, pairs: 0 })),
      );
      for (const s of after) assert.ok(s.pairs <= 2 + WORKERS, `pairs: ${s.pairs}`);
      target.messages.length = 0;
      tally.clear();
      gc?.();
      const growth = Deno.memoryUsage().heapUsed - heapBefore;
      console.log(
        `fuzz: heap ${(heapBefore / 2 ** 20).toFixed(1)} MiB before, growth ${
          (growth / 2 ** 20).toFixed(1)
        } MiB (${gc ? "after GC" : "no GC"}; ${(growth / FRAMES).toFixed(0)} bytes per frame), ` +
          `bound ${(HEAP_BOUND / 2 ** 20).toFixed(1)} MiB`,
      );
      assert.ok(growth < HEAP_BOUND, `heap grew ${growth} bytes`);
    });
  } finally {
    await bed.close();
  }
}
