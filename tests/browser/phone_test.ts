/**
 * Phones and tablets in real Chromium: screenshots at 390×844 and 768×1024 of room creation, the
 * QR code, the chat and the safety number go to test-results/ (to be looked at); at each size no
 * control is smaller than 44×44 px to touch, nothing is wider than the screen, and the composer
 * stays in view when the on-screen keyboard shrinks the viewport.
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { connectWallet, joinAndTalk, person, RESULTS, shot } from "./app_flow.ts";
import { withChromiumApp } from "./chromium_bed.ts";

const SIZES = [
  { name: "phone", width: 390, height: 844 },
  { name: "tablet", width: 768, height: 1024 },
] as const;

/** Visible, enabled controls smaller than 44×44 px, and whether the page scrolls sideways. */
function layoutProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const controls = document.querySelectorAll<HTMLElement>(
      "a[href], button, input:not([type=hidden]), select, textarea, summary",
    );
    for (const el of controls) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0 || el.matches(":disabled")) continue;
      if (el.closest(".sr-only") || el.classList.contains("sr-only")) continue;
      // A control inside a label counts by its label (the label is what one touches).
      const target = (el.closest("label") ?? el).getBoundingClientRect();
      if (target.width < 44 || target.height < 44) {
        const name = el.dataset.testid ?? el.getAttribute("aria-label") ??
          `${el.tagName.toLowerCase()} "${(el.textContent ?? "").trim().slice(0, 24)}"`;
        problems.push(`${name}: ${Math.round(target.width)}×${Math.round(target.height)}`);
      }
    }
    if (document.documentElement.scrollWidth > innerWidth + 1) {
      problems.push(`page is ${document.documentElement.scrollWidth} px wide on ${innerWidth}`);
    }
    return problems;
  });
}

Deno.test("phone: layouts at 390×844 and 768×1024, touch targets, composer above the keyboard", async (t) => {
  await Deno.mkdir(RESULTS, { recursive: true });
  await withChromiumApp(async ({ chain, app, browser }) => {
    for (const size of SIZES) {
      await t.step(`${size.name} ${size.width}×${size.height}`, async () => {
        const viewport = { width: size.width, height: size.height };
        const problems: string[] = [];
        const check = async (page: Page, state: string) => {
          for (const p of await layoutProblems(page)) problems.push(`${state}: ${p}`);
        };
        const alice = await person(browser, chain, size.name === "phone" ? 1 : 3);
        const bob = await person(browser, chain, size.name === "phone" ? 2 : 4);
        try {
          for (const p of [alice.page, bob.page]) await p.setViewportSize(viewport);
          await alice.page.goto(app.url);
          await connectWallet(alice.page);
          await alice.page.getByTestId("access-members").check();
          await alice.page.getByTestId("members-input").fill(bob.address);
          await shot(alice.page, `${size.name}-create-room`);
          await check(alice.page, "creating a room");
          await alice.page.getByTestId("create-button").click();
          await alice.page.getByTestId("room-qr").waitFor();
          await shot(alice.page, `${size.name}-room-created-qr`);
          await check(alice.page, "room created");
          await alice.page.getByTestId("open-room").click();
          await alice.page.getByTestId("join-room").click();
          const link = alice.page.url();
          await joinAndTalk(alice.page, bob.page, link, [
            "Hello from a phone-sized screen",
            "Looks fine here",
          ]);
          await shot(bob.page, `${size.name}-chat`);
          await bob.page.getByTestId("safety-number").scrollIntoViewIfNeeded();
          await shot(bob.page, `${size.name}-safety-number`);
          await check(bob.page, "chat");
          // The on-screen keyboard takes about 40% of the height: the composer being typed in
          // is brought back into view (scrolled to the top first, as after reading old messages).
          await bob.page.evaluate(() => scrollTo(0, 0));
          await bob.page.evaluate(() =>
            document.querySelector<HTMLElement>('[data-testid="composer"]')!.focus({
              preventScroll: true,
            })
          );
          await bob.page.setViewportSize({
            width: size.width,
            height: Math.round(size.height * 0.6),
          });
          await bob.page.waitForFunction(
            () => {
              const r = document.querySelector('[data-testid="composer"]')!.getBoundingClientRect();
              return r.top >= 0 && r.bottom <= innerHeight;
            },
            null,
            { timeout: 5_000 },
          );
          await shot(bob.page, `${size.name}-keyboard-open`);
          assert.deepEqual(problems, []);
        } finally {
          await alice.page.context().close();
          await bob.page.context().close();
        }
      });
    }
  });
});
