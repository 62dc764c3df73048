/**
 * Ownership and cleanup of the lab's namespaces. A running lab holds a slot (0..63): its
 * namespaces are `m3lab-<slot>-*`, its control interface in the root namespace `m3lab<slot>`,
 * and `/run/mesh3-netlab/<slot>.pid` names the process that owns them. Namespaces of a slot
 * whose owner is gone are leftovers: a new lab refuses to start until they are removed
 * (`deno task netlab:clean`), and cleanup kills only processes inside those namespaces.
 * @module
 */
import { LAB_PREFIX } from "./topology.ts";
import { sh } from "./sh.ts";

const STATE_DIR = "/run/mesh3-netlab";
const SLOTS = 64;

/** Thrown when leftovers of an earlier lab run exist. */
export class LabLeftoversError extends Error {
  override name = "LabLeftoversError";
}

/**
 * Every lab namespace on the machine, by slot.
 *
 * @returns slot → namespace names.
 */
export async function labNamespaces(): Promise<Map<number, string[]>> {
  const out = await sh(["ip", "netns", "list"]);
  const bySlot = new Map<number, string[]>();
  for (const line of out.split("\n")) {
    const name = line.split(" ")[0];
    const m = name?.match(/^m3lab-(\d+)-/);
    if (!m) continue;
    const slot = Number(m[1]);
    bySlot.set(slot, [...(bySlot.get(slot) ?? []), name]);
  }
  return bySlot;
}

function ownerAlive(slot: number): boolean {
  let pid: number;
  try {
    pid = Number(Deno.readTextFileSync(`${STATE_DIR}/${slot}.pid`).trim());
  } catch {
    return false;
  }
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    return Deno.statSync(`/proc/${pid}`).isDirectory;
  } catch {
    return false;
  }
}

async function rootInterfaceExists(slot: number): Promise<boolean> {
  const out = await sh(["ip", "-o", "link", "show", `m3lab${slot}`], { allowFail: true });
  return out.trim() !== "";
}

/**
 * Slots whose namespaces or control interface exist while their owner process is gone.
 *
 * @returns The leftover slots and their namespaces.
 */
export async function leftovers(): Promise<{ slot: number; namespaces: string[] }[]> {
  const found: { slot: number; namespaces: string[] }[] = [];
  const bySlot = await labNamespaces();
  for (let slot = 0; slot < SLOTS; slot++) {
    const namespaces = bySlot.get(slot) ?? [];
    if (ownerAlive(slot)) continue;
    if (namespaces.length > 0 || await rootInterfaceExists(slot)) {
      found.push({ slot, namespaces });
    }
  }
  return found;
}

/**
 * Claims a free slot for this process, refusing when leftovers exist.
 *
 * @returns The slot.
 * @throws {LabLeftoversError} When an earlier run left namespaces behind.
 */
export async function claimSlot(): Promise<number> {
  const left = await leftovers();
  if (left.length > 0) {
    const names = left.flatMap((l) => l.namespaces.length ? l.namespaces : [`m3lab${l.slot}`]);
    throw new LabLeftoversError(
      `Cannot start the network lab: an earlier run left ${names.join(", ")} behind. ` +
        "Remove them with `deno task netlab:clean`.",
    );
  }
  await Deno.mkdir(STATE_DIR, { recursive: true });
  const used = await labNamespaces();
  for (let slot = 0; slot < SLOTS; slot++) {
    if (used.has(slot) || ownerAlive(slot)) continue;
    try {
      await Deno.writeTextFile(`${STATE_DIR}/${slot}.pid`, String(Deno.pid), { createNew: true });
      return slot;
    } catch (e) {
      if (e instanceof Deno.errors.AlreadyExists) {
        // A dead owner's file: take the slot over.
        if (ownerAlive(slot)) continue;
        await Deno.writeTextFile(`${STATE_DIR}/${slot}.pid`, String(Deno.pid));
        return slot;
      }
      throw e;
    }
  }
  throw new Error(`Cannot start the network lab: all ${SLOTS} slots are in use`);
}

/**
 * Removes one slot: kills the processes inside its namespaces, deletes the namespaces (their
 * veth pairs and rules go with them) and the control interface, and releases the slot.
 *
 * @param slot The slot.
 * @param only Delete only these namespaces (a site), keeping the slot.
 */
export async function cleanSlot(slot: number, only?: string[]): Promise<void> {
  const all = (await labNamespaces()).get(slot) ?? [];
  const names = only ? all.filter((n) => only.includes(n)) : all;
  // Homes and routers before the internet namespace that holds the bridge.
  names.sort((a, b) => Number(a.endsWith("-inet")) - Number(b.endsWith("-inet")));
  for (const ns of names) {
    const pids = (await sh(["ip", "netns", "pids", ns], { allowFail: true }))
      .split("\n").map((s) => Number(s.trim())).filter((n) => n > 0);
    for (const pid of pids) {
      try {
        Deno.kill(pid, "SIGKILL");
      } catch { /* already gone */ }
    }
    for (let i = 0; i < 50; i++) {
      const left = await sh(["ip", "netns", "pids", ns], { allowFail: true });
      if (left.trim() === "") break;
      await new Promise((r) => setTimeout(r, 20));
    }
    await sh(["ip", "netns", "del", ns], { allowFail: true });
  }
  if (only) return;
  await sh(["ip", "link", "del", `m3lab${slot}`], { allowFail: true });
  await Deno.remove(`${STATE_DIR}/${slot}.pid`).catch(() => {});
}

/**
 * Removes every leftover slot (the `netlab:clean` task).
 *
 * @returns The namespaces removed.
 */
export async function cleanLeftovers(): Promise<string[]> {
  const removed: string[] = [];
  for (const { slot, namespaces } of await leftovers()) {
    await cleanSlot(slot);
    removed.push(...namespaces, `m3lab${slot}`);
  }
  return removed;
}

/** The prefix shared by every lab namespace (re-exported for messages). */
export const NAMESPACE_PREFIX = LAB_PREFIX;
