/**
 * A turn of the event loop for everything else: long runs of file work (hashing chunk after chunk
 * in promise continuations, which never leave the current task) would otherwise hold back the
 * page's other events, such as a chat text arriving on its own channel.
 * @module
 */

/**
 * Resolves in a new task (a message through a fresh `MessageChannel`, closed on arrival): tasks
 * already queued, such as a DataChannel's message events, run first. Unlike `setTimeout(0)` it is
 * not clamped to 4 ms when repeated, and unlike `scheduler.yield()` it does not jump the queue.
 *
 * @example
 * ```ts
 * import { nextTask } from "./next_task.ts";
 * await nextTask();
 * ```
 */
export function nextTask(): Promise<void> {
  return new Promise((resolve) => {
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = () => {
      port1.close();
      port2.close();
      resolve();
    };
    port2.postMessage(null);
  });
}
