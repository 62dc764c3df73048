import assert from "node:assert/strict";
import { nextTask } from "./next_task.ts";

Deno.test("nextTask lets a task queued before it run first, and leaves no port open", async () => {
  const order: string[] = [];
  const { port1, port2 } = new MessageChannel();
  port1.onmessage = () => order.push("queued event");
  port2.postMessage(null);
  await nextTask();
  order.push("after nextTask");
  port1.close();
  port2.close();
  assert.deepEqual(order, ["queued event", "after nextTask"]);
});
