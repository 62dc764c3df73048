/**
 * What the receiver makes of a sender's file name and type: a name safe to show (no control or
 * bidirectional-override characters, which can disguise "gpj.exe" as "exe.jpg") and to save
 * under (no path separators or characters file systems refuse), and whether an image may be
 * previewed inline: PNG, JPEG, WebP and GIF only, under a size, and only when the file's first
 * bytes say the same as its declared type. SVG is never previewed (it can carry script).
 * @module
 */

/** Largest image shown inline (bigger ones get a download card). */
export const MAX_PREVIEW_BYTES = 20 * 1024 * 1024;

const CONTROLS = /[\p{Cc}\u061c\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/gu;

/**
 * A file name as shown: control and bidi-override characters replaced by "�", trimmed.
 *
 * @param name The name the sender gave.
 * @returns What to show (never empty).
 *
 * @example
 * ```ts
 * import { displayName } from "./file_names.ts";
 * displayName("photo\u202egpj.exe"); // "photo�gpj.exe"
 * ```
 */
export function displayName(name: string): string {
  const shown = name.replace(CONTROLS, "\ufffd").trim();
  return shown === "" ? "file" : shown;
}

/**
 * A file name to save under: also without `/ \ : * ? " < > |`, leading dots or trailing dots.
 *
 * @param name The name the sender gave.
 * @returns A plain file name.
 *
 * @example
 * ```ts
 * import { saveName } from "./file_names.ts";
 * saveName("../../etc/passwd"); // "_.._etc_passwd"
 * ```
 */
export function saveName(name: string): string {
  const plain = displayName(name).replace(/[\\/:*?"<>|\ufffd]/g, "_").replace(/^\.+|\.+$/g, "");
  return plain === "" ? "file" : plain;
}

const SIGNATURES: Record<string, (b: Uint8Array) => boolean> = {
  "image/png": (b) => starts(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  "image/jpeg": (b) => starts(b, [0xff, 0xd8, 0xff]),
  "image/gif": (b) => starts(b, [0x47, 0x49, 0x46, 0x38]),
  "image/webp": (b) =>
    starts(b, [0x52, 0x49, 0x46, 0x46]) && starts(b.subarray(8), [0x57, 0x45, 0x42, 0x50]),
};

function starts(bytes: Uint8Array, prefix: number[]): boolean {
  return prefix.every((x, i) => bytes[i] === x);
}

/**
 * Whether a file may be shown inline as an image.
 *
 * @param mime The declared type.
 * @param size Its size in bytes.
 * @param head Its first 16 (or more) bytes.
 * @returns True for PNG, JPEG, WebP or GIF whose bytes match, under {@link MAX_PREVIEW_BYTES}.
 *
 * @example
 * ```ts
 * import { isPreviewable } from "./file_names.ts";
 * isPreviewable("image/svg+xml", 100, new Uint8Array(16)); // false
 * ```
 */
export function isPreviewable(mime: string, size: number, head: Uint8Array): boolean {
  const matches = SIGNATURES[mime.toLowerCase()];
  return !!matches && size > 0 && size <= MAX_PREVIEW_BYTES && matches(head);
}
