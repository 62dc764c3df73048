/**
 * Renders the app icon (`app/static/icon.svg`) to the PNG sizes the web app manifest lists
 * (`app/static/icon-192.png`, `icon-512.png`) with the machine's headless Chromium. Run by hand
 * after changing the icon; the PNGs are committed.
 *
 * @example
 * ```sh
 * deno run -A scripts/icons.ts
 * ```
 * @module
 */
import { chromium } from "playwright-core";

const STATIC = new URL("../app/static/", import.meta.url);

/** The icon sizes of the manifest, in CSS pixels (device scale 1). */
export const ICON_SIZES: readonly number[] = [192, 512];

if (import.meta.main) {
  const svg = await Deno.readTextFile(new URL("icon.svg", STATIC));
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run"],
  });
  try {
    for (const size of ICON_SIZES) {
      const page = await browser.newPage({ viewport: { width: size, height: size } });
      const img = `data:image/svg+xml;base64,${btoa(svg)}`;
      await page.setContent(
        `<body style="margin:0"><img src="${img}" width="${size}" height="${size}"></body>`,
      );
      await page.locator("img").screenshot({
        path: new URL(`icon-${size}.png`, STATIC).pathname,
        omitBackground: false,
      });
      await page.close();
    }
  } finally {
    await browser.close();
  }
}
