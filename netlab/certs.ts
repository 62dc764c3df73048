/**
 * The lab's test certificate authority and one server certificate for the app (HTTPS) and
 * coturn (TURN over TLS on 443), made with openssl in a temporary folder. Only the lab's
 * browsers trust the CA (a profile flag with its key's hash, see browser.ts); nothing on the
 * machine does.
 * @module
 */
import { sh } from "./sh.ts";

/** Files and key hash of the lab's certificates. */
export interface LabCerts {
  dir: string;
  caCert: string;
  cert: string;
  key: string;
  /** base64 SHA-256 of the CA's SubjectPublicKeyInfo (Chromium's SPKI trust list). */
  caSpki: string;
  /** base64 SHA-256 of the server certificate's SubjectPublicKeyInfo. */
  leafSpki: string;
}

/**
 * Makes a CA (P-256, valid 2 days) and a server certificate for the given IP addresses.
 *
 * @param ips The addresses the certificate names (IP subjectAltNames).
 * @returns Paths and SPKI hashes; delete `dir` when done.
 * @example
 * ```ts ignore
 * const certs = await makeLabCerts(["203.0.113.10", "203.0.113.20"]);
 * ```
 */
export async function makeLabCerts(ips: string[]): Promise<LabCerts> {
  const dir = await Deno.makeTempDir({ prefix: "mesh3-netlab-certs-" });
  const p = (name: string) => `${dir}/${name}`;
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];
  await sh([
    "openssl",
    "req",
    "-x509",
    ...ec,
    "-keyout",
    p("ca.key"),
    "-out",
    p("ca.pem"),
    "-days",
    "2",
    "-subj",
    "/CN=Mesh3 netlab test CA",
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "keyUsage=critical,keyCertSign,cRLSign",
  ]);
  await sh([
    "openssl",
    "req",
    ...ec,
    "-keyout",
    p("server.key"),
    "-out",
    p("server.csr"),
    "-subj",
    "/CN=mesh3.netlab",
  ]);
  await Deno.writeTextFile(
    p("ext.cnf"),
    [
      "basicConstraints=CA:FALSE",
      "keyUsage=critical,digitalSignature",
      "extendedKeyUsage=serverAuth",
      `subjectAltName=${ips.map((ip) => `IP:${ip}`).join(",")}`,
      "",
    ].join("\n"),
  );
  await sh([
    "openssl",
    "x509",
    "-req",
    "-in",
    p("server.csr"),
    "-CA",
    p("ca.pem"),
    "-CAkey",
    p("ca.key"),
    "-CAcreateserial",
    "-out",
    p("server.pem"),
    "-days",
    "2",
    "-extfile",
    p("ext.cnf"),
  ]);
  // The chain coturn and the app serve: leaf then CA.
  await Deno.writeTextFile(
    p("fullchain.pem"),
    (await Deno.readTextFile(p("server.pem"))) + (await Deno.readTextFile(p("ca.pem"))),
  );
  return {
    dir,
    caCert: p("ca.pem"),
    cert: p("fullchain.pem"),
    key: p("server.key"),
    caSpki: await spkiHash(p("ca.pem")),
    leafSpki: await spkiHash(p("server.pem")),
  };
}

async function spkiHash(certPath: string): Promise<string> {
  const pem = await sh(["openssl", "x509", "-in", certPath, "-pubkey", "-noout"]);
  const b64 = pem.replace(/-----[^-]+-----/g, "").replace(/\s+/g, "");
  const der = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", der));
  return btoa(String.fromCharCode(...digest));
}
