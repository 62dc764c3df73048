/**
 * Sign-In with Ethereum (EIP-4361) from the browser: ask the server for a nonce, have the wallet
 * sign the message, post it back; the server sets an HttpOnly session cookie. An existing
 * session for the same address is reused without a prompt.
 * @module
 */
import type { Account, Address, Chain, Transport, WalletClient } from "viem";
import { createSiweMessage } from "viem/siwe";
import { isSignInErrorCode, SignInError } from "../shared/sign_in_error.ts";

/** Inputs of {@linkcode signIn}. */
export interface SignInOptions {
  walletClient: WalletClient<Transport, Chain, Account>;
  /** The app's origin (the message's domain and URI). */
  origin: string;
  /** `fetch` that carries the app's cookies. */
  fetch: typeof fetch;
  /**
   * Called just before the wallet is asked to sign (not when a live session is reused); throw
   * to refuse the prompt (a session caps how often a server may make it ask, issue 10).
   */
  beforePrompt?: () => void;
}

/**
 * Signs in, or confirms an existing session for the same address.
 *
 * @param options The wallet, the app's origin and its `fetch`.
 * @returns The signed-in address.
 * @throws {SignInError} When the server refuses (its code) or cannot be reached (`unreachable`).
 *
 * @example
 * ```ts ignore
 * const address = await signIn({ walletClient, origin: location.origin, fetch });
 * ```
 */
export async function signIn(options: SignInOptions): Promise<Address> {
  const { walletClient, origin } = options;
  const api = (path: string, init?: RequestInit) =>
    options.fetch(new URL(path, origin), init).catch(() => {
      throw new SignInError("unreachable", "Cannot sign in: the server cannot be reached");
    });
  const address = walletClient.account.address;
  // `{ address }` of the live session, or `{ address: null }` when signed out (never a 401).
  const me = await api("/api/auth/me").catch(() => null);
  if (me?.ok) {
    const body = await me.json().catch(() => null) as { address?: string | null } | null;
    if (body?.address?.toLowerCase() === address.toLowerCase()) return address;
  }
  const nonceRes = await api("/api/auth/nonce");
  if (!nonceRes.ok) throw await refusal(nonceRes);
  const { nonce } = await nonceRes.json() as { nonce: string };
  const url = new URL(origin);
  const message = createSiweMessage({
    domain: url.host,
    uri: url.origin,
    address,
    chainId: walletClient.chain.id,
    nonce,
    version: "1",
    statement: "Sign in to Mesh3 to chat in this room.",
    issuedAt: new Date(),
    expirationTime: new Date(Date.now() + 10 * 60_000),
  });
  options.beforePrompt?.();
  const signature = await walletClient.signMessage({ account: walletClient.account, message });
  const res = await api("/api/auth/verify", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ message, signature }),
  });
  if (!res.ok) throw await refusal(res);
  const body = await res.json() as { address: Address };
  return body.address;
}

/** The server's refusal as a SignInError: its own code when it is one we know. */
async function refusal(res: Response): Promise<SignInError> {
  const body = await res.json().catch(() => null) as { error?: unknown; code?: unknown } | null;
  const code = isSignInErrorCode(body?.code) ? body.code : "unreachable";
  // The server's text is not shown as is (it is not trusted): only its code and status.
  return new SignInError(code, `Cannot sign in: the server refused (${code}, HTTP ${res.status})`);
}
