/**
 * The conversation: messages with sender, time and delivery state, and a keyboard-first composer
 * (Enter sends, Shift+Enter starts a new line).
 * @module
 */
import { Component, type ComponentChildren, Fragment } from "preact";
import { useSignal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";
import { MAX_TEXT_LENGTH } from "../core/mod.ts";
import type { ChatEntry } from "../client/mod.ts";
import { clockTime, cx, shortAddress } from "./format.ts";

const STATUS: Record<ChatEntry["status"], [string, string]> = {
  sending: ["○", "Sending"],
  sent: ["✓", "Sent"],
  delivered: ["✓✓", "Delivered"],
  failed: ["!", "Not delivered: no peer connected"],
  received: ["", ""],
};

/** Props of {@linkcode Chat}. */
export interface ChatProps {
  messages: readonly ChatEntry[];
  canSend: boolean;
  placeholder: string;
  onSend(text: string): void;
  /** More entries of the conversation (file cards), placed among the messages by time. */
  extra?: readonly { at: number; key: string; node: ComponentChildren }[];
  /** Shown at the start of the composer row (the file button). */
  composerStart?: ComponentChildren;
  /** Shown above the composer (whom files go to). */
  composerAbove?: ComponentChildren;
}

/** The message list and composer. */
export function Chat(props: ChatProps) {
  const draft = useSignal("");
  const list = useRef<HTMLDivElement>(null);
  const input = useRef<HTMLTextAreaElement>(null);
  const extra = props.extra ?? [];
  const count = props.messages.length + extra.length;
  // Messages are in order already; file cards go in by time.
  const timeline: { at: number; key: string; node: ComponentChildren }[] = props.messages.map(
    (m) => ({ at: m.at, key: `${m.from}-${m.id}`, node: <Message m={m} /> }),
  );
  for (const e of extra) {
    const at = timeline.findIndex((t) => t.at > e.at);
    timeline.splice(at < 0 ? timeline.length : at, 0, e);
  }
  useEffect(() => {
    list.current?.scrollTo({ top: list.current.scrollHeight });
  }, [count]);
  useEffect(() => {
    if (props.canSend) input.current?.focus();
  }, [props.canSend]);
  // An on-screen keyboard shrinks the viewport: keep the composer being typed in above it.
  useEffect(() => {
    const keepInView = () => {
      if (document.activeElement === input.current) {
        input.current?.scrollIntoView({ block: "nearest" });
      }
    };
    const viewport = globalThis.visualViewport;
    viewport?.addEventListener("resize", keepInView);
    addEventListener("resize", keepInView);
    return () => {
      viewport?.removeEventListener("resize", keepInView);
      removeEventListener("resize", keepInView);
    };
  }, []);

  const send = () => {
    const text = draft.value.trim();
    if (!text || !props.canSend || text.length > MAX_TEXT_LENGTH) return;
    props.onSend(text);
    draft.value = "";
  };

  return (
    <div class="flex flex-col">
      <div
        ref={list}
        class="h-80 space-y-3 overflow-y-auto px-1 py-2 sm:h-96"
        aria-live="polite"
        data-testid="messages"
      >
        {count === 0 && (
          <p class="flex h-full items-center justify-center text-center text-sm text-slate-400">
            No messages yet. Messages are end-to-end encrypted and never stored.
          </p>
        )}
        {timeline.map((t) => <Fragment key={t.key}>{t.node}</Fragment>)}
      </div>
      {props.composerAbove && <div class="mt-3">{props.composerAbove}</div>}
      <form
        class="mt-3 flex items-end gap-2 border-t border-slate-800 pt-3"
        onSubmit={(e) => {
          e.preventDefault();
          send();
        }}
      >
        {props.composerStart}
        <label class="sr-only" for="composer">Message</label>
        <textarea
          id="composer"
          ref={input}
          rows={1}
          maxLength={MAX_TEXT_LENGTH}
          class="max-h-40 min-h-[2.75rem] min-w-0 flex-1 resize-y rounded-xl border border-slate-700 bg-slate-950 px-4 py-2.5 text-sm text-slate-100 placeholder:text-slate-500 focus:border-emerald-500/60 focus:outline-none disabled:opacity-50"
          placeholder={props.placeholder}
          disabled={!props.canSend}
          value={draft.value}
          onInput={(e) => draft.value = (e.target as HTMLTextAreaElement).value}
          onKeyDown={(e) => {
            if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
              e.preventDefault();
              send();
            }
          }}
          data-testid="composer"
        />
        <button
          type="submit"
          disabled={!props.canSend || draft.value.trim() === ""}
          class="h-11 rounded-xl bg-emerald-500 px-4 text-sm font-medium text-slate-950 hover:bg-emerald-400 disabled:cursor-not-allowed disabled:opacity-40"
          data-testid="send"
        >
          Send
        </button>
      </form>
      <p class="mt-2 hidden text-xs text-slate-400 sm:block">
        Enter to send · Shift+Enter for a new line
      </p>
    </div>
  );
}

/**
 * One chat message with sender, time and delivery state, drawn again only when its entry changed
 * (entries are immutable, chat_log.ts): a long chat does not redraw every message at each new one,
 * each receipt, or each 100 ms of a file card's progress.
 */
class Message extends Component<{ m: ChatEntry }> {
  override shouldComponentUpdate(next: { m: ChatEntry }): boolean {
    return next.m !== this.props.m;
  }

  override render() {
    return <MessageView m={this.props.m} />;
  }
}

function MessageView(props: { m: ChatEntry }) {
  const { m } = props;
  return (
    <div
      class={cx("flex", m.mine ? "justify-end" : "justify-start")}
      data-testid="message"
      data-mine={m.mine ? "true" : "false"}
      data-status={m.status}
      data-warned={m.warnings.length > 0 ? "true" : "false"}
    >
      <div class="max-w-[85%] sm:max-w-[75%]">
        <p class={cx("mb-1 text-xs text-slate-400", m.mine && "text-right")}>
          <span class="font-mono" title={m.from}>
            {m.mine ? "You" : shortAddress(m.from)}
          </span>{" "}
          · {clockTime(m.at)}
        </p>
        <div
          class={cx(
            "whitespace-pre-wrap break-words rounded-2xl px-4 py-2 text-sm leading-relaxed",
            m.mine
              ? "rounded-br-md bg-emerald-700 text-white"
              : "rounded-bl-md bg-slate-800 text-slate-100",
          )}
          data-testid="message-text"
        >
          {m.text}
        </div>
        {m.mine && (
          <p
            class={cx(
              "mt-1 text-right text-xs",
              m.status === "failed" ? "text-rose-300" : "text-slate-400",
            )}
            title={STATUS[m.status][1]}
            data-testid="message-status"
          >
            {STATUS[m.status][0]} {STATUS[m.status][1]}
          </p>
        )}
        {m.warnings.map((w) => (
          <p
            key={w}
            class={cx("mt-1 text-xs text-amber-300", m.mine && "text-right")}
            role="alert"
            data-testid="message-warning"
          >
            ⚠ {w}
          </p>
        ))}
      </div>
    </div>
  );
}
