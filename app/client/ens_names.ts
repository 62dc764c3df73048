/**
 * Names instead of hex (issue 16, item 3): ENS primary names and avatars for addresses, and ENS
 * names accepted where people type addresses, through ENS's UniversalResolver with viem's ENS
 * actions (`getEnsName`, `getEnsAddress`, `getEnsText`).
 *
 * A primary name is shown only when its forward record points back to the same address: anyone
 * can set their reverse record to any name ("vitalik.eth"), so the reverse record alone proves
 * nothing. The name must also be in ENS normal form (ENSIP-15, viem's `normalize`), so a look-alike
 * spelling is not shown as the name it imitates. Names are shown beside the address, never instead
 * of the safety number.
 *
 * Avatars: only `data:image/…` records (the image is on chain) are shown. An `https:`, `ipfs:` or
 * NFT avatar would make every viewer's browser fetch from a host the name's owner chooses, telling
 * it who looks at whom and when (and the page's CSP allows images only from the site and `data:`),
 * so viem's `getEnsAvatar`, which fetches such URLs, is not used.
 * @module
 */
import {
  type Address,
  createPublicClient,
  getAddress,
  http,
  isAddress,
  type PublicClient,
} from "viem";
import { getEnsAddress, getEnsName, getEnsText } from "viem/actions";
import { normalize } from "viem/ens";

/** Where names are read: a client on a chain with ENS, and its UniversalResolver. */
export interface EnsSource {
  client: PublicClient;
  universalResolver: Address;
}

/** An address's checked ENS profile. */
export interface EnsProfile {
  /** The primary name (normalized; its forward record is the address). */
  name: string;
  /** A `data:image/…` URI, or null. */
  avatar: string | null;
}

/** Longest avatar data URI shown (64 KiB). */
export const MAX_AVATAR_CHARS = 65_536;
const DATA_IMAGE = /^data:image\/(png|jpeg|gif|webp|svg\+xml);base64,[A-Za-z0-9+/]+=*$/;

/**
 * The primary name and avatar of an address, or null when it has none that checks out.
 *
 * @param ens The chain with ENS.
 * @param address The address.
 * @returns The profile, or null (no reverse record, a name whose forward record is another
 *   address or none, a name not in normal form, or ENS unreadable).
 *
 * @example
 * ```ts ignore
 * const p = await ensProfile({ client, universalResolver }, peer);
 * label.textContent = p ? p.name : shortAddress(peer);
 * ```
 */
export async function ensProfile(ens: EnsSource, address: Address): Promise<EnsProfile | null> {
  const universalResolverAddress = ens.universalResolver;
  try {
    const name = await getEnsName(ens.client, { address, universalResolverAddress });
    if (!name || normalizedOrNull(name) !== name) return null;
    const forward = await getEnsAddress(ens.client, { name, universalResolverAddress });
    if (!forward || forward.toLowerCase() !== address.toLowerCase()) return null;
    const record = await getEnsText(ens.client, { name, key: "avatar", universalResolverAddress })
      .catch(() => null);
    const avatar = record && record.length <= MAX_AVATAR_CHARS && DATA_IMAGE.test(record)
      ? record
      : null;
    return { name, avatar };
  } catch {
    return null;
  }
}

/**
 * The ENS source of a page: the configured UniversalResolver, read through the wallet's client
 * on the app's chain, or through a client of its own on `ensRpcUrl` when ENS lives on another
 * chain; null when there is no ENS.
 *
 * @param config The public config (`ensUniversalResolver`, `ensRpcUrl`).
 * @param client A public client on the app's chain.
 * @returns The source or null.
 *
 * @example
 * ```ts ignore
 * const ens = ensSource(session.config, session.wallet.publicClient);
 * ```
 */
export function ensSource(
  config: { ensUniversalResolver?: Address; ensRpcUrl?: string },
  client: PublicClient,
): EnsSource | null {
  const universalResolver = config.ensUniversalResolver;
  if (!universalResolver) return null;
  const url = config.ensRpcUrl;
  if (!url) return { client, universalResolver };
  let own = ensClients.get(url);
  if (!own) {
    own = createPublicClient({ transport: http(url, { retryCount: 1 }) }) as PublicClient;
    ensClients.set(url, own);
  }
  return { client: own, universalResolver };
}

/** One client per ENS RPC URL for the page's life. */
const ensClients = new Map<string, PublicClient>();

const MAX_CACHED = 512;
const cache = new Map<string, Promise<EnsProfile | null>>();

/**
 * {@linkcode ensProfile}, asked once per address and resolver for the page's lifetime (bounded:
 * the oldest entry goes past 512). A peer who changes their name shows it after a reload.
 *
 * @param ens The chain with ENS.
 * @param address The address.
 * @returns The profile or null.
 *
 * @example
 * ```ts ignore
 * const p = await cachedEnsProfile(ens, link.peer);
 * ```
 */
export function cachedEnsProfile(ens: EnsSource, address: Address): Promise<EnsProfile | null> {
  const key = `${ens.universalResolver}:${address}`.toLowerCase();
  let p = cache.get(key);
  if (!p) {
    if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
    p = ensProfile(ens, address);
    cache.set(key, p);
  }
  return p;
}

/** Thrown when a typed name cannot be used as an address; the message is one sentence. */
export class EnsNameError extends Error {
  override name = "EnsNameError";
}

/**
 * Turns what a person typed (an address or an ENS name) into an address.
 *
 * @param ens The chain with ENS, or null when it has none.
 * @param entry An address or a name such as "alice.eth".
 * @returns The checksummed address.
 * @throws {EnsNameError} When it is neither an address nor a name with an address on this chain.
 *
 * @example
 * ```ts ignore
 * const members = await Promise.all(entries.map((e) => addressOf(ens, e)));
 * ```
 */
export async function addressOf(ens: EnsSource | null, entry: string): Promise<Address> {
  const typed = entry.trim();
  if (isAddress(typed, { strict: false })) return getAddress(typed);
  const shown = `"${typed.slice(0, 64)}"`;
  if (!typed.includes(".")) throw new EnsNameError(`Cannot use ${shown}: it is not an address`);
  if (!ens) {
    throw new EnsNameError(`Cannot use ${shown}: this chain has no ENS, so give an address`);
  }
  const name = normalizedOrNull(typed);
  if (!name) throw new EnsNameError(`Cannot use ${shown}: it is not a valid ENS name`);
  let address: Address | null;
  try {
    address = await getEnsAddress(ens.client, {
      name,
      universalResolverAddress: ens.universalResolver,
    });
  } catch {
    throw new EnsNameError(`Cannot use ${shown}: ENS cannot be read now, try again`);
  }
  if (!address) throw new EnsNameError(`Cannot use ${shown}: the name has no address in ENS`);
  return getAddress(address);
}

function normalizedOrNull(name: string): string | null {
  try {
    return normalize(name);
  } catch {
    return null;
  }
}
