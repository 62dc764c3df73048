/**
 * Browsers inside a home namespace. Playwright stays in the root namespace and talks to the
 * browser over pipes; the executable it starts is a one-line wrapper that enters the home
 * namespace first (`ip netns exec <home> /usr/bin/chromium "$@"`). The lab's test CA is trusted
 * by these browsers only: Chromium gets the SPKI hashes of the lab's certificates
 * (`--ignore-certificate-errors-spki-list`), which covers HTTPS and TURN over TLS.
 *
 * Launching is pluggable ({@linkcode BrowserLauncher}): a Firefox launcher can join once its
 * harness exists; the trial code only needs a Playwright-like `Browser`.
 * @module
 */
import { type Browser, chromium } from "playwright-core";
import { CHROMIUM_ARGS, CHROMIUM_PATH } from "../tests/browser/chromium.ts";
import type { LabCerts } from "./certs.ts";

/** Starts one browser inside a namespace. */
export interface BrowserLauncher {
  /** Name in the report, e.g. "chromium". */
  name: string;
  launch(ns: string, certs: LabCerts, scratch: string): Promise<Browser>;
}

async function wrapper(scratch: string, ns: string, exe: string): Promise<string> {
  const path = `${scratch}/${ns}-${exe.split("/").pop()}.sh`;
  await Deno.writeTextFile(path, `#!/bin/sh\nexec ip netns exec '${ns}' '${exe}' "$@"\n`);
  await Deno.chmod(path, 0o755);
  return path;
}

/** Headless Chromium (`/usr/bin/chromium`) through Playwright. */
export const chromiumLauncher: BrowserLauncher = {
  name: "chromium",
  async launch(ns, certs, scratch) {
    return await chromium.launch({
      executablePath: await wrapper(scratch, ns, CHROMIUM_PATH),
      headless: true,
      args: [
        ...CHROMIUM_ARGS,
        `--ignore-certificate-errors-spki-list=${certs.leafSpki},${certs.caSpki}`,
      ],
    });
  },
};
