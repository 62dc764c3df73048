/**
 * The document shell around every page (Fresh's `_app.tsx`): head, stylesheet, layout.
 * @module
 */
import type { ComponentChildren } from "preact";
import { Layout } from "../components/Layout.tsx";
import type { PublicConfig } from "../shared/public_config.ts";

/** Props of {@linkcode App}. */
export interface AppProps {
  /** Page title; the product name is appended. */
  title?: string;
  /** URL of the content-hashed stylesheet. */
  stylesheet: string;
  /** Public chain configuration (chain shown in the header). */
  config: PublicConfig;
  children?: ComponentChildren;
}

/** The HTML document. */
export default function App(props: AppProps) {
  const title = props.title ? `${props.title} · Mesh3` : "Mesh3 · private peer-to-peer chat";
  return (
    <html lang="en" class="bg-slate-950">
      <head>
        <meta charset="utf-8" />
        <meta
          name="viewport"
          content="width=device-width, initial-scale=1, interactive-widget=resizes-content"
        />
        <meta name="color-scheme" content="dark" />
        <meta
          name="description"
          content="Peer-to-peer chat, end-to-end encrypted, with keys verified on-chain."
        />
        <title>{title}</title>
        <meta name="theme-color" content="#020617" />
        <link rel="icon" href="/static/favicon.svg" type="image/svg+xml" />
        <link rel="manifest" href="/manifest.webmanifest" />
        <link rel="apple-touch-icon" href="/static/icon-192.png" />
        <link rel="stylesheet" href={props.stylesheet} />
      </head>
      <body class="bg-slate-950 text-slate-200 antialiased">
        <Layout chainName={props.config.chainName} chainId={props.config.chainId}>
          {props.children}
        </Layout>
      </body>
    </html>
  );
}
