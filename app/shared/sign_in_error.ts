/**
 * The one sign-in error of Mesh3 (EIP-4361 Sign-In with Ethereum), shared by the server, which
 * refuses with a code, and the browser, which receives that code in the JSON body of the refusal
 * (`{ error, code }`) and throws the same class.
 * @module
 */

/** Why a sign-in failed. */
export type SignInErrorCode =
  // Refusals of the message or signature (the server's checks).
  | "malformed"
  | "wrong-domain"
  | "wrong-uri"
  | "wrong-chain"
  | "bad-nonce"
  | "expired"
  | "not-yet-valid"
  | "future-dated"
  | "stale"
  | "high-s"
  | "bad-signature"
  | "chain-unavailable"
  // Refusals of the request.
  | "rate-limited"
  | "bad-origin"
  | "too-large"
  // Seen by the browser only: no usable answer from the server.
  | "unreachable";

const CODES: ReadonlySet<string> = new Set<SignInErrorCode>([
  "malformed",
  "wrong-domain",
  "wrong-uri",
  "wrong-chain",
  "bad-nonce",
  "expired",
  "not-yet-valid",
  "future-dated",
  "stale",
  "high-s",
  "bad-signature",
  "chain-unavailable",
  "rate-limited",
  "bad-origin",
  "too-large",
  "unreachable",
]);

/**
 * Whether a value is a {@linkcode SignInErrorCode} (for codes read from a server's answer).
 *
 * @example
 * ```ts
 * import { isSignInErrorCode } from "./sign_in_error.ts";
 * isSignInErrorCode("bad-nonce"); // true
 * isSignInErrorCode("<script>"); // false
 * ```
 */
export function isSignInErrorCode(value: unknown): value is SignInErrorCode {
  return typeof value === "string" && CODES.has(value);
}

/**
 * A failed sign-in; `code` says why, the message says it for people ("Cannot sign in: ...").
 *
 * @example
 * ```ts
 * import { SignInError } from "./sign_in_error.ts";
 * const e = new SignInError("bad-nonce", "Cannot sign in: the nonce is unknown, used or expired");
 * e.code; // "bad-nonce"
 * ```
 */
export class SignInError extends Error {
  override name = "SignInError";
  /**
   * @param code Why.
   * @param message One sentence in the "Cannot sign in: ..." voice.
   */
  constructor(readonly code: SignInErrorCode, message: string) {
    super(message);
  }
}
