/**
 * Which components are islands: one default-export component per `app/islands/*.tsx` file, named
 * after the file (docs/ISLANDS.md).
 * @module
 */
import type { ComponentType } from "preact";

/** Island components known to the server render, by component. */
const ISLANDS = new Map<ComponentType<never>, string>();

/** Absolute path of `app/islands/`. */
export const ISLANDS_DIR: string = new URL("../../islands/", import.meta.url).pathname;

/** An island file found on disk. */
export interface IslandFile {
  /** Island name: the file name without `.tsx`, e.g. `Home`. */
  name: string;
  /** Absolute path of the file. */
  path: string;
}

/**
 * Lists `*.tsx` files of an islands folder, sorted by name.
 *
 * @example
 * ```ts
 * import { listIslandFiles } from "./island_registry.ts";
 * const files = await listIslandFiles(); // [{ name: "Home", path: ".../app/islands/Home.tsx" }, ...]
 * ```
 */
export async function listIslandFiles(dir: string = ISLANDS_DIR): Promise<IslandFile[]> {
  const files: IslandFile[] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (!entry.isFile || !entry.name.endsWith(".tsx") || entry.name.endsWith("_test.tsx")) continue;
    const name = entry.name.slice(0, -4);
    if (!/^[A-Za-z_$][\w$]*$/.test(name)) {
      throw new Error(`Cannot register island ${entry.name}: its name must be a JS identifier`);
    }
    files.push({ name, path: `${dir.replace(/\/$/, "")}/${entry.name}` });
  }
  return files.sort((a, b) => a.name < b.name ? -1 : 1);
}

/**
 * Imports every island file and registers its default export, so the server render marks it.
 *
 * @example
 * ```ts
 * import { loadIslands } from "./island_registry.ts";
 * const names = await loadIslands(); // ["Home", "Room"]
 * ```
 */
export async function loadIslands(dir: string = ISLANDS_DIR): Promise<string[]> {
  const files = await listIslandFiles(dir);
  for (const file of files) {
    const mod = await import(new URL(`file://${file.path}`).href);
    if (typeof mod.default !== "function") {
      throw new Error(`Cannot register island ${file.name}: it has no default-export component`);
    }
    registerIsland(file.name, mod.default);
  }
  return files.map((f) => f.name);
}

/** Registers one component as the island `name`. */
export function registerIsland(name: string, component: ComponentType<never>): void {
  ISLANDS.set(component, name);
}

/** Names of all registered islands. */
export function islandNames(): Set<string> {
  return new Set(ISLANDS.values());
}

/** The island name of `component`, or undefined when it is not an island. */
export function islandName(component: unknown): string | undefined {
  return ISLANDS.get(component as ComponentType<never>);
}
