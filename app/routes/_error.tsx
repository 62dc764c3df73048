/**
 * Error pages (Fresh's `_error.tsx`): unknown paths and unexpected failures.
 * @module
 */
import { ErrorPanel } from "../components/ErrorPanel.tsx";
import type { RouteContext } from "../server/web/route.ts";

/** Renders the 404 page for a path that matches no route. */
export function notFound(ctx: RouteContext): Response {
  return ctx.render(
    <ErrorPanel status={404} title="Page not found">
      There is nothing at this address. Rooms live at <code class="font-mono">/room/0x…</code>.
    </ErrorPanel>,
    { status: 404, title: "Not found" },
  );
}

/** Renders the 500 page; the error itself is never shown to the visitor. */
export function serverError(ctx: RouteContext): Response {
  return ctx.render(
    <ErrorPanel status={500} title="Something went wrong">
      The page could not be rendered. Nothing was stored; reload to try again.
    </ErrorPanel>,
    { status: 500, title: "Error" },
  );
}
