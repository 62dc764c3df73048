/**
 * The one case table of the offer check (`app/chain/offer_check.ts`), in the habit of hono's
 * `common.case.test.ts`: every implementation that must agree runs the same cases. Each case
 * builds a description from a {@linkcode OfferCheckFixture} (rooms and commitments made on a
 * real test chain by `offer_check_fixture.ts`) and says what the check must answer. Run by
 * - the server: through a signed-in socket and the real hub, and through its relay check in
 *   process (app/server/signaling/relay_offer_check_test.ts);
 * - the browser's reader in Deno (app/chain/offer_check_test.ts);
 * - the client's `verifyPeerDescription` in headless Chromium (tests/browser/offer_check_test.ts).
 *
 * Browser-safe (no Deno APIs): the Chromium harness bundles it.
 * @module
 */
import type { Address, Hex } from "viem";
import { ChainUnavailableError } from "../app/chain/errors.ts";
import { type OfferRefusal, OfferRefusedError } from "../app/chain/offer_check.ts";
import { encodeBase64Url, hexToBytes } from "../app/core/bytes.ts";
import type { ErrorCode } from "../app/core/wire.ts";
import { testCallSdp, testSdp } from "./sdp.ts";

/**
 * A member's keys as committed: public key and ML-KEM-768 key (base64url) and DTLS fingerprint
 * (hex).
 */
export interface FixtureKeys {
  publicKey: string;
  kemKey: string;
  fingerprint: Hex;
}

/** What the cases are built from: a chain with rooms and commitments in every state. JSON-safe. */
export interface OfferCheckFixture {
  chainId: number;
  registry: Address;
  rooms: {
    /** Open; `sender` committed `stale` then `current` there; `uncommitted` did not commit. */
    open: Hex;
    /** Closed by its creator. */
    closed: Hex;
    /** Past its expiry, on chain time and on the wall clock. */
    expired: Hex;
    /** No room has this id. */
    unknown: Hex;
  };
  /** Development account indexes (the server runner signs them in) and their addresses. */
  accounts: Record<MemberRole | "receiver", { index: number; address: Address }>;
  /** The sender's keys committed now in the open room. */
  current: FixtureKeys;
  /** The sender's keys it committed before `current` (stale since). */
  stale: FixtureKeys;
  /** The receiver's keys committed now in the open room (Mallory copies them, below). */
  receiver: FixtureKeys;
}

/** Who sends the description. */
export type MemberRole = "sender" | "uncommitted" | "receiver";

/** A description as a case builds it. */
export interface CaseDescription {
  roomId: Hex;
  member: MemberRole;
  publicKey: string;
  /** Absent in a protocol v1 description (refused). */
  kemKey: string;
  sdp: string;
}

/** What the check answers: the keys pass, one of its refusals, or the chain cannot be read. */
export type OfferCheckOutcome = "accepted" | OfferRefusal | "chain-unavailable";

/** One case. */
export interface OfferCheckCase {
  name: string;
  /** Whether the chain can be reached while the case runs. */
  chain: "up" | "down";
  build(f: OfferCheckFixture): CaseDescription;
  /** What the one offer check answers. */
  expect: OfferCheckOutcome;
  /** What a client sees on the server's socket when that is not {@linkcode wireCode} of
   * `expect` (the wire parser refuses some descriptions before the check runs). */
  wire?: ErrorCode;
}

const fp = (hex: Hex) => hexToBytes(hex);
const random = (n: number) => crypto.getRandomValues(new Uint8Array(n));
const sdpOf = (keys: FixtureKeys) => testSdp(fp(keys.fingerprint));
/** The sender's current keys in `roomId`. */
const honest = (f: OfferCheckFixture, roomId: Hex): CaseDescription => ({
  roomId,
  member: "sender",
  publicKey: f.current.publicKey,
  kemKey: f.current.kemKey,
  sdp: sdpOf(f.current),
});

/** Every case, in the order the runners run them (the chain-down case last). */
export const OFFER_CHECK_CASES: readonly OfferCheckCase[] = [
  {
    name: "accepted: the current keys in an open room",
    chain: "up",
    build: (f) => honest(f, f.rooms.open),
    expect: "accepted",
  },
  {
    name: "bad-sdp: SDP with no fingerprint",
    chain: "up",
    build: (f) => ({ ...honest(f, f.rooms.open), sdp: testSdp([]) }),
    expect: "bad-sdp",
  },
  {
    name: "bad-sdp: two different fingerprints",
    chain: "up",
    build: (f) => ({
      ...honest(f, f.rooms.open),
      sdp: testSdp([
        { algorithm: "sha-256", digest: fp(f.current.fingerprint) },
        { algorithm: "sha-256", digest: random(32) },
      ]),
    }),
    expect: "bad-sdp",
  },
  {
    name: "bad-sdp: a sha-1 fingerprint only",
    chain: "up",
    build: (f) => ({
      ...honest(f, f.rooms.open),
      sdp: testSdp([{ algorithm: "sha-1", digest: fp(f.current.fingerprint).slice(0, 20) }]),
    }),
    expect: "bad-sdp",
  },
  {
    name: "bad-key: a public key of the wrong length",
    chain: "up",
    build: (f) => ({ ...honest(f, f.rooms.open), publicKey: encodeBase64Url(random(33)) }),
    expect: "bad-key",
    wire: "malformed", // the wire's key pattern takes 32 or 65 bytes only
  },
  {
    name: "bad-key: not base64url",
    chain: "up",
    build: (f) => ({ ...honest(f, f.rooms.open), publicKey: "+" + f.current.publicKey.slice(1) }),
    expect: "bad-key",
    wire: "malformed", // the wire's key pattern takes the base64url alphabet only
  },
  {
    name: "bad-kem-key: a protocol v1 description (no ML-KEM key)",
    chain: "up",
    build: (f) => {
      const { kemKey: _, ...v1 } = honest(f, f.rooms.open);
      return v1 as CaseDescription;
    },
    expect: "bad-kem-key",
    wire: "malformed", // the wire refuses a v1 description first, naming v1
  },
  {
    name: "bad-kem-key: an ML-KEM key of the wrong length",
    chain: "up",
    build: (f) => ({ ...honest(f, f.rooms.open), kemKey: encodeBase64Url(random(1183)) }),
    expect: "bad-kem-key",
    wire: "malformed", // the wire's pattern takes 1184 bytes only
  },
  {
    name: "room-not-found: an unknown room",
    chain: "up",
    build: (f) => honest(f, f.rooms.unknown),
    expect: "room-not-found",
  },
  {
    name: "room-closed: a closed room",
    chain: "up",
    build: (f) => honest(f, f.rooms.closed),
    expect: "room-closed",
  },
  {
    name: "room-expired: an expired room",
    chain: "up",
    build: (f) => honest(f, f.rooms.expired),
    expect: "room-expired",
  },
  {
    name: "no-commitment: a member who committed nothing",
    chain: "up",
    build: (f) => ({ ...honest(f, f.rooms.open), member: "uncommitted" }),
    expect: "no-commitment",
  },
  {
    name: "commitment-mismatch: the public key swapped",
    chain: "up",
    build: (f) => ({ ...honest(f, f.rooms.open), publicKey: encodeBase64Url(random(32)) }),
    expect: "commitment-mismatch",
  },
  {
    name: "commitment-mismatch: the ML-KEM key swapped",
    chain: "up",
    build: (f) => ({ ...honest(f, f.rooms.open), kemKey: encodeBase64Url(random(1184)) }),
    expect: "commitment-mismatch",
  },
  {
    name: "commitment-mismatch: Mallory committed Bob's commitment and sends Bob's keys",
    chain: "up",
    // The fixture's receiver committed, in its own slot, the commitment the sender made for
    // `current`: v2 binds the member, so the same keys do not match the receiver's slot.
    build: (f) => ({ ...honest(f, f.rooms.open), member: "receiver" }),
    expect: "commitment-mismatch",
  },
  {
    name: "commitment-mismatch: the fingerprint swapped",
    chain: "up",
    build: (f) => ({ ...honest(f, f.rooms.open), sdp: testSdp(random(32)) }),
    expect: "commitment-mismatch",
  },
  {
    name: "commitment-mismatch: stale keys after the member re-committed",
    chain: "up",
    build: (f) => ({
      ...honest(f, f.rooms.open),
      publicKey: f.stale.publicKey,
      kemKey: f.stale.kemKey,
      sdp: sdpOf(f.stale),
    }),
    expect: "commitment-mismatch",
  },
  {
    name: "accepted: a call's renegotiation, the committed fingerprint in every section",
    chain: "up",
    build: (f) => {
      const d = fp(f.current.fingerprint);
      return { ...honest(f, f.rooms.open), sdp: testCallSdp([d, d, d]) };
    },
    expect: "accepted",
  },
  {
    name: "bad-sdp: a call's renegotiation with another fingerprint in its video section",
    chain: "up",
    build: (f) => {
      const d = fp(f.current.fingerprint);
      return { ...honest(f, f.rooms.open), sdp: testCallSdp([d, d, random(32)]) };
    },
    expect: "bad-sdp",
  },
  {
    name: "commitment-mismatch: a call's renegotiation with the fingerprint swapped everywhere",
    chain: "up",
    build: (f) => {
      const d = random(32);
      return { ...honest(f, f.rooms.open), sdp: testCallSdp([d, d, d]) };
    },
    expect: "commitment-mismatch",
  },
  {
    name: "chain-unavailable: the chain cannot be read",
    chain: "down",
    build: (f) => honest(f, f.rooms.open),
    expect: "chain-unavailable",
  },
];

/**
 * The wire error code the server's relay check sends for an outcome (`bad-key` and `bad-kem-key`
 * travel as `bad-sdp`, docs/PROTOCOL.md), or "accepted".
 *
 * @example
 * ```ts
 * wireCode("bad-key"); // "bad-sdp"
 * wireCode("room-closed"); // "room-closed"
 * ```
 */
export function wireCode(outcome: OfferCheckOutcome): ErrorCode | "accepted" {
  return outcome === "bad-key" || outcome === "bad-kem-key" ? "bad-sdp" : outcome;
}

/**
 * The outcome of one run of a check: "accepted" when it resolves, the refusal's reason, or
 * "chain-unavailable"; anything else is rethrown (a bug, not an outcome).
 *
 * @param run The check.
 * @param reasonOf Reads the reason of a caller's own refusal error (default: `OfferRefusedError`).
 * @returns The outcome.
 *
 * @example
 * ```ts
 * import { OfferRefusedError } from "../app/chain/offer_check.ts";
 * await outcomeOf(() => Promise.reject(new OfferRefusedError("bad-sdp"))); // "bad-sdp"
 * ```
 */
export async function outcomeOf(
  run: () => Promise<unknown>,
  reasonOf: (e: unknown) => OfferRefusal | undefined = (e) =>
    e instanceof OfferRefusedError ? e.reason : undefined,
): Promise<OfferCheckOutcome> {
  try {
    await run();
    return "accepted";
  } catch (e) {
    if (e instanceof ChainUnavailableError) return "chain-unavailable";
    const reason = reasonOf(e);
    if (reason === undefined) throw e;
    return reason;
  }
}
