/**
 * For members-only rooms: load the member list the creator shared (paste it, or pick the JSON
 * file), so this browser can build its Merkle proof.
 * @module
 */
import { useSignal } from "@preact/signals";
import type { MemberList } from "../client/mod.ts";
import { Button } from "./Button.tsx";
import { Notice } from "./Notice.tsx";

/** Paste or upload a member list; `onLoad` gets it once it matches `root`. */
export function MemberListLoader(props: { root: string; onLoad(list: MemberList): void }) {
  const text = useSignal("");
  const error = useSignal<string | null>(null);
  const accept = async (raw: string) => {
    // The member list code (Merkle tree) loads when a list is given, not with the page.
    const { MemberListError, parseMemberList } = await import("../client/members.ts");
    try {
      const list = parseMemberList(raw);
      if (list.root.toLowerCase() !== props.root.toLowerCase()) {
        error.value = "This member list does not belong to this room (its Merkle root differs).";
        return;
      }
      error.value = null;
      props.onLoad(list);
    } catch (e) {
      error.value = e instanceof MemberListError ? e.message : "Cannot read this member list.";
    }
  };
  return (
    <div class="space-y-3" data-testid="member-list-loader">
      <p class="text-sm text-slate-300">
        This room is for members only. To join, load the member list its creator shared with you
        (the link usually carries it; otherwise paste it or pick the file).
      </p>
      <textarea
        rows={3}
        class="w-full rounded-lg border border-slate-700 bg-slate-950 px-3 py-2 font-mono text-xs text-slate-100 placeholder:text-slate-500"
        placeholder="Paste addresses or the member list JSON"
        value={text.value}
        onInput={(e) => text.value = (e.target as HTMLTextAreaElement).value}
        data-testid="member-list-input"
      />
      <div class="flex flex-wrap items-center gap-3">
        <Button
          tone="secondary"
          onClick={() => void accept(text.value)}
          disabled={!text.value.trim()}
        >
          Use this list
        </Button>
        <label class="cursor-pointer text-sm text-emerald-300 hover:text-emerald-200">
          Choose a file…
          <input
            type="file"
            accept="application/json,.json,.txt"
            class="sr-only"
            onChange={async (e) => {
              const file = (e.target as HTMLInputElement).files?.[0];
              if (file && file.size < 1_000_000) await accept(await file.text());
            }}
          />
        </label>
      </div>
      {error.value && <Notice tone="error">{error.value}</Notice>}
    </div>
  );
}
