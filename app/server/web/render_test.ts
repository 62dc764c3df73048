import assert from "node:assert/strict";
import { signal } from "@preact/signals";
import { type ComponentChildren, h } from "preact";
import { registerIsland } from "./island_registry.ts";
import { renderPage } from "./render.tsx";
import type { IslandsPayload } from "../../shared/islands_format.ts";

function Card(props: { title: string; extra?: unknown; children?: ComponentChildren }) {
  return h("div", { class: "card" }, h("b", null, props.title), props.children);
}
function Hidden(props: { footer?: ComponentChildren; n: number }) {
  return h("p", null, `n=${props.n}`);
}
function Plain(props: { children?: ComponentChildren }) {
  return h("section", null, props.children);
}
registerIsland("Card", Card);
registerIsland("Hidden", Hidden);

const OPTS = { islandsScript: "/static/build/islands-abc.js" };
const doc = (...children: ComponentChildren[]) =>
  h("html", null, h("head", null), h("body", null, ...children));

function payloadOf(html: string): IslandsPayload {
  const m = html.match(/<script type="application\/json" id="__mesh3_islands">(.*?)<\/script>/);
  assert.ok(m, "payload script present");
  return JSON.parse(m[1]);
}

Deno.test("renderPage: a page without islands ships no script", () => {
  const html = renderPage(doc(h(Plain, null, h("p", null, "hi"))), OPTS);
  assert.equal(
    html,
    "<!DOCTYPE html><html><head></head><body><section><p>hi</p></section></body></html>",
  );
});

Deno.test("renderPage: an island is wrapped, its props sent once, the boot script added", () => {
  const html = renderPage(doc(h(Plain, null, h(Card, { title: "One" }))), OPTS);
  assert.match(
    html,
    /<section><mesh3-island data-island="0"><div class="card"><b>One<\/b><\/div><\/mesh3-island><\/section>/,
  );
  assert.deepEqual(payloadOf(html), {
    v: 1,
    signals: [],
    islands: [{ name: "Card", props: { title: "One" } }],
  });
  assert.match(
    html,
    /<script type="module" src="\/static\/build\/islands-abc\.js"><\/script><\/body>/,
  );
  assert.equal(html.match(/<script/g)?.length, 2);
});

Deno.test("renderPage: the module script carries its Subresource Integrity value", () => {
  const integrity = "sha384-" + "A".repeat(64);
  const html = renderPage(doc(h(Card, { title: "One" })), { ...OPTS, integrity });
  assert.match(
    html,
    new RegExp(
      `<script type="module" src="/static/build/islands-abc\\.js" integrity="${integrity}">`,
    ),
  );
});

Deno.test("renderPage: module preloads only for the islands the page shows, each once", () => {
  const preload = new Map([
    ["Card", ["/static/build/Card-AAAA.js", "/static/build/chunk-S.js"]],
    ["Hidden", ["/static/build/Hidden-BBBB.js", "/static/build/chunk-S.js"]],
  ]);
  const html = renderPage(doc(h(Card, { title: "a" }), h(Card, { title: "b" })), {
    ...OPTS,
    preload,
  });
  const links = [...html.matchAll(/<link rel="modulepreload" href="([^"]+)"\/>/g)].map((m) => m[1]);
  assert.deepEqual(links, ["/static/build/Card-AAAA.js", "/static/build/chunk-S.js"]);
  assert.ok(html.indexOf("modulepreload") < html.indexOf('<script type="module"'));
  const none = renderPage(doc(h("p", null, "static")), { ...OPTS, preload });
  assert.doesNotMatch(none, /modulepreload/);
});

Deno.test("renderPage: the import map of module integrity comes before any module; each preload carries its chunk's value", () => {
  const importMap = '{"integrity":{"/static/build/Card-AAAA.js":"sha384-x"}}';
  const html = renderPage(doc(h(Card, { title: "a" })), {
    ...OPTS,
    preload: new Map([["Card", ["/static/build/Card-AAAA.js"]]]),
    moduleIntegrity: new Map([["/static/build/Card-AAAA.js", "sha384-x"]]),
    importMap,
  });
  const at = html.indexOf(`<script type="importmap">${importMap}</script>`);
  assert.ok(at > 0);
  assert.ok(at < html.indexOf("modulepreload") && at < html.indexOf('<script type="module"'));
  assert.match(
    html,
    /<link rel="modulepreload" href="\/static\/build\/Card-AAAA\.js" integrity="sha384-x"\/>/,
  );
  const none = renderPage(doc(h("p", null, "static")), { ...OPTS, importMap });
  assert.doesNotMatch(none, /importmap/);
});

Deno.test("renderPage: </script> and <!-- in props cannot break out of the payload", () => {
  const hostile = "</script><script>alert(1)</script><!--<script>";
  const html = renderPage(doc(h(Card, { title: "x", extra: { hostile, [hostile]: 1 } })), OPTS);
  // Exactly the two script elements we write, each closed once.
  assert.equal(html.match(/<script/gi)?.length, 2);
  assert.equal(html.match(/<\/script/gi)?.length, 2);
  assert.equal(html.includes("<!--"), false);
  assert.deepEqual(payloadOf(html).islands[0].props.extra, { hostile, [hostile]: 1 });
});

Deno.test("renderPage: islands inside islands are not marked; inside slots they are", () => {
  const html = renderPage(
    doc(
      h(
        Card,
        { title: "outer" },
        h("i", null, "slotted"),
        h(Card, { title: "in slot" }),
      ),
    ),
    OPTS,
  );
  assert.match(html, /<mesh3-island data-island="0">.*<mesh3-slot data-slot="0:children">/);
  assert.match(
    html,
    /<mesh3-slot data-slot="0:children"><i>slotted<\/i><mesh3-island data-island="1">/,
  );
  const p = payloadOf(html);
  assert.deepEqual(p.islands.map((i) => i.name), ["Card", "Card"]);
  assert.deepEqual(p.islands[0].props.children, { $slot: "children" });

  function Outer() {
    return h(Card, { title: "rendered by an island" });
  }
  registerIsland("Outer", Outer);
  const nested = renderPage(doc(h(Outer, null)), OPTS);
  assert.equal(nested.match(/<mesh3-island/g)?.length, 1);
  assert.deepEqual(payloadOf(nested).islands, [{ name: "Outer", props: {} }]);
});

Deno.test("renderPage: JSX an island does not render is kept in a <template>", () => {
  const html = renderPage(doc(h(Hidden, { n: 1, footer: h("small", null, "later") })), OPTS);
  assert.match(html, /<template data-slot="0:footer"><small>later<\/small><\/template>/);
  assert.deepEqual(payloadOf(html).islands[0].props, { n: 1, footer: { $slot: "footer" } });
});

Deno.test("renderPage: a signal given to two islands is one entry of the payload", () => {
  const s = signal(41);
  const html = renderPage(
    doc(h(Card, { title: "a", extra: s }), h(Card, { title: "b", extra: s })),
    OPTS,
  );
  const p = payloadOf(html);
  assert.deepEqual(p.signals, [41]);
  assert.deepEqual(p.islands.map((i) => i.props.extra), [{ $signal: 0 }, { $signal: 0 }]);
});

Deno.test("renderPage: error: a function prop fails the render with a clear message", () => {
  assert.throws(() => renderPage(doc(h(Card, { title: "x", extra: () => 1 })), OPTS), {
    name: "IslandPropError",
    message:
      "Cannot render island Card: prop extra is a function; functions cannot be sent to the browser",
  });
  // The failed render leaves no state behind: the next page renders normally.
  assert.doesNotMatch(renderPage(doc(h("p", null)), OPTS), /script/);
});
