/**
 * The received-file writer (app/browser/file_writer.ts, a dedicated worker): where the server
 * serves it (app/server/web/pwa.ts) and what the page (app/client/files/disk_writer.ts) and the
 * writer say to each other: the page numbers its requests and the writer answers each, in order.
 * @module
 */

/** Where the server serves the writer. */
export const FILE_WRITER_URL = "/file-writer.js";

/** A request to the writer about file `file` (the page's number for it). */
export type WriterRequest =
  & { request: number; file: number }
  & (
    /** Create (or empty) the file at `path` (folders from the private root, then its name). */
    | { op: "open"; path: string[] }
    /** Append `bytes` (transferred). */
    | { op: "write"; bytes: Uint8Array }
    /** Flush and close it. */
    | { op: "finish" }
    /** Close it without flushing (the page removes it after). */
    | { op: "abort" }
  );

/** The writer's answer to request `request` (a write gives its bytes back, transferred, for
 * the page to fill again). */
export type WriterReply =
  | { request: number; ok: true; bytes?: Uint8Array }
  | { request: number; ok: false; name: string; message: string };
