/**
 * Runs the lab's system commands (`ip`, `iptables-restore`, `tc`, `sysctl`) and says which one
 * failed and why.
 * @module
 */

/** Thrown when a lab command exits with an error. */
export class LabCommandError extends Error {
  override name = "LabCommandError";
}

/** Options of {@linkcode sh}. */
export interface ShOptions {
  /** Text written to the command's standard input. */
  input?: string;
  /** Return the output instead of throwing when the command fails. */
  allowFail?: boolean;
}

/**
 * Runs one command and returns its standard output.
 *
 * @param cmd Program and arguments.
 * @param opts Standard input; whether a failure is an error.
 * @returns The command's standard output.
 * @throws {LabCommandError} "Cannot run ip netns add …: <stderr>" when it fails.
 *
 * @example
 * ```ts ignore
 * await sh(["ip", "netns", "add", "m3lab-0-inet"]);
 * ```
 */
export async function sh(cmd: string[], opts: ShOptions = {}): Promise<string> {
  const child = new Deno.Command(cmd[0], {
    args: cmd.slice(1),
    stdin: opts.input === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (opts.input !== undefined) {
    const w = child.stdin.getWriter();
    await w.write(new TextEncoder().encode(opts.input));
    await w.close();
  }
  const out = await child.output();
  const text = new TextDecoder().decode(out.stdout);
  if (!out.success && !opts.allowFail) {
    const err = new TextDecoder().decode(out.stderr).trim().slice(-500);
    throw new LabCommandError(`Cannot run ${cmd.join(" ").slice(0, 200)}: ${err || out.code}`);
  }
  return text;
}

/**
 * Runs a command inside a network namespace (`ip netns exec`).
 *
 * @param ns The namespace.
 * @param cmd Program and arguments.
 * @param opts As for {@linkcode sh}.
 * @returns The command's standard output.
 */
export function nsh(ns: string, cmd: string[], opts: ShOptions = {}): Promise<string> {
  return sh(["ip", "netns", "exec", ns, ...cmd], opts);
}
