/**
 * The app's pages, Fresh's generated manifest written out: each file route of `app/routes/` with
 * its path, the document shell (`_app.tsx`) and the error pages (`_error.tsx`). The server serves
 * what this lists (`createServer(config, { web: { pages, assets } })`); it never imports the
 * pages itself. A new page is a file in `app/routes/` and a line here.
 * @module
 */
import App from "./routes/_app.tsx";
import { notFound, serverError } from "./routes/_error.tsx";
import * as index from "./routes/index.tsx";
import * as room from "./routes/room/[roomId].tsx";
import type { PageManifest } from "./server/web/mod.ts";

/** Every page of the app. */
export const pages: PageManifest = {
  routes: [
    ["/", index.handler],
    ["/room/:roomId", room.handler],
  ],
  shell: App,
  notFound,
  serverError,
};
