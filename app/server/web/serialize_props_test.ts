import assert from "node:assert/strict";
import { signal } from "@preact/signals";
import { h } from "preact";
import { isJsx, IslandPropError, jsonForScript, PropsEncoder } from "./serialize_props.ts";
import { reviveProps } from "../../browser/revive.ts";

Deno.test("PropsEncoder: plain JSON props pass through, undefined is dropped", () => {
  const enc = new PropsEncoder();
  const i = enc.add(
    "A",
    { s: "x", n: 1.5, b: true, z: null, u: undefined, a: [1, { k: "v" }] },
    [],
  );
  assert.equal(i, 0);
  assert.deepEqual(enc.payload(), {
    v: 1,
    signals: [],
    islands: [{ name: "A", props: { s: "x", n: 1.5, b: true, z: null, a: [1, { k: "v" }] } }],
  });
});

Deno.test("PropsEncoder: one signal given to two islands is sent once", () => {
  const shared = signal(7);
  const other = signal("x");
  const enc = new PropsEncoder();
  enc.add("A", { count: shared, nested: { again: shared } }, []);
  enc.add("B", { count: shared, other }, []);
  const p = enc.payload();
  assert.deepEqual(p.signals, [7, "x"]);
  assert.deepEqual(p.islands[0].props, {
    count: { $signal: 0 },
    nested: { again: { $signal: 0 } },
  });
  assert.deepEqual(p.islands[1].props, { count: { $signal: 0 }, other: { $signal: 1 } });
});

Deno.test("PropsEncoder: keys starting with $ are escaped and come back unchanged", () => {
  const enc = new PropsEncoder();
  enc.add("A", { $signal: 3, obj: { $slot: "x", $$y: 1 } }, []);
  const p = enc.payload();
  assert.deepEqual(p.islands[0].props, { $$signal: 3, obj: { $$slot: "x", $$$y: 1 } });
  const [back] = reviveProps(JSON.parse(JSON.stringify(p)), () => null);
  assert.deepEqual(back.props, { $signal: 3, obj: { $slot: "x", $$y: 1 } });
});

Deno.test("reviveProps: signals become one shared Signal per server signal", () => {
  const s = signal({ n: 1 });
  const enc = new PropsEncoder();
  enc.add("A", { s }, []);
  enc.add("B", { list: [s] }, []);
  const [a, b] = reviveProps(JSON.parse(jsonForScript(enc.payload())), () => null);
  const sa = a.props.s as { value: unknown };
  const sb = (b.props.list as { value: unknown }[])[0];
  assert.equal(sa, sb);
  assert.deepEqual(sa.value, { n: 1 });
  sa.value = 2;
  assert.equal(sb.value, 2);
});

Deno.test("reviveProps: a slot becomes a <mesh3-slot> holding the server HTML", () => {
  const enc = new PropsEncoder();
  enc.add("A", { children: h("b", null, "x") }, ["children"]);
  const [a] = reviveProps(enc.payload(), (id) => id === "0:children" ? "<b>x</b>" : null);
  const vnode = a.props.children as { type: string; props: Record<string, unknown> };
  assert.equal(vnode.type, "mesh3-slot");
  assert.deepEqual(vnode.props["dangerouslySetInnerHTML"], { __html: "<b>x</b>" });
});

Deno.test("reviveProps: error: refuses another payload version", () => {
  assert.throws(
    () => reviveProps({ v: 2, signals: [], islands: [] }, () => null),
    { name: "Error", message: "Cannot boot islands: payload version 2 is not 1" },
  );
});

Deno.test("PropsEncoder: error: values JSON cannot carry are refused, naming island and path", () => {
  class Thing {}
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  const cases: [string, unknown, string][] = [
    ["fn", () => 1, "prop fn is a function; functions cannot be sent to the browser"],
    ["big", { at: 1n }, "prop big.at is a bigint, which JSON cannot carry (send a decimal string)"],
    ["date", new Date(0), "prop date is a Date; only plain objects and arrays can be sent"],
    ["map", [new Map()], "prop map.0 is a Map; only plain objects and arrays can be sent"],
    ["inst", new Thing(), "prop inst is a Thing; only plain objects and arrays can be sent"],
    [
      "bytes",
      new Uint8Array(2),
      "prop bytes is a Uint8Array; only plain objects and arrays can be sent",
    ],
    ["nan", NaN, "prop nan is not a finite number"],
    ["inf", { x: Infinity }, "prop inf.x is not a finite number"],
    ["sym", Symbol("s"), "prop sym is a symbol; symbols cannot be sent to the browser"],
    ["loop", cyclic, "prop loop.self refers to itself (cycle)"],
    [
      "deep",
      { el: h("i", null) },
      "prop deep.el is JSX nested inside another prop (only top-level)",
    ],
    [
      "sig",
      signal(() => 1),
      "prop sig.value is a function; functions cannot be sent to the browser",
    ],
  ];
  for (const [key, value, message] of cases) {
    assert.throws(() => new PropsEncoder().add("Room", { [key]: value }, []), {
      name: "IslandPropError",
      message: `Cannot render island Room: ${message}`,
    });
  }
  assert.ok(new IslandPropError("A", "b", "c") instanceof Error);
});

Deno.test("isJsx: elements and arrays of them are JSX, signals and strings are not", () => {
  assert.equal(isJsx(h("b", null)), true);
  assert.equal(isJsx(["text", h("b", null)]), true);
  assert.equal(isJsx("text"), false);
  assert.equal(isJsx(signal(1)), false);
  assert.equal(isJsx({ type: "b" }), false);
});

Deno.test("jsonForScript: no </script>, <!-- or line separators survive, and it parses back", () => {
  const hostile = {
    a: "</script><script>alert(1)</script>",
    b: "<!-- <script>",
    c: "&amp; > \u2028\u2029",
    "</SCRIPT>": "</ScRiPt >",
  };
  const text = jsonForScript(hostile);
  assert.doesNotMatch(text, /<|>|&|\u2028|\u2029/);
  assert.deepEqual(JSON.parse(text), hostile);
});
