/**
 * Security headers for every response, built on Hono's `secureHeaders`.
 * @module
 */
import type { Context, MiddlewareHandler } from "hono";
import { secureHeaders } from "hono/secure-headers";

/** Options of {@linkcode securityHeaders}. */
export interface SecurityHeadersOptions {
  /** The chain JSON-RPC URL the browser verifies against; its origin joins `connect-src`. */
  rpcUrl?: string;
  /** More origins the browser may connect to (e.g. a credentials API). */
  connectSrc?: string[];
  /** CSP sources (`'sha256-…'`) of inline scripts the pages carry: the import map of module
   * integrity (module_integrity.ts). */
  scriptHashes?: string[];
  /** Send `Strict-Transport-Security` (only when the site is served over https). Default false. */
  hsts?: boolean;
}

/**
 * Sets a strict Content-Security-Policy and related headers. Scripts only from the site itself
 * (the islands payload is `application/json`, which CSP does not treat as script) and inline
 * ones by hash (`scriptHashes`: the import map), styles only
 * from the site (so no `style="…"` attributes: use Tailwind classes), `connect-src` the site, its
 * WebSocket origin and the chain RPC, images also from `data:` (QR codes) and `blob:` (previews
 * of received PNG/JPEG/WebP/GIF files, made by the page itself). WebRTC is not governed
 * by CSP. Plus `Referrer-Policy: no-referrer`, `nosniff`, COOP `same-origin`, framing refused,
 * and a Permissions-Policy that lets only the app's own origin use the camera, microphone, screen
 * capture and speaker choice (calls) and turns off the devices the app does not use.
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * import { securityHeaders } from "./security_headers.ts";
 * const app = new Hono().use(securityHeaders({ rpcUrl: "http://127.0.0.1:8545" }));
 * ```
 */
export function securityHeaders(opts: SecurityHeadersOptions = {}): MiddlewareHandler {
  const extra = [...(opts.connectSrc ?? [])];
  if (opts.rpcUrl) extra.push(originOf(opts.rpcUrl));
  const wsOrigin = (c: Context) => {
    const url = new URL(c.req.url);
    return `${url.protocol === "https:" ? "wss:" : "ws:"}//${url.host}`;
  };
  return secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'", ...(opts.scriptHashes ?? [])],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", "data:", "blob:"],
      connectSrc: ["'self'", wsOrigin, ...extra],
      objectSrc: ["'none'"],
      baseUri: ["'none'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
    referrerPolicy: "no-referrer",
    crossOriginOpenerPolicy: "same-origin",
    crossOriginResourcePolicy: "same-origin",
    xFrameOptions: "DENY",
    xContentTypeOptions: "nosniff",
    strictTransportSecurity: opts.hsts ? "max-age=31536000; includeSubDomains" : false,
    permissionsPolicy: {
      camera: ["self"],
      microphone: ["self"],
      displayCapture: ["self"],
      speakerSelection: ["self"],
      geolocation: [],
      payment: [],
      usb: [],
    },
  });
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    throw new TypeError(`Cannot build the Content-Security-Policy: rpcUrl "${url}" is not a URL`);
  }
}
