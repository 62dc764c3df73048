import assert from "node:assert/strict";
import { unexpected } from "./app_flow.ts";

const URL_A = "http://127.0.0.1:1/static/build/browser-AQOZO6GE.js";
const aborted = (url: string) => `requestfailed: ${url} NS_BINDING_ABORTED`;
/** SHA-384 of no bytes, and of some bytes. */
const NOTHING = "OLBgp1GsljhM2TJ+sbHjaiH9txEUvgdDTAzHv2P24donTt6/529l+9Ua0vFImLlb";
const SOME = "+GHDcy+Zpmonvw0ZD9caiOB96OyTqfxFspJR2LpiOpS0nZRLNpyufiNek+BM+p6C";
const sriMismatch = (url: string, q: [string, string] = ["“", "”"], hash = SOME) =>
  `pageerror: None of the ${q[0]}sha384${q[1]} hashes in the integrity attribute match the ` +
  `content of the subresource at ${q[0]}${url}${q[1]}. The computed hash is ` +
  `${q[0]}${hash}${q[1]}.`;

Deno.test("unexpected: aborted requests of either browser are expected", () => {
  assert.deepEqual(unexpected([`requestfailed: ${URL_A} net::ERR_ABORTED`, aborted(URL_A)]), []);
});

Deno.test("unexpected: Firefox's integrity report on a load it aborted is expected", () => {
  assert.deepEqual(unexpected([aborted(URL_A), sriMismatch(URL_A)]), []);
  assert.deepEqual(unexpected([aborted(URL_A), sriMismatch(URL_A, ['"', '"'])]), []);
});

Deno.test("unexpected: an integrity report over no bytes is a cancelled load, expected", () => {
  assert.deepEqual(unexpected([sriMismatch(URL_A, undefined, NOTHING)]), []);
  assert.deepEqual(unexpected([sriMismatch(URL_A, ['"', '"'], NOTHING)]), []);
});

Deno.test("unexpected: an integrity failure with no aborted load of that URL counts", () => {
  assert.deepEqual(unexpected([sriMismatch(URL_A)]), [sriMismatch(URL_A)]);
  const other = URL_A.replace("browser-", "chunk-");
  assert.deepEqual(unexpected([aborted(other), sriMismatch(URL_A)]), [sriMismatch(URL_A)]);
});

Deno.test("unexpected: one aborted load excuses one integrity report, not a second", () => {
  const problems = [aborted(URL_A), sriMismatch(URL_A), sriMismatch(URL_A)];
  assert.deepEqual(unexpected(problems), [sriMismatch(URL_A)]);
});

Deno.test("unexpected: other problems are kept", () => {
  const problems = ["pageerror: boom", `requestfailed: ${URL_A} NS_ERROR_CONNECTION_REFUSED`];
  assert.deepEqual(unexpected(problems), problems);
});
