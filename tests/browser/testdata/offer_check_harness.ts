/**
 * Browser-side harness for offer_check_test.ts: runs the offer check's shared case table
 * (testing/offer_check_cases.ts) through the client's own `verifyPeerDescription`, reading the
 * chain from this page as the browser does.
 * @module
 */
import { createPublicClient, http, type PublicClient } from "viem";
import { PeerVerificationError, verifyPeerDescription } from "../../../app/client/verify_peer.ts";
import {
  OFFER_CHECK_CASES,
  type OfferCheckFixture,
  type OfferCheckOutcome,
  outcomeOf,
} from "../../../testing/offer_check_cases.ts";

const harness = {
  /**
   * Runs every case.
   *
   * @param f The fixture the test made on the chain.
   * @param urls The chain's JSON-RPC URL, and one nothing listens on (the chain-down case).
   * @returns Each case's name and outcome, in table order (or what it threw instead).
   */
  async run(
    f: OfferCheckFixture,
    urls: { up: string; down: string },
  ): Promise<{ name: string; outcome: OfferCheckOutcome | string }[]> {
    const clients = {
      up: createPublicClient({ transport: http(urls.up, { retryCount: 0 }) }) as PublicClient,
      down: createPublicClient({ transport: http(urls.down, { retryCount: 0 }) }) as PublicClient,
    };
    const results = [];
    for (const c of OFFER_CHECK_CASES) {
      const d = c.build(f);
      // An error that is not an outcome is reported as the case's result, so its step fails
      // with it and the other cases still run.
      const outcome = await outcomeOf(
        () =>
          verifyPeerDescription(clients[c.chain], {
            chainId: f.chainId,
            registry: f.registry,
            roomId: d.roomId,
            peer: f.accounts[d.member].address,
            publicKey: d.publicKey,
            kemKey: d.kemKey,
            sdp: d.sdp,
          }),
        (e) => e instanceof PeerVerificationError ? e.reason : undefined,
      ).catch((e) => `threw ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
      results.push({ name: c.name, outcome });
    }
    return results;
  },
};

/** The harness API the test calls. */
export type OfferCheckHarness = typeof harness;

(globalThis as unknown as { offerCheck: OfferCheckHarness }).offerCheck = harness;
