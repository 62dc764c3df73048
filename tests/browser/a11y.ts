/**
 * Accessibility checks for the browser tests: axe-core (`@axe-core/playwright`, WCAG 2.0/2.1/2.2
 * A and AA rules, best practices) over a page as it is, and keyboard reachability of its controls.
 * @module
 */
import AxeBuilder from "@axe-core/playwright";
import type { Page } from "playwright-core";

/** One axe violation, reduced to what a failing test should print. */
export interface A11yViolation {
  id: string;
  impact: string;
  help: string;
  targets: string[];
}

/**
 * Runs axe over the page and returns the serious and critical violations (empty when none).
 *
 * @example
 * ```ts ignore
 * assert.deepEqual(await seriousViolations(page), []);
 * ```
 */
export async function seriousViolations(page: Page): Promise<A11yViolation[]> {
  const result = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"])
    .analyze();
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => ({
      id: v.id,
      impact: v.impact ?? "",
      help: v.help,
      targets: v.nodes.map((n) => n.target.join(" ")).slice(0, 5),
    }));
}

/**
 * Presses Tab from the top of the page (at most `limit` times) and returns the test ids (or
 * tag and text) of the enabled, visible controls focus never reached: empty when every control
 * can be reached by keyboard.
 *
 * @example
 * ```ts ignore
 * assert.deepEqual(await unreachableByKeyboard(page), []);
 * ```
 */
export async function unreachableByKeyboard(page: Page, limit = 80): Promise<string[]> {
  await page.evaluate(() => {
    (document.activeElement as HTMLElement | null)?.blur();
    const w = globalThis as unknown as { __mesh3Focused: Set<Element> };
    w.__mesh3Focused = new Set();
    document.addEventListener("focusin", (e) => w.__mesh3Focused.add(e.target as Element), true);
  });
  for (let i = 0; i < limit; i++) await page.keyboard.press("Tab");
  return await page.evaluate(() => {
    const w = globalThis as unknown as { __mesh3Focused: Set<Element> };
    const controls = document.querySelectorAll<HTMLElement>(
      "a[href], button, input, select, textarea, [tabindex]:not([tabindex='-1'])",
    );
    const missed: string[] = [];
    for (const el of controls) {
      const disabled = el.matches(":disabled");
      const rect = el.getBoundingClientRect();
      const hidden = rect.width === 0 && rect.height === 0;
      if (disabled || hidden || w.__mesh3Focused.has(el)) continue;
      // Tab reaches one radio of a group; arrow keys move within it.
      const group = el instanceof HTMLInputElement && el.type === "radio" && el.name
        ? [...document.querySelectorAll(`input[type=radio][name="${CSS.escape(el.name)}"]`)]
        : [];
      if (group.some((r) => w.__mesh3Focused.has(r))) continue;
      missed.push(
        el.dataset.testid ?? `${el.tagName.toLowerCase()} "${el.textContent?.trim().slice(0, 30)}"`,
      );
    }
    return missed;
  });
}
