/**
 * The "join a room" card: paste a room id or link.
 * @module
 */
import { useSignal } from "@preact/signals";
import { parseRoomInput } from "../client/room_input.ts";
import { Button } from "./Button.tsx";
import { Card } from "./Card.tsx";

/** The join-room card. */
export function JoinRoom() {
  const text = useSignal("");
  const parsed = parseRoomInput(text.value);
  const touched = text.value.trim().length > 0;
  return (
    <Card
      title="Join a room"
      subtitle="Paste the room link or id you were given."
      testid="join-room"
    >
      <form
        class="mt-4 flex flex-col gap-3 sm:flex-row"
        onSubmit={(e) => {
          e.preventDefault();
          if (parsed) location.assign(`/room/${parsed.roomId}${parsed.hash}`);
        }}
      >
        <input
          class="min-h-11 min-w-0 flex-1 rounded-lg border border-slate-700 bg-slate-950 px-3 py-2 font-mono text-sm text-slate-100 placeholder:text-slate-500"
          placeholder="https://…/room/0x… or 0x…"
          value={text.value}
          onInput={(e) => text.value = (e.target as HTMLInputElement).value}
          aria-invalid={touched && !parsed}
          data-testid="join-input"
        />
        <Button type="submit" tone="secondary" disabled={!parsed} testid="join-button">
          Join
        </Button>
      </form>
      {touched && !parsed && (
        <p class="mt-2 text-sm text-amber-300">
          That does not contain a room id (0x followed by 64 hex digits).
        </p>
      )}
    </Card>
  );
}
