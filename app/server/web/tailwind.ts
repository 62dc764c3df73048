/**
 * Builds the stylesheet with the Tailwind CSS v4 CLI (npm:@tailwindcss/cli, run by Deno).
 * @module
 */
import { PROJECT_ROOT, runDeno } from "./bundle.ts";

/** The Tailwind input stylesheet (its `@source` lines are relative to it). */
export const TAILWIND_INPUT: string = `${PROJECT_ROOT}app/static/styles.css`;
const CLI = "npm:@tailwindcss/cli@4.3.5";

/** Options of {@linkcode buildTailwind}. */
export interface BuildTailwindOptions {
  /** Input CSS file; default {@linkcode TAILWIND_INPUT}. */
  input?: string;
  /** Minify the output (default true). */
  minify?: boolean;
}

/**
 * Runs the Tailwind CLI on the input stylesheet and returns the generated CSS.
 *
 * @example
 * ```ts ignore
 * import { buildTailwind } from "./tailwind.ts";
 * const css = await buildTailwind(); // "/*! tailwindcss v4.3.5 …"
 * ```
 */
export async function buildTailwind(opts: BuildTailwindOptions = {}): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "mesh3-css-" });
  try {
    const args = ["run", "-A", CLI, "-i", opts.input ?? TAILWIND_INPUT, "-o", `${dir}/out.css`];
    if (opts.minify ?? true) args.push("--minify");
    await runDeno(args, "Cannot build the stylesheet: the Tailwind CLI failed");
    return await Deno.readTextFile(`${dir}/out.css`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
