/**
 * Sign-In with Ethereum (EIP-4361) checks on the server. The message must name one of our
 * configured origins (never the request's Host header), our chain, and a live nonce we issued; its times
 * must hold with a small clock skew; the signature must be low-s (EIP-2) and verify (viem's
 * `validateSiweMessage` and `verifyHash`): an EOA's by recovering its address, with no chain
 * read; anything else (EIP-1271 and EIP-6492 wallets) through the chain.
 * @module
 */
import { type Address, hashMessage, type Hex, type PublicClient } from "viem";
import { verifyHash } from "viem/actions";
import { parseSiweMessage, validateSiweMessage } from "viem/siwe";
import { SignInError } from "../../shared/sign_in_error.ts";
import type { NonceBackend } from "../state/mod.ts";

/** What {@linkcode verifySignIn} checks against. */
export interface SignInContext {
  /** Configured origins (the public origin first), e.g. `["https://chat.example"]`: the message's
   * domain must be one's host[:port] and its URI on that same origin. */
  origins: string[];
  chainId: number;
  clockSkewSeconds: number;
  /** Oldest accepted `Issued At`, in seconds before now (the nonce TTL). */
  maxAgeSeconds: number;
  client: PublicClient;
  nonces: NonceBackend;
  now?: Date;
}

/** Longest SIWE message accepted, in characters. */
export const MAX_SIWE_MESSAGE_LENGTH = 4096;
/** Longest signature accepted, in hex characters (EIP-6492 wrappers carry deploy data). */
export const MAX_SIGNATURE_LENGTH = 16_384;
const HALF_N = 0x7fffffffffffffffffffffffffffffff5d576e73_57a4501d_dfe92f46_681b20a0n;

/**
 * Checks a SIWE message and signature and returns the signer's address.
 *
 * @param input The message text and the wallet's signature.
 * @param ctx Configuration, chain client and the nonce store.
 * @returns The signed-in address (checksummed).
 * @throws {SignInError} With a code saying why the sign-in is refused.
 *
 * @example
 * ```ts ignore
 * // Needs the chain (smart-contract wallets are verified there): the body of POST /verify, and
 * // the context the routes hold.
 * const address = await verifySignIn({ message, signature }, { config, client, nonces });
 * ```
 */
export async function verifySignIn(
  input: { message: unknown; signature: unknown },
  ctx: SignInContext,
): Promise<Address> {
  const { message, signature } = input;
  if (
    typeof message !== "string" || message.length > MAX_SIWE_MESSAGE_LENGTH ||
    typeof signature !== "string" || signature.length > MAX_SIGNATURE_LENGTH ||
    !/^0x([0-9a-fA-F]{2})+$/.test(signature)
  ) {
    throw new SignInError("malformed", "Cannot sign in: message or signature is malformed");
  }
  const m = parseSiweMessage(message);
  if (
    !m.address || !m.domain || !m.uri || !m.nonce || !m.chainId || !m.issuedAt || m.version !== "1"
  ) {
    throw new SignInError(
      "malformed",
      "Cannot sign in: the message is not a complete EIP-4361 message",
    );
  }
  // Burn the nonce first: whatever happens next, this message cannot be tried again.
  if (!await ctx.nonces.consume(m.nonce)) {
    throw new SignInError("bad-nonce", "Cannot sign in: the nonce is unknown, used or expired");
  }
  const origin = ctx.origins.find((o) => new URL(o).host === m.domain);
  if (origin === undefined) {
    throw new SignInError(
      "wrong-domain",
      `Cannot sign in: the message is for another site, not ${new URL(ctx.origins[0]).host}`,
    );
  }
  if (m.scheme && `${m.scheme}:` !== new URL(origin).protocol) {
    throw new SignInError("wrong-domain", "Cannot sign in: the message names another scheme");
  }
  if (!URL.canParse(m.uri) || new URL(m.uri).origin !== origin) {
    throw new SignInError("wrong-uri", `Cannot sign in: the URI must be on ${origin}`);
  }
  if (m.chainId !== ctx.chainId) {
    throw new SignInError(
      "wrong-chain",
      `Cannot sign in: the message is for chain ${m.chainId}, not ${ctx.chainId}`,
    );
  }
  const now = ctx.now ?? new Date();
  const skew = ctx.clockSkewSeconds * 1000;
  const t = now.getTime();
  const valid = (d: Date | undefined) => d === undefined || !Number.isNaN(d.getTime());
  if (!valid(m.issuedAt) || !valid(m.expirationTime) || !valid(m.notBefore)) {
    throw new SignInError("malformed", "Cannot sign in: a date in the message is not RFC 3339");
  }
  if (m.issuedAt.getTime() > t + skew) {
    throw new SignInError("future-dated", "Cannot sign in: the message is issued in the future");
  }
  if (m.issuedAt.getTime() < t - ctx.maxAgeSeconds * 1000 - skew) {
    throw new SignInError("stale", "Cannot sign in: the message was issued too long ago");
  }
  if (m.expirationTime && m.expirationTime.getTime() <= t) {
    throw new SignInError("expired", "Cannot sign in: the message has expired");
  }
  if (m.notBefore && m.notBefore.getTime() > t + skew) {
    throw new SignInError("not-yet-valid", "Cannot sign in: the message is not valid yet");
  }
  if (isHighS(signature as Hex)) {
    throw new SignInError("high-s", "Cannot sign in: the signature is malleable (high s)");
  }
  // Inside the skew window for notBefore, check at notBefore itself.
  const time = m.notBefore && m.notBefore.getTime() > t ? m.notBefore : now;
  let ok: boolean;
  try {
    ok = validateSiweMessage({
      address: m.address,
      domain: m.domain,
      message: m,
      nonce: m.nonce,
      time,
    }) && await verifyHash(ctx.client, {
      address: m.address!,
      hash: hashMessage(message),
      signature: signature as Hex,
      // An ECDSA signature that recovers to the address proves its key: no chain read (a
      // round trip off every sign-in, and EOAs sign in while the chain is unreachable). A
      // signature that does not is judged by the chain (contract wallets).
      mode: "eoa",
    });
  } catch {
    throw new SignInError(
      "chain-unavailable",
      "Cannot sign in: the chain cannot be reached to verify the signature",
    );
  }
  if (!ok) {
    throw new SignInError(
      "bad-signature",
      "Cannot sign in: the signature does not match the address",
    );
  }
  return m.address;
}

/**
 * Whether a 65-byte ECDSA signature has s in the upper half of the curve order (EIP-2 forbids
 * it; ecrecover still accepts it, so a second valid signature could otherwise be made).
 *
 * @param signature 0x hex; other lengths (EIP-1271/6492 data) return false.
 * @returns true for a high-s 65-byte signature.
 */
export function isHighS(signature: Hex): boolean {
  if (signature.length !== 132) return false;
  return BigInt("0x" + signature.slice(66, 130)) > HALF_N;
}
