/**
 * The browser's {@linkcode KeyKeeper}: one IndexedDB object store of {@linkcode KeptKeys}
 * records, written by structured clone, so the non-extractable `CryptoKey`s and the
 * `RTCCertificate` are stored without their secret bytes ever reaching script. Expired records
 * are erased whenever the store is opened (every page that makes the keeper). Where IndexedDB is missing or refused (some private
 * modes) every call fails and the session simply commits again.
 * @module
 */
import type { KeptKeys, KeyKeeper } from "./key_keeper.ts";

const DB_NAME = "mesh3-keys";
const STORE = "sessions";
const VERSION = 1;

/**
 * The IndexedDB keeper of this origin.
 *
 * @returns The keeper.
 *
 * @example
 * ```ts ignore
 * const session = new RoomSession({ ...o, keep: { keeper: indexedDbKeeper(), forMs } });
 * await indexedDbKeeper().clear(); // "Forget this device"
 * ```
 */
export function indexedDbKeeper(): KeyKeeper {
  // Opened at once: the expired records of every room are erased on each page load.
  const db = openDb();
  db.catch(() => {});
  const open = () => db;
  return {
    get: async (id) =>
      (await request<KeptKeys | undefined>(await open(), "readonly", (s) => s.get(id))) ?? null,
    put: async (kept) => void await request(await open(), "readwrite", (s) => s.put(kept)),
    delete: async (id) => void await request(await open(), "readwrite", (s) => s.delete(id)),
    clear: async () => void await request(await open(), "readwrite", (s) => s.clear()),
  };
}

/** Opens (creating on first use) the database, and erases the records past their expiry. */
async function openDb(): Promise<IDBDatabase> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const req = globalThis.indexedDB.open(DB_NAME, VERSION);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: "id" });
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(new Error("Cannot keep keys: IndexedDB refused to open"));
    req.onblocked = () => reject(new Error("Cannot keep keys: IndexedDB is blocked"));
  });
  const all = await request<KeptKeys[]>(db, "readonly", (s) => s.getAll());
  const now = Date.now();
  for (const kept of all) {
    if (!(kept.expiresAt > now)) await request(db, "readwrite", (s) => s.delete(kept.id));
  }
  return db;
}

/** One request in its own transaction, resolved when the transaction completes. */
function request<T>(
  db: IDBDatabase,
  mode: IDBTransactionMode,
  make: (store: IDBObjectStore) => IDBRequest,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const tx = db.transaction(STORE, mode);
    const req = make(tx.objectStore(STORE));
    tx.oncomplete = () => resolve(req.result as T);
    tx.onerror = () => reject(new Error("Cannot keep keys: an IndexedDB request failed"));
    tx.onabort = () => reject(new Error("Cannot keep keys: an IndexedDB request was aborted"));
  });
}
