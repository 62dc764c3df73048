/**
 * The process behind {@link startTestChain}: one Hardhat EDR chain served over loopback HTTP
 * JSON-RPC, controlled through stdin.
 *
 * EDR is a Node-API addon whose context may be created only once per process (a second one, as
 * happens when `deno test` runs several test modules in one process, crashes it). So every test
 * chain lives in a process of its own, and its parent talks to it only over HTTP and stdin.
 *
 * Protocol: the first stdout line is `{"port":N,"chainId":N}`. Each stdin line is a command
 * answered by one stdout line `ok <command>`: `offline` closes the listener (requests then fail
 * with "connection refused"), `online` reopens it on the same port. End of stdin stops the chain
 * and the process, so a parent that dies takes its chain with it.
 *
 * Usage: `deno run -A testing/chain_process.ts <hostname> [chainId]`.
 * @module
 */
import { network } from "hardhat";
import { handleJsonRpc, type JsonRpcProvider } from "./json_rpc.ts";

installPrepareStackTrace();
const hostname = Deno.args[0] ?? "127.0.0.1";
const chainIdArg = Deno.args[1];
const connection = await network.create(
  chainIdArg === undefined ? undefined : { override: { chainId: Number(chainIdArg) } },
);
const provider = connection.provider as unknown as JsonRpcProvider;
const chainId = Number(await provider.request({ method: "eth_chainId" }));

let server: Deno.HttpServer<Deno.NetAddr> | undefined;
let port = 0;
function listen(): void {
  server = Deno.serve(
    { hostname, port, onListen: () => {} },
    (req) => handleJsonRpc(provider, req),
  );
  port = server.addr.port;
}
listen();

const encoder = new TextEncoder();
const say = (line: string) => Deno.stdout.write(encoder.encode(line + "\n"));
await say(JSON.stringify({ port, chainId }));

const lines = Deno.stdin.readable.pipeThrough(new TextDecoderStream());
let buffered = "";
for await (const chunk of lines) {
  buffered += chunk;
  let newline;
  while ((newline = buffered.indexOf("\n")) >= 0) {
    const command = buffered.slice(0, newline).trim();
    buffered = buffered.slice(newline + 1);
    if (command === "offline") {
      await server?.shutdown();
      server = undefined;
    } else if (command === "online") {
      if (server === undefined) listen();
    } else {
      await say(`error unknown command`);
      continue;
    }
    await say(`ok ${command}`);
  }
}
await server?.shutdown();
await connection.close();
Deno.exit(0);

/**
 * Hardhat builds its Solidity stack traces through V8's `Error.prepareStackTrace`, which Deno
 * leaves undefined; without a formatter every revert becomes an internal invariant error (HHE100).
 * This installs one shaped like V8's default.
 */
function installPrepareStackTrace(): void {
  const E = Error as unknown as { prepareStackTrace?: (e: Error, s: unknown[]) => string };
  E.prepareStackTrace ??= (error, frames) =>
    `${error}${frames.map((frame) => `\n    at ${frame}`).join("")}`;
}
