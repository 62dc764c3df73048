/**
 * Small line icons for files (inline SVG: no emoji font needed, nothing loaded).
 * @module
 */

const STROKE = {
  fill: "none",
  stroke: "currentColor",
  "stroke-width": 1.8,
  "stroke-linecap": "round",
  "stroke-linejoin": "round",
} as const;

/** A paperclip. */
export function PaperclipIcon(props: { class?: string }) {
  return (
    <svg viewBox="0 0 24 24" class={props.class} aria-hidden="true" {...STROKE}>
      <path d="M21 11.5l-8.6 8.6a5.5 5.5 0 01-7.8-7.8l8.6-8.6a3.7 3.7 0 015.2 5.2l-8.6 8.6a1.8 1.8 0 01-2.6-2.6l7.9-7.9" />
    </svg>
  );
}

/** A document, or a picture when `image`. */
export function FileIcon(props: { image?: boolean; class?: string }) {
  return (
    <svg viewBox="0 0 24 24" class={props.class} aria-hidden="true" {...STROKE}>
      <path d="M14 3H7a2 2 0 00-2 2v14a2 2 0 002 2h10a2 2 0 002-2V8z" />
      <path d="M14 3v5h5" />
      {props.image ? <path d="M8 17l3-3 2 2 2-2 2 3" /> : <path d="M9 13h6M9 17h6" />}
    </svg>
  );
}
