// Baseline (b): the PeerJS server (npm `peer`, pinned in bench/peerjs/package.json), run with
// the machine's Node.js. Loads `peer` from the folder given as the first argument (where the
// bench ran `npm install`), listens on 127.0.0.1:0 and prints {"port":n} first.
// Limits raised so they do not cap the run: concurrent_limit (default 5,000) and alive_timeout.
import { createRequire } from "node:module";
import process from "node:process";

const require = createRequire(`${process.argv[2]}/`);
const { PeerServer } = require("peer");
PeerServer({
  host: "127.0.0.1",
  port: 0,
  path: "/",
  concurrent_limit: 1_000_000,
  alive_timeout: 600_000,
}, (server) => {
  console.log(JSON.stringify({ port: server.address().port }));
});
process.on("SIGTERM", () => process.exit(0));
