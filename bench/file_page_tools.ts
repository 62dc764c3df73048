/**
 * What benchmark 7 installs in both pages (an init script, `page.addInitScript(pageTools)`):
 * the text-latency log and the probes that say where a text waited.
 * @module
 */

/**
 * Runs in the pages: a text-arrival log (`__arrivals`: send → shown, ms) and, for each, how much
 * of it passed before the chat channel's message event (`__wire`: send → the last chat-channel
 * event before it was shown; the rest is the page's own work: opening, checks, rendering).
 *
 * Where a text waited, probed: `__fileQueued`, the bytes queued on the page's file channel
 * (`bufferedAmount` of `mesh3-files`) at each chat-channel `send` (what the text may wait behind
 * on the sending side); `__longTasks`, the page's main-thread tasks over 50 ms (start, duration;
 * a `longtask` PerformanceObserver: what keeps a receiving page from taking the chat channel's
 * message event).
 *
 * @example
 * ```ts ignore
 * for (const s of [a, b]) await s.page.addInitScript(pageTools);
 * ```
 */
export function pageTools(): void {
  const g = globalThis as unknown as Record<string, unknown>;
  const now = () => performance.timeOrigin + performance.now();
  g.__arrivals = [] as number[];
  g.__wire = [] as number[];
  g.__chatSends = [] as number[];
  g.__fileQueued = [] as number[];
  g.__longTasks = [] as number[];
  g.__filesSentAtText = [] as number[];
  g.__lag = [] as number[];
  let lastChatEvent = 0;
  let filesAtChatEvent = 0;
  let filesSent = 0;
  let filesReceived = 0;
  let files: RTCDataChannel | null = null;
  const size = (d: unknown) =>
    d instanceof ArrayBuffer ? d.byteLength : ArrayBuffer.isView(d) ? d.byteLength : 0;
  const send = RTCDataChannel.prototype.send;
  RTCDataChannel.prototype.send = function (this: RTCDataChannel, data: never) {
    if (this.label === "mesh3-files") {
      files = this;
      filesSent += size(data);
    }
    if (this.label === "mesh3") {
      (g.__chatSends as number[]).push(now());
      (g.__fileQueued as number[]).push(files?.bufferedAmount ?? 0);
      (g.__filesSentAtText as number[]).push(filesSent);
    }
    return send.call(this, data);
  };
  // Event-loop lag: a message posted every 50 ms, how long it waited for its task.
  const probe = new MessageChannel();
  let posted = 0;
  probe.port1.onmessage = () => (g.__lag as number[]).push(posted, now() - posted);
  setInterval(() => {
    posted = now();
    probe.port2.postMessage(null);
  }, 50);
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        (g.__longTasks as number[]).push(performance.timeOrigin + e.startTime, e.duration);
      }
    }).observe({ type: "longtask" });
  } catch { /* No long-task timing in this browser. */ }
  const hooked = new WeakSet<RTCDataChannel>();
  const add = EventTarget.prototype.addEventListener;
  RTCDataChannel.prototype.addEventListener = function (
    this: RTCDataChannel,
    ...args: Parameters<EventTarget["addEventListener"]>
  ) {
    if (args[0] === "message" && this.label === "mesh3" && !hooked.has(this)) {
      hooked.add(this);
      add.call(this, "message", () => {
        lastChatEvent = now();
        filesAtChatEvent = filesReceived;
      });
    }
    if (args[0] === "message" && this.label === "mesh3-files" && !hooked.has(this)) {
      hooked.add(this);
      add.call(this, "message", (e) => filesReceived += size((e as MessageEvent).data));
    }
    return add.apply(this, args);
  };
  // When each file card first says "done" in this page (the encrypted round's end, timed in the
  // page like the raw round's last byte, not when the driver's polling notices it).
  g.__doneAt = {} as Record<string, number>;
  new MutationObserver(() => {
    const done = g.__doneAt as Record<string, number>;
    for (const card of document.querySelectorAll('[data-testid="file-card"][data-state="done"]')) {
      const id = card.getAttribute("data-id");
      if (id && !(id in done)) done[id] = now();
    }
  }).observe(document, {
    childList: true,
    subtree: true,
    attributes: true,
    attributeFilter: ["data-state"],
  });
  new MutationObserver((records) => {
    for (const r of records) {
      for (const n of r.addedNodes) {
        const text = (n as HTMLElement).querySelector?.('[data-testid="message-text"]')
          ?.textContent;
        const m = text?.match(/^latency (\d+(\.\d+)?)$/);
        if (!m) continue;
        (g.__arrivals as number[]).push(now() - Number(m[1]));
        (g.__wire as number[]).push(Number(m[1]), lastChatEvent, filesAtChatEvent);
      }
    }
  }).observe(document, { childList: true, subtree: true });
}
