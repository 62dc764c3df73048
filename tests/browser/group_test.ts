/**
 * Group consistency in real Chromium (docs/PROTOCOL.md section 12): three people in one room with
 * the real app, server and chain. An honest text reaches both peers, is delivered to both and
 * raises nothing. Then Alice's page turns hostile: it rewrites the text of every second copy it
 * encodes (so Bob and Carol get different texts under one id, each correctly sealed to them), and
 * both Bob's and Carol's pages show the warning under that text.
 */
import assert from "node:assert/strict";
import {
  createRoom,
  joinRoom,
  person,
  RESULTS,
  sendMessage,
  shot,
  theirMessage,
  unexpected,
  waitForOpenPeers,
} from "./app_flow.ts";
import { withChromiumApp } from "./chromium_bed.ts";

Deno.test("group: a sender showing two peers different texts is flagged on both pages", async (t) => {
  await Deno.mkdir(RESULTS, { recursive: true });
  await withChromiumApp(async ({ chain, app, browser }) => {
    const [alice, bob, carol] = await Promise.all(
      [1, 2, 3].map((n) => person(browser!, chain, n)),
    );
    const people = [alice, bob, carol];

    await t.step("three people join and each verifies the two others", async () => {
      const link = await createRoom(alice.page, app.url);
      await alice.page.goto(link);
      await alice.page.getByTestId("join-room").click();
      await Promise.all([joinRoom(bob.page, link), joinRoom(carol.page, link)]);
      const pages = people.map((p) => p.page);
      for (const p of pages) await waitForOpenPeers(p, 2, pages);
    });

    await t.step("an honest text reaches both, is delivered, and warns nobody", async () => {
      await sendMessage(alice.page, "Hello both of you.");
      for (const p of [bob, carol]) await theirMessage(p.page, "Hello both of you.").waitFor();
      await alice.page.locator('[data-testid="message"][data-status="delivered"]').waitFor();
      // Every receipt is echoed to the third member too; give them time to cross.
      await new Promise((r) => setTimeout(r, 1_000));
      for (const p of people) assert.equal(await p.page.getByTestId("message-warning").count(), 0);
    });

    await t.step(
      "Alice's page sends different texts under one id: both peers are warned",
      async () => {
        // Hostile page: every second text copy it encodes says something else.
        await alice.page.evaluate(() => {
          const stringify = JSON.stringify;
          let copies = 0;
          JSON.stringify = function (value: unknown, ...rest: unknown[]) {
            const v = value as { type?: string; text?: string; roster?: string };
            if (v && v.type === "text" && typeof v.roster === "string" && copies++ % 2 === 1) {
              value = { ...v, text: `${v.text} (not 9 but 11)` };
            }
            return stringify(value, ...(rest as []));
          } as typeof JSON.stringify;
        });
        await sendMessage(alice.page, "The meeting is at 9.");
        const texts: string[] = [];
        for (const p of [bob, carol]) {
          const message = theirMessage(p.page, "The meeting is at").filter({
            has: p.page.getByTestId("message-warning"),
          });
          await message.waitFor();
          texts.push(await message.getByTestId("message-text").innerText());
          assert.match(
            await message.getByTestId("message-warning").first().innerText(),
            /got a different message from 0x[0-9a-fA-F]{4}…[0-9a-fA-F]{4} under this id/,
          );
        }
        assert.deepEqual(texts.sort(), [
          "The meeting is at 9.",
          "The meeting is at 9. (not 9 but 11)",
        ]);
        await shot(bob.page, "group-01-equivocation-bob");
      },
    );

    for (const p of people) assert.deepEqual(unexpected(p.problems), []);
  });
});
