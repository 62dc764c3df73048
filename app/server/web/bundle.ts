/**
 * Bundles the islands and their boot code for browsers with `deno bundle` (esbuild inside).
 * @module
 */
import { type IslandFile, listIslandFiles } from "./island_registry.ts";

/** Root of the project (holds deno.json). */
export const PROJECT_ROOT: string = new URL("../../../", import.meta.url).pathname;

/** Options of {@linkcode bundleIslands}. */
export interface BundleIslandsOptions {
  /** Island files; default: every `app/islands/*.tsx`. */
  islands?: IslandFile[];
  /** Minify the output (default true). */
  minify?: boolean;
  /** The chain id and registry built into the bundle; the page refuses props naming others
   * (app/browser/pinned_chain.ts). None: no check (fixture islands). */
  pin?: { chainId: number; registry: string };
}

/**
 * Generates the entry `import { boot } …; import Home from …; boot({ Home, … })` and bundles it
 * into one browser ES module. Returns the module's text.
 *
 * @example
 * ```ts ignore
 * import { bundleIslands } from "./bundle.ts";
 * const js = await bundleIslands(); // "var p,Le,…"
 * ```
 */
export async function bundleIslands(opts: BundleIslandsOptions = {}): Promise<string> {
  const islands = opts.islands ?? await listIslandFiles();
  const boot = new URL("../../browser/boot.ts", import.meta.url).href;
  const pinned = new URL("../../browser/pinned_chain.ts", import.meta.url).href;
  const pin = opts.pin
    ? { chainId: opts.pin.chainId, registry: opts.pin.registry.toLowerCase() }
    : undefined;
  const entry = [
    `import { boot } from ${JSON.stringify(boot)};`,
    ...(pin ? [`import { pinnedChainCheck } from ${JSON.stringify(pinned)};`] : []),
    ...islands.map((i) => `import ${i.name} from ${JSON.stringify(`file://${i.path}`)};`),
    `boot({ ${islands.map((i) => i.name).join(", ")} }, document${
      pin ? `, pinnedChainCheck(${JSON.stringify(pin)})` : ""
    });`,
  ].join("\n");
  const dir = await Deno.makeTempDir({ prefix: "mesh3-bundle-" });
  try {
    await Deno.writeTextFile(`${dir}/entry.ts`, entry + "\n");
    const args = ["bundle", "--config", `${PROJECT_ROOT}deno.json`, "--platform=browser"];
    if (opts.minify ?? true) args.push("--minify");
    args.push("-o", `${dir}/out.js`, `${dir}/entry.ts`);
    const out = await new Deno.Command(Deno.execPath(), {
      args,
      cwd: PROJECT_ROOT,
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!out.success) {
      const detail = new TextDecoder().decode(out.stderr).trim().split("\n").slice(-15).join("\n");
      throw new Error(`Cannot bundle the islands: deno bundle failed:\n${detail}`);
    }
    return await Deno.readTextFile(`${dir}/out.js`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
