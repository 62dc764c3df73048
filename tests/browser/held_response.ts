/**
 * Holds one response mid-body, so a browser test can navigate while a file is still loading:
 * the first response whose path matches sends its headers and first KiB, then waits until the
 * browser drops it or the test releases it.
 * @module
 */

/** Bytes sent before the hold. */
const SENT_BEFORE_HOLD = 1024;

/** A hold on the first matching response. */
export interface ResponseHold {
  /** Passes every response through; the first matching one comes back held. */
  apply(req: Request, res: Response): Promise<Response>;
  /** Resolves with the path once a response is held (its headers and first KiB sent). */
  held: Promise<string>;
  /** Sends the rest of the held response (if the browser still wants it). */
  release(): void;
}

/**
 * A hold on the first response whose path matches `pattern`.
 *
 * @example
 * ```ts ignore
 * const hold = holdFirst(/\/static\/build\/browser-/);
 * const fetch = async (req: Request) => await hold.apply(req, await app(req));
 * await hold.held; // the browser is loading that file now
 * ```
 */
export function holdFirst(pattern: RegExp): ResponseHold {
  let done = false;
  let onHeld!: (path: string) => void;
  let onRelease!: () => void;
  const held = new Promise<string>((resolve) => onHeld = resolve);
  const released = new Promise<void>((resolve) => onRelease = resolve);
  return {
    held,
    release: onRelease,
    async apply(req, res) {
      const path = new URL(req.url).pathname;
      if (done || !pattern.test(path) || !res.ok) return res;
      done = true;
      const body = new Uint8Array(await res.arrayBuffer());
      const headers = new Headers(res.headers);
      headers.set("Content-Length", String(body.length));
      const stream = new ReadableStream<Uint8Array>({
        async start(ctl) {
          ctl.enqueue(body.slice(0, SENT_BEFORE_HOLD));
          onHeld(path);
          await released;
          try {
            ctl.enqueue(body.slice(SENT_BEFORE_HOLD));
            ctl.close();
          } catch {
            // The browser dropped the response meanwhile.
          }
        },
      });
      return new Response(stream, { status: res.status, headers });
    },
  };
}
