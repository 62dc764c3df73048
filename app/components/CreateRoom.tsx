/**
 * The "create a room" card: open or members-only, optional expiry, the transaction's progress,
 * then the link, QR code and member list to share.
 * @module
 */
import { useSignal } from "@preact/signals";
import type { Hex } from "viem";
import type { MemberList, TxState, WalletStore } from "../client/mod.ts";
import { Button } from "./Button.tsx";
import { Card } from "./Card.tsx";
import { cx } from "./format.ts";
import { Notice } from "./Notice.tsx";
import { ShareRoom } from "./ShareRoom.tsx";
import { Spinner } from "./Spinner.tsx";
import { TxProgress } from "./TxProgress.tsx";
import { useStore } from "./use_store.ts";

const EXPIRY_CHOICES = [
  ["0", "Never"],
  ["3600", "In 1 hour"],
  ["86400", "In 1 day"],
  ["604800", "In 1 week"],
] as const;

/** The interactive part of `/`. */

/** The create-room card. */
export function CreateRoom(props: { wallet: WalletStore }) {
  const { wallet } = props;
  const membersOnly = useSignal(false);
  const membersText = useSignal("");
  const expiry = useSignal("0");
  const tx = useSignal<TxState>({ phase: "idle" });
  const error = useSignal<string | null>(null);
  const created = useSignal<
    { roomId: Hex; members: MemberList | null; link: string; membersJson: string | null } | null
  >(null);
  const { ready } = useStore(wallet.state);
  const busy = tx.value.phase === "wallet" || tx.value.phase === "pending";

  const submit = async () => {
    error.value = null;
    const conn = wallet.connection;
    if (!conn) return;
    // Chain writes and the Merkle tree load when first used, not with the page.
    const [{ createRoom }, { memberList, memberListJson }, { roomLink }, { addressOf, ensSource }] =
      await Promise.all([
        import("../client/transactions.ts"),
        import("../client/members.ts"),
        import("../client/links.ts"),
        import("../client/ens_names.ts"),
      ]);
    let members: MemberList | null = null;
    if (membersOnly.value) {
      try {
        // ENS names become their forward address now: the tree holds addresses only.
        const ens = ensSource(wallet.config, conn.publicClient);
        const entries = membersText.value.split(/[\s,;]+/).filter(Boolean);
        const addresses = await Promise.all(entries.map((e) => addressOf(ens, e)));
        // The creator is always on the list: otherwise they could not join their own room.
        members = memberList([conn.address, ...addresses]);
      } catch (e) {
        error.value = (e as Error).message.replace(/^Cannot use (member list: )?/, "Member list: ");
        return;
      }
      if (members.members.length < 2) {
        error.value = "Member list: add at least one address besides yours.";
        return;
      }
    }
    const seconds = BigInt(expiry.value);
    const expiresAt = seconds === 0n ? 0n : BigInt(Math.floor(Date.now() / 1000)) + seconds;
    try {
      const roomId = await createRoom(conn, wallet.config.registry, {
        membersRoot: members?.root,
        expiresAt,
      }, (s) => tx.value = s);
      created.value = {
        roomId,
        members,
        link: roomLink(location.origin, roomId, members),
        membersJson: members && memberListJson(members),
      };
    } catch {
      // TxProgress shows the reason.
    }
  };

  if (created.value) {
    const { members, link, membersJson } = created.value;
    return (
      <Card
        title="Your room is ready"
        subtitle="Send the link to the people you want to talk to. Anyone joining checks keys on-chain."
        testid="room-created"
      >
        <div class="mt-5 space-y-5">
          <ShareRoom link={link} />
          {members && membersJson && (
            <Notice tone="info" title="Members only">
              The link carries the member list ({members.members.length}{" "}
              addresses) so joiners can prove they are on it. You can also share the list as a file.
              <div class="mt-3">
                <Button
                  tone="secondary"
                  onClick={() => download(members, membersJson)}
                  testid="download-members"
                >
                  Download member list
                </Button>
              </div>
            </Notice>
          )}
          <div class="flex flex-wrap gap-3">
            <a
              href={link}
              class="inline-flex items-center rounded-lg bg-emerald-500 px-4 py-2 text-sm font-medium text-slate-950 hover:bg-emerald-400"
              data-testid="open-room"
            >
              Open the room →
            </a>
            <Button
              tone="ghost"
              onClick={() => (created.value = null, tx.value = { phase: "idle" })}
            >
              Create another
            </Button>
          </div>
        </div>
      </Card>
    );
  }

  return (
    <Card
      title="Create a room"
      subtitle="One transaction registers the room on-chain. Its id cannot be taken by anyone else."
      testid="create-room"
    >
      <form
        class={cx("mt-5 space-y-5", !ready && "opacity-50")}
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <fieldset class="grid gap-2 sm:grid-cols-2" disabled={!ready || busy}>
          <legend class="sr-only">Who can join</legend>
          {([false, true] as const).map((only) => (
            <label
              key={String(only)}
              class={cx(
                "flex cursor-pointer gap-3 rounded-xl border p-4 text-sm transition-colors",
                membersOnly.value === only
                  ? "border-emerald-500/60 bg-emerald-500/5"
                  : "border-slate-700 hover:border-slate-600",
              )}
            >
              <input
                type="radio"
                name="access"
                class="mt-1 accent-emerald-500"
                checked={membersOnly.value === only}
                onChange={() => membersOnly.value = only}
                data-testid={only ? "access-members" : "access-open"}
              />
              <span>
                <span class="block font-medium text-slate-100">
                  {only ? "Members only" : "Open"}
                </span>
                <span class="text-slate-400">
                  {only
                    ? "Only the addresses you list can join."
                    : "Anyone with the link can join."}
                </span>
              </span>
            </label>
          ))}
        </fieldset>
        {membersOnly.value && (
          <div>
            <label class="text-sm font-medium text-slate-200" for="members">
              Member addresses
            </label>
            <p class="text-xs text-slate-400">
              Addresses{wallet.config.ensUniversalResolver ? " or ENS names" : ""}, one per line or
              separated by commas. You are added.
            </p>
            <textarea
              id="members"
              rows={3}
              class="mt-2 w-full rounded-lg border border-slate-700 bg-slate-950 px-3 py-2 font-mono text-sm text-slate-100 placeholder:text-slate-500"
              placeholder="0x…"
              value={membersText.value}
              onInput={(e) => membersText.value = (e.target as HTMLTextAreaElement).value}
              disabled={!ready || busy}
              data-testid="members-input"
            />
          </div>
        )}
        <div class="flex flex-wrap items-end gap-4">
          <div>
            <label class="block text-sm font-medium text-slate-200" for="expiry">Expires</label>
            <select
              id="expiry"
              class="mt-2 min-h-11 rounded-lg border border-slate-700 bg-slate-950 px-3 py-2 text-sm text-slate-100"
              value={expiry.value}
              onChange={(e) => expiry.value = (e.target as HTMLSelectElement).value}
              disabled={!ready || busy}
              data-testid="expiry-select"
            >
              {EXPIRY_CHOICES.map(([v, label]) => <option value={v} key={v}>{label}</option>)}
            </select>
          </div>
          <Button type="submit" disabled={!ready || busy} testid="create-button">
            {busy && <Spinner />}Create room
          </Button>
        </div>
        {error.value && <Notice tone="error" testid="create-error">{error.value}</Notice>}
        <TxProgress state={tx.value} action="create the room" testid="create-tx" />
      </form>
      {
        /* Outside the dimmed form, so it keeps its contrast. */
        !ready && (
          <p class="mt-4 text-sm text-slate-400">Connect a wallet on the right network first.</p>
        )
      }
    </Card>
  );
}

function download(members: MemberList, json: string): void {
  const blob = new Blob([json], { type: "application/json" });
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = `mesh3-members-${members.root.slice(2, 10)}.json`;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
