/**
 * The Mesh3 mark: three nodes joined in a triangle.
 * @module
 */

/** The logo as inline SVG (no external request, no inline style). */
export function Logo() {
  return (
    <svg viewBox="0 0 24 24" class="h-7 w-7" aria-hidden="true" fill="none">
      <path
        d="M12 4 L4.5 17.5 L19.5 17.5 Z"
        class="stroke-emerald-400/60"
        stroke-width="1.5"
        stroke-linejoin="round"
      />
      <circle cx="12" cy="4" r="2.6" class="fill-emerald-400" />
      <circle cx="4.5" cy="17.5" r="2.6" class="fill-sky-400" />
      <circle cx="19.5" cy="17.5" r="2.6" class="fill-violet-400" />
    </svg>
  );
}
