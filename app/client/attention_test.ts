import assert from "node:assert/strict";
import type { Address } from "viem";
import {
  Attention,
  type AttentionEnv,
  NOTIFICATION_BODY_PRIVATE,
  NOTIFICATION_TITLE,
} from "./attention.ts";
import { Emitter } from "./emitter.ts";
import type { SessionEvents } from "./room_session.ts";

const BOB = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8" as Address;

/** A page whose visibility the test sets, and the notifications shown. */
function bed(permission: NotificationPermission = "default", answer = permission) {
  const doc = Object.assign(new EventTarget(), { hidden: false, title: "Room · Mesh3" });
  const shown: [string, string][] = [];
  let asked = 0;
  let current = permission;
  const env: AttentionEnv = {
    doc: doc as unknown as AttentionEnv["doc"],
    permission: () => current,
    requestPermission: () => {
      asked++;
      current = answer;
      return Promise.resolve(answer);
    },
    show: (title, body) => {
      shown.push([title, body]);
      return Promise.resolve();
    },
  };
  const events = new Emitter<SessionEvents>();
  const attention = new Attention({ events }, env);
  const text = (t: string) =>
    events.emit("text", {
      id: crypto.randomUUID(),
      from: BOB,
      text: t,
      sentAt: Date.now(),
      roster: `0x${"ab".repeat(32)}`,
    });
  const setHidden = (hidden: boolean) => {
    doc.hidden = hidden;
    doc.dispatchEvent(new Event("visibilitychange"));
  };
  return { doc, shown, attention, text, setHidden, asked: () => asked };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

Deno.test("Attention: counts unread texts in the title only while the page is hidden", async () => {
  localStorage.clear();
  const b = bed();
  b.text("seen at once");
  assert.equal(b.doc.title, "Room · Mesh3");
  b.setHidden(true);
  b.text("one");
  b.text("two");
  await tick();
  assert.equal(b.doc.title, "(2) Room · Mesh3");
  assert.equal(b.attention.unread.value, 2);
  b.setHidden(false);
  assert.equal(b.doc.title, "Room · Mesh3");
  b.attention.dispose();
});

Deno.test("Attention: no notification and no permission prompt without the person's opt-in", async () => {
  localStorage.clear();
  const b = bed("granted");
  b.setHidden(true);
  b.text("secret");
  await tick();
  assert.deepEqual(b.shown, []);
  assert.equal(b.asked(), 0);
  b.attention.dispose();
});

Deno.test("Attention: after opting in, notifications say a message came, without its text", async () => {
  localStorage.clear();
  const b = bed("default", "granted");
  assert.equal(await b.attention.enable(), true);
  assert.equal(b.asked(), 1);
  b.text("not while visible");
  b.setHidden(true);
  b.text("the secret plan");
  await tick();
  assert.deepEqual(b.shown, [[NOTIFICATION_TITLE, NOTIFICATION_BODY_PRIVATE]]);
  assert.ok(!JSON.stringify(b.shown).includes("secret"));
  b.attention.setShowText(true);
  b.text("now with text");
  await tick();
  assert.deepEqual(b.shown[1], [NOTIFICATION_TITLE, "0x7099…79C8: now with text"]);
  // The choices are remembered for the next room.
  assert.deepEqual(bed().attention.prefs.value, { notify: true, showText: true });
  b.attention.disable();
  b.text("after turning off");
  await tick();
  assert.equal(b.shown.length, 2);
  b.attention.dispose();
});

Deno.test("Attention: error: a refused permission leaves notifications off and says so", async () => {
  localStorage.clear();
  const b = bed("default", "denied");
  assert.equal(await b.attention.enable(), false);
  assert.equal(b.attention.permission.value, "denied");
  assert.equal(b.attention.prefs.value.notify, false);
  b.setHidden(true);
  b.text("x");
  await tick();
  assert.deepEqual(b.shown, []);
  assert.equal(b.doc.title, "(1) Room · Mesh3");
  b.attention.dispose();
  assert.equal(b.doc.title, "Room · Mesh3");
});
