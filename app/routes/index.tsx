/**
 * `/`: what Mesh3 is, and the Home island (connect a wallet, create a room, join one by id).
 * @module
 */
import Home from "../islands/Home.tsx";
import type { PublicConfig } from "../shared/public_config.ts";
import type { RouteContext } from "../server/web/route.ts";

/** GET `/`. */
export function handler(ctx: RouteContext): Response {
  return ctx.render(<HomePage config={ctx.deps.publicConfig} />);
}

const STEPS = [
  ["Connect", "Sign in with your Ethereum wallet. No account, no password, no email."],
  ["Commit", "One transaction publishes a fingerprint of this session's keys to the room."],
  ["Chat", "Browsers connect directly and check each other's keys against the chain."],
] as const;

/** The home page. */
export default function HomePage(props: { config: PublicConfig }) {
  return (
    <div class="flex flex-col gap-10">
      <section>
        <h1 class="text-3xl font-semibold tracking-tight text-slate-50 sm:text-4xl">
          Private rooms, verified by the chain.
        </h1>
        <p class="mt-4 max-w-prose text-lg leading-relaxed text-slate-400">
          Chat browser to browser, end-to-end encrypted. Every member's session keys are committed
          on-chain, so neither the server nor the network can slip in a key of their own.
        </p>
      </section>
      <Home config={props.config} />
      <section>
        <h2 class="text-sm font-medium uppercase tracking-wider text-slate-400">How it works</h2>
        <ol class="mt-4 grid gap-4 sm:grid-cols-3">
          {STEPS.map(([title, text], i) => (
            <li class="rounded-xl border border-slate-800/80 p-4">
              <p class="font-mono text-xs text-emerald-400">0{i + 1}</p>
              <p class="mt-1 font-medium text-slate-200">{title}</p>
              <p class="mt-1 text-sm leading-relaxed text-slate-400">{text}</p>
            </li>
          ))}
        </ol>
      </section>
    </div>
  );
}
