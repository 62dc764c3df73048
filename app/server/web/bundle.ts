/**
 * Bundles the islands and their boot code for browsers with `deno bundle` (esbuild inside), split
 * into one chunk per island plus shared chunks, so a page loads only the islands it shows and code
 * an island imports with `import()` arrives when it is used.
 * @module
 */
import { type IslandFile, listIslandFiles } from "./island_registry.ts";
import { type PinnedChain, pinOf } from "../../shared/public_config.ts";

/** Root of the project (holds deno.json). */
export const PROJECT_ROOT: string = new URL("../../../", import.meta.url).pathname;

/** Options of {@linkcode bundleIslands}. */
export interface BundleIslandsOptions {
  /** Island files; default: every `app/islands/*.tsx`. */
  islands?: IslandFile[];
  /** Minify the output (default true). */
  minify?: boolean;
  /** The chain id, registry and ENS settings built into the bundle; the page refuses props
   * naming others (app/browser/pinned_chain.ts). None: no check (fixture islands). */
  pin?: PinnedChain;
  /**
   * Split into chunks (default true). False gives one file with everything in it, the shape the
   * app had before splitting (the first-load benchmark's baseline).
   */
  split?: boolean;
}

/** What {@linkcode bundleIslands} made. */
export interface IslandBundle {
  /** File name of the entry module (the page's module script) among `files`. */
  entry: string;
  /** Every output file by name (the entry, island chunks, shared chunks); names are unique. */
  files: Map<string, Uint8Array>;
  /** Island name → file name of its chunk (absent when not split: the entry holds it). */
  islandChunks: Map<string, string>;
  /** The service worker (app/browser/service_worker.ts), one classic script. */
  serviceWorker: Uint8Array;
  /** The received-file writer worker (app/browser/file_writer.ts), one classic script. */
  fileWriter: Uint8Array;
}

/** Name of the generated entry file before it is given its hashed name. */
const ENTRY = "islands.js";

/**
 * Generates the entry `import { boot } …; boot({ Home: () => import(…Home.tsx), … })` and
 * bundles it into browser ES modules.
 *
 * @example
 * ```ts ignore
 * import { bundleIslands } from "./bundle.ts";
 * const out = await bundleIslands();
 * out.entry; // "islands.js"
 * out.islandChunks.get("Home"); // "Home-YCOJGCCE.js"
 * ```
 */
export async function bundleIslands(opts: BundleIslandsOptions = {}): Promise<IslandBundle> {
  const islands = opts.islands ?? await listIslandFiles();
  const split = opts.split ?? true;
  const boot = new URL("../../browser/boot.ts", import.meta.url).href;
  const pinned = new URL("../../browser/pinned_chain.ts", import.meta.url).href;
  const register = new URL("../../browser/register_sw.ts", import.meta.url).href;
  const pin = opts.pin ? pinOf(opts.pin) : undefined;
  const loaders = islands.map((i) =>
    `${i.name}: () => import(${JSON.stringify(`file://${i.path}`)})`
  );
  const entry = [
    `import { boot } from ${JSON.stringify(boot)};`,
    ...(pin ? [`import { pinnedChainCheck } from ${JSON.stringify(pinned)};`] : []),
    `import { registerServiceWorker } from ${JSON.stringify(register)};`,
    `void boot({ ${loaders.join(", ")} }, document${
      pin ? `, pinnedChainCheck(${JSON.stringify(pin)})` : ""
    });`,
    `registerServiceWorker();`,
  ].join("\n");
  const dir = await Deno.makeTempDir({ prefix: "mesh3-bundle-" });
  try {
    await Deno.writeTextFile(`${dir}/islands.ts`, entry + "\n");
    const args = ["bundle", "--config", `${PROJECT_ROOT}deno.json`, "--platform=browser"];
    if (opts.minify ?? true) args.push("--minify");
    if (split) args.push("--code-splitting", "--outdir", `${dir}/out`);
    else args.push("-o", `${dir}/out/${ENTRY}`);
    args.push(`${dir}/islands.ts`);
    await runDeno(args, "Cannot bundle the islands: deno bundle failed");
    // The workers: one classic script each, nothing shared with the page's modules.
    const [serviceWorker, fileWriter] = await Promise.all(
      [["service_worker", "the service worker"], ["file_writer", "the file writer"]].map(
        async ([name, what]) => {
          const out = `${dir}/workers/${name}.js`;
          await runDeno([
            "bundle",
            "--config",
            `${PROJECT_ROOT}deno.json`,
            "--platform=browser",
            ...(opts.minify ?? true ? ["--minify"] : []),
            "-o",
            out,
            new URL(`../../browser/${name}.ts`, import.meta.url).pathname,
          ], `Cannot bundle ${what}: deno bundle failed`);
          return await Deno.readFile(out);
        },
      ),
    );
    const files = new Map<string, Uint8Array>();
    for await (const e of Deno.readDir(`${dir}/out`)) {
      if (e.isFile && e.name.endsWith(".js")) {
        files.set(e.name, await Deno.readFile(`${dir}/out/${e.name}`));
      }
    }
    if (!files.has(ENTRY)) throw new Error("Cannot bundle the islands: no entry file was written");
    const islandChunks = new Map<string, string>();
    if (split) {
      for (const { name } of islands) {
        const found = [...files.keys()].filter((f) => new RegExp(`^${name}-\\w+\\.js$`).test(f));
        if (found.length !== 1) {
          throw new Error(`Cannot bundle the islands: ${found.length} chunks for island ${name}`);
        }
        islandChunks.set(name, found[0]);
      }
    }
    return { entry: ENTRY, files, islandChunks, serviceWorker, fileWriter };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/**
 * Runs this Deno with `args` in the project root; when it fails, throws `failure` followed by the
 * end of its error output.
 *
 * @example
 * ```ts ignore
 * await runDeno(["bundle", "-o", "out.js", "in.ts"], "Cannot bundle in.ts: deno bundle failed");
 * ```
 */
export async function runDeno(args: string[], failure: string): Promise<void> {
  const out = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: PROJECT_ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) {
    const detail = new TextDecoder().decode(out.stderr).trim().split("\n").slice(-15).join("\n");
    throw new Error(`${failure}:\n${detail}`);
  }
}

/**
 * Names of the chunks a module imports statically (`import … from "./x.js"`, `import "./x.js"`),
 * not those it loads with `import()`: what must arrive before it runs.
 *
 * @example
 * ```ts
 * import { staticImports } from "./bundle.ts";
 * staticImports('import{a}from"./chunk-A.js";import"./chunk-B.js";import("./Home-C.js")');
 * // ["chunk-A.js", "chunk-B.js"]
 * ```
 */
export function staticImports(code: string): string[] {
  const names = new Set<string>();
  for (const m of code.matchAll(/(?:\bfrom|\bimport)\s*"\.\/([\w.-]+\.js)"/g)) names.add(m[1]);
  return [...names];
}
