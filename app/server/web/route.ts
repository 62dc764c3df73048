/**
 * The shape of a route module in `app/routes/` (Fresh-like: a `handler` and a page component),
 * and of the page manifest (`app/pages.ts`, Fresh's generated manifest written out) that hands the
 * routes to {@linkcode webApp}: the server never imports the pages, the pages import this.
 * @module
 */
import type { ComponentChildren, VNode } from "preact";
import type { RoomInfo } from "../../chain/room.ts";
import type { Hex } from "viem";
import type { PublicConfig } from "../../shared/public_config.ts";
import type { Requester } from "../read_budget.ts";
import type { Assets } from "./assets.ts";

/** What {@linkcode webApp} needs from the rest of the server. */
export interface WebDeps {
  /** The pages: routes, document shell and error pages (`app/pages.ts`). */
  pages: PageManifest;
  /** The built island bundle and stylesheet ({@linkcode buildAssets}). */
  assets: Assets;
  /** Reads a room from the chain for a requester (whose read budget pays): null when there is
   * none; throws when the chain is unreachable or the budget is spent. */
  getRoom(roomId: Hex, requester: Requester): Promise<RoomInfo | null>;
  /** Public chain configuration, passed to islands. */
  publicConfig: PublicConfig;
}

/** Options of {@linkcode RouteContext.render}. */
export interface RenderOptions {
  /** HTTP status, default 200. */
  status?: number;
  /** Document title (the product name is appended). */
  title?: string;
}

/** What a route handler gets. */
export interface RouteContext {
  /** The request. */
  req: Request;
  /** The client's IP group (`clientIp`), for per-IP limits. */
  ip: string;
  /** Path parameters, e.g. `{ roomId }`. */
  params: Record<string, string>;
  /** The app's dependencies. */
  deps: WebDeps;
  /** Renders a page inside the app shell (`app/routes/_app.tsx`) as an HTML response. */
  render(page: VNode, opts?: RenderOptions): Response;
}

/** A route handler: returns the response for a GET. */
export type RouteHandler = (ctx: RouteContext) => Response | Promise<Response>;

/** Props of the document shell (Fresh's `_app.tsx`) around every page. */
export interface ShellProps {
  /** Page title; the product name is appended. */
  title?: string;
  /** URL of the content-hashed stylesheet. */
  stylesheet: string;
  /** Public chain configuration (chain shown in the header). */
  config: PublicConfig;
  children?: ComponentChildren;
}

/** The pages of the app, as Fresh's manifest lists them. */
export interface PageManifest {
  /** Path (Hono pattern) → the route's GET handler. */
  routes: [string, RouteHandler][];
  /** The document shell around every page. */
  shell: (props: ShellProps) => VNode;
  /** The 404 page. */
  notFound: RouteHandler;
  /** The 500 page. */
  serverError: RouteHandler;
}
