/**
 * The baseline of benchmark 8: a plain WebRTC call without any of Mesh3's checks, in pages of the
 * same browser. Connections are made by the bench process passing SDP between pages (complete
 * ICE gathering, no trickle); media is added later by renegotiating over the pair's own
 * DataChannel, so "accept → first frame" covers the same steps as a Mesh3 call (open devices,
 * tell the caller, renegotiate, first frame) minus the server and the chain checks.
 * @module
 */
import type { Page } from "playwright-core";

/** Runs in a page: installs `globalThis.plain` (connections by name). */
export function plainHooks(): void {
  type Pc = {
    pc: RTCPeerConnection;
    dc?: RTCDataChannel;
    /** Messages received and not taken yet: one sent before its reader waits is not lost. */
    inbox: string[];
    waiters: (() => void)[];
  };
  const pcs = new Map<string, Pc>();
  const attach = (entry: Pc, dc: RTCDataChannel) => {
    entry.dc = dc;
    dc.addEventListener("message", (e) => {
      if (typeof e.data !== "string") return;
      entry.inbox.push(e.data);
      for (const wake of entry.waiters.splice(0)) wake();
    });
  };
  /** The first message received on `entry`'s channel that `wanted` accepts (waits for it). */
  const next = async (entry: Pc, wanted: (m: string) => boolean): Promise<string> => {
    for (;;) {
      const i = entry.inbox.findIndex(wanted);
      if (i >= 0) return entry.inbox.splice(i, 1)[0];
      await new Promise<void>((r) => entry.waiters.push(r));
    }
  };
  const g = globalThis as unknown as Record<string, unknown>;
  const done = (pc: RTCPeerConnection) =>
    new Promise<void>((r) => {
      if (pc.iceGatheringState === "complete") return r();
      pc.addEventListener("icegatheringstatechange", () => {
        if (pc.iceGatheringState === "complete") r();
      });
    });
  const camera = () =>
    navigator.mediaDevices.getUserMedia({
      audio: true,
      video: { width: 640, height: 360, frameRate: 30 },
    });
  let local: Promise<MediaStream> | null = null;
  const firstFrame = (stream: MediaStream) =>
    new Promise<number>((resolve) => {
      const v = document.createElement("video");
      v.muted = true;
      v.autoplay = true;
      v.srcObject = stream;
      // Shown at about the size of the app's tile, as a call shows it (decoding alone is not all
      // of a call's cost: the frames are painted too).
      v.style.cssText = "width: 480px; height: 270px; object-fit: cover";
      document.body.append(v);
      void v.play().catch(() => {});
      const look = () =>
        v.readyState >= 2 && v.videoWidth > 0 ? resolve(performance.now()) : setTimeout(look, 2);
      look();
    });
  g.plainOpen = (name: string) => pcs.get(name)?.dc?.readyState === "open";
  g.plainUnread = (name: string) => pcs.get(name)?.inbox.length ?? 0;
  g.plain = {
    /**
     * Ends every connection and releases the camera and microphone. Before a context closes: a
     * camera left open in a closed context is not given back, and after a few of them the next
     * page's getUserMedia never answers (benchmark 8's 4-person mesh stalled on that).
     */
    async release() {
      for (const { pc } of pcs.values()) pc.close();
      pcs.clear();
      for (const t of (await local)?.getTracks() ?? []) t.stop();
      local = null;
    },
    /** Hangs up: the connection ends and the camera is released (the next call opens it). */
    async close(name: string) {
      pcs.get(name)?.pc.close();
      pcs.delete(name);
      for (const t of (await local)?.getTracks() ?? []) t.stop();
      local = null;
    },
    async offer(name: string, config?: RTCConfiguration) {
      const pc = new RTCPeerConnection(config);
      const entry: Pc = { pc, inbox: [], waiters: [] };
      attach(entry, pc.createDataChannel("plain"));
      pcs.set(name, entry);
      await pc.setLocalDescription();
      await done(pc);
      return pc.localDescription!.sdp;
    },
    async answer(name: string, sdp: string, config?: RTCConfiguration) {
      const pc = new RTCPeerConnection(config);
      const entry: Pc = { pc, inbox: [], waiters: [] };
      pc.ondatachannel = (e) => attach(entry, e.channel);
      pcs.set(name, entry);
      await pc.setRemoteDescription({ type: "offer", sdp });
      await pc.setLocalDescription();
      await done(pc);
      return pc.localDescription!.sdp;
    },
    async finish(name: string, sdp: string) {
      await pcs.get(name)!.pc.setRemoteDescription({ type: "answer", sdp });
    },
    /** Both sides: media on every connection now (for the CPU mesh), renegotiated over the DC. */
    async media(name: string, offering: boolean) {
      const entry = pcs.get(name)!;
      const pc = entry.pc;
      // Decoded and played as the app does (each stream once).
      pc.ontrack = (e) => {
        if (e.track.kind === "video") return void firstFrame(new MediaStream([e.track]));
        const sound = new Audio();
        sound.srcObject = new MediaStream([e.track]);
        void sound.play().catch(() => {});
      };
      // A page whose camera is open already (a mesh's second pair) offers at once, maybe before
      // the answering page runs this: the offer waits in the answerer's inbox.
      if (!offering) return await renegotiate(entry, false, local ??= camera());
      const stream = await (local ??= camera());
      for (const t of stream.getTracks()) pc.addTrack(t, stream);
      await renegotiate(entry, true);
    },
    /** Caller side: waits for the callee's "join", then adds media and renegotiates. */
    async caller(name: string) {
      const entry = pcs.get(name)!;
      const stream = await (local ??= camera());
      void (async () => {
        await next(entry, (m) => m === "join");
        for (const t of stream.getTracks()) entry.pc.addTrack(t, stream);
        await renegotiate(entry, true);
      })();
    },
    /** Callee side: "accept" → first decoded frame, ms. */
    async accept(name: string) {
      const entry = pcs.get(name)!;
      const t0 = performance.now();
      const frame = new Promise<number>((r) =>
        entry.pc.ontrack = (e) =>
          e.track.kind === "video" && r(firstFrame(new MediaStream([e.track])))
      );
      const answered = renegotiate(entry, false, local ??= camera());
      entry.dc!.send("join");
      await answered;
      return (await frame) - t0;
    },
  };
  /** Offer/answer over the DataChannel (the offering side sends, the other answers). */
  async function renegotiate(entry: Pc, offering: boolean, add?: Promise<MediaStream>) {
    const { pc, dc } = entry;
    if (offering) {
      await pc.setLocalDescription();
      dc!.send(JSON.stringify(pc.localDescription));
    }
    const d = JSON.parse(await next(entry, (m) => m !== "join")) as RTCSessionDescriptionInit;
    await pc.setRemoteDescription(d);
    if (d.type !== "offer") return;
    if (add) {
      // As the app does: answer at once, sending; the camera's tracks follow when it is open
      // (replaceTrack, no renegotiation).
      for (const tr of pc.getTransceivers()) tr.direction = "sendrecv";
      void add.then(async (stream) => {
        for (const tr of pc.getTransceivers()) {
          const track = stream.getTracks().find((t) => t.kind === tr.receiver.track.kind);
          if (track) await tr.sender.replaceTrack(track);
        }
      });
    }
    await pc.setLocalDescription();
    dc!.send(JSON.stringify(pc.localDescription));
  }
}

/**
 * Connects two pages with a plain RTCPeerConnection and a DataChannel, named `name` in both.
 *
 * @example
 * ```ts ignore
 * await plainConnect(a, b, "ab");
 * ```
 */
export async function plainConnect(
  a: Page,
  b: Page,
  name: string,
  config: RTCConfiguration = {},
): Promise<void> {
  type Plain = {
    offer(n: string, c: RTCConfiguration): Promise<string>;
    answer(n: string, s: string, c: RTCConfiguration): Promise<string>;
    finish(n: string, s: string): Promise<void>;
  };
  const offer = await a.evaluate(
    ([n, c]) => (globalThis as unknown as { plain: Plain }).plain.offer(n, c),
    [name, config] as const,
  );
  const answer = await b.evaluate(
    ([n, s, c]) => (globalThis as unknown as { plain: Plain }).plain.answer(n, s, c),
    [name, offer, config] as const,
  );
  await a.evaluate(
    ([n, s]) => (globalThis as unknown as { plain: Plain }).plain.finish(n, s),
    [name, answer] as const,
  );
  // The DataChannel must be open on both sides before media is renegotiated over it.
  for (const p of [a, b]) {
    await p.waitForFunction((n) => {
      const g = globalThis as unknown as { plainOpen(n: string): boolean };
      return g.plainOpen(n);
    }, name);
  }
}

/**
 * Makes a plain video mesh of pages that run {@linkcode plainHooks}: every two connect and both
 * send camera and microphone over their connection (renegotiated over its DataChannel).
 *
 * @example
 * ```ts ignore
 * await plainMeshMedia([a, b, c, d]); // 6 connections, each page decodes 3 videos
 * ```
 */
export async function plainMeshMedia(
  pages: Page[],
  log: (line: string) => void = () => {},
): Promise<void> {
  type Plain = { media(n: string, offering: boolean): Promise<void> };
  const media = (page: Page, name: string, offering: boolean) =>
    page.evaluate(
      ([n, o]) => (globalThis as unknown as { plain: Plain }).plain.media(n, o),
      [name, offering] as const,
    );
  for (let i = 0; i < pages.length; i++) {
    for (let j = i + 1; j < pages.length; j++) {
      const name = `m${i}-${j}`;
      log(`plain mesh: connecting ${i} and ${j}`);
      await plainConnect(pages[i], pages[j], name);
      log(`plain mesh: media between ${i} and ${j}`);
      await Promise.all([media(pages[i], name, true), media(pages[j], name, false)]);
    }
  }
}

/**
 * Releases every plain page's connections and devices, then closes its context.
 *
 * @example
 * ```ts ignore
 * await closePlainPages(pages);
 * ```
 */
export async function closePlainPages(pages: Page[]): Promise<void> {
  for (const page of pages) {
    await page.evaluate(() =>
      (globalThis as unknown as { plain: { release(): Promise<void> } }).plain.release()
    ).catch(() => {});
    await page.context().close();
  }
}
