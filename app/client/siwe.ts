/**
 * Sign-In with Ethereum (EIP-4361) against the Mesh3 server: nonce, message, wallet signature,
 * verify. The server answers with an HttpOnly session cookie that the signaling socket uses.
 * @module
 */
import type { Account, Address, Chain, Transport, WalletClient } from "viem";
import { createSiweMessage } from "viem/siwe";

/** Thrown when signing in fails; the message is one human sentence. */
export class SignInError extends Error {
  override name = "SignInError";
}

/** Options of {@linkcode signIn}. */
export interface SignInOptions {
  /** The connected wallet. */
  walletClient: WalletClient<Transport, Chain, Account>;
  /** Page origin the message names (default: `location.origin`). */
  origin?: string;
  /** fetch to use (tests pass their own). */
  fetch?: typeof fetch;
}

/**
 * Signs in, reusing a live session of the same address when there is one.
 *
 * @param options Wallet and origin.
 * @returns The address the server now knows this browser as.
 * @throws {SignInError} When the server refuses or cannot be reached.
 *
 * @example
 * ```ts
 * const address = await signIn({ walletClient: wallet.connection.value!.walletClient });
 * ```
 */
export async function signIn(options: SignInOptions): Promise<Address> {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const { walletClient } = options;
  const address = walletClient.account.address;
  // `{ address }` of the live session, or `{ address: null }` when signed out (never a 401).
  const me = await doFetch("/api/auth/me", { credentials: "same-origin" }).catch(() => null);
  if (me?.ok) {
    const body = await me.json().catch(() => null) as { address?: string | null } | null;
    if (body?.address?.toLowerCase() === address.toLowerCase()) return address;
  }
  const origin = new URL(options.origin ?? globalThis.location.origin);
  const nonceRes = await doFetch("/api/auth/nonce", { credentials: "same-origin" });
  if (!nonceRes.ok) throw new SignInError("Cannot sign in: the server gave no nonce");
  const { nonce } = await nonceRes.json() as { nonce: string };
  const message = createSiweMessage({
    domain: origin.host,
    uri: origin.origin,
    address,
    chainId: walletClient.chain.id,
    nonce,
    version: "1",
    statement: "Sign in to Mesh3 to chat in this room.",
    issuedAt: new Date(),
    expirationTime: new Date(Date.now() + 10 * 60_000),
  });
  const signature = await walletClient.signMessage({ account: walletClient.account, message });
  const res = await doFetch("/api/auth/verify", {
    method: "POST",
    credentials: "same-origin",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ message, signature }),
  });
  if (!res.ok) {
    const body = await res.json().catch(() => null) as { error?: string } | null;
    throw new SignInError(
      `Cannot sign in: ${body?.error ?? `the server refused (HTTP ${res.status})`}`,
    );
  }
  const body = await res.json() as { address: Address };
  return body.address;
}
