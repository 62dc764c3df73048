/**
 * One person's tile in a call: their video (or initials when no video), a speaking ring, what
 * they send, the verified badge and the connection path.
 * @module
 */
import { useEffect, useMemo, useRef } from "preact/hooks";
import type { CallPeer } from "../client/mod.ts";
import { Badge } from "./Badge.tsx";
import { shortAddress } from "./format.ts";

/** Attaches a stream to a media element, plays it, and routes it to the chosen speaker. */
function useMediaElement<E extends HTMLMediaElement>(stream: MediaStream | null, sinkId?: string) {
  const ref = useRef<E>(null);
  useEffect(() => {
    const el = ref.current as (E & { setSinkId?(id: string): Promise<void> }) | null;
    if (!el) return;
    if (el.srcObject !== stream) el.srcObject = stream;
    if (sinkId !== undefined && el.setSinkId) void el.setSinkId(sinkId).catch(() => {});
    if (stream) void el.play().catch(() => {});
  }, [stream, sinkId]);
  return ref;
}

/**
 * Shows a stream's video (always muted: sound plays in {@linkcode StreamAudio}, so an audio call,
 * whose video track never gets a frame, is still heard).
 */
export function StreamVideo(props: { stream: MediaStream | null; testid?: string }) {
  const video = useMemo(
    () => props.stream && new MediaStream(props.stream.getVideoTracks()),
    [props.stream],
  );
  const ref = useMediaElement<HTMLVideoElement>(video);
  return (
    <video
      ref={ref}
      autoplay
      playsInline
      muted
      class="h-full w-full bg-slate-950 object-cover"
      data-testid={props.testid}
    />
  );
}

/** Plays a stream's audio (hidden), on the chosen speaker where the browser allows. */
export function StreamAudio(props: { stream: MediaStream | null; sinkId?: string }) {
  const audio = useMemo(
    () => props.stream && new MediaStream(props.stream.getAudioTracks()),
    [props.stream],
  );
  const ref = useMediaElement<HTMLAudioElement>(audio, props.sinkId);
  return <audio ref={ref} autoplay data-testid="call-audio" />;
}

const STATUS: Record<CallPeer["status"], string> = {
  ringing: "Ringing…",
  joined: "In the call",
  declined: "Not joining",
  left: "Left",
};

/** A peer's tile. */
export function CallTile(props: { peer: CallPeer; sinkId?: string }) {
  const p = props.peer;
  return (
    <figure
      class={`relative aspect-video border bg-slate-900 ${
        p.speaking ? "border-emerald-400 ring-2 ring-emerald-400/60" : "border-slate-800"
      }`}
      data-testid="call-tile"
      data-peer={p.address.toLowerCase()}
      data-status={p.status}
      data-speaking={String(p.speaking)}
      data-frames-decoded={p.framesDecoded}
      data-audio-energy={p.audioEnergy}
      data-audio-packets={p.audioPackets}
      data-path={p.path ?? ""}
      data-verified={String(p.verified)}
    >
      {p.status === "joined" && (
        <>
          <StreamVideo stream={p.stream} />
          <StreamAudio stream={p.stream} sinkId={props.sinkId} />
        </>
      )}
      {/* Badges sit on moving video: each on an opaque backdrop so it stays readable. */}
      <figcaption class="absolute inset-x-2 bottom-2 flex flex-wrap items-center gap-1.5 text-xs *:rounded-full *:bg-slate-950/85">
        <span class="rounded bg-slate-950/80 px-1.5 py-0.5 font-mono text-slate-100">
          {shortAddress(p.address)}
        </span>
        {p.status !== "joined" && <Badge tone="muted">{STATUS[p.status]}</Badge>}
        {p.status === "joined" && !p.mic && <Badge tone="warn">Muted</Badge>}
        {p.status === "joined" && p.screen && <Badge tone="info">Sharing screen</Badge>}
        {p.status === "joined" && p.verified && (
          <span data-testid="call-verified">
            <Badge tone="good">Verified: same keys as the chat</Badge>
          </span>
        )}
        {p.path && (
          <span data-testid="call-path">
            <Badge tone={p.path === "relay" ? "warn" : "info"}>
              {p.path === "relay" ? "Through a relay" : "Direct"}
            </Badge>
          </span>
        )}
      </figcaption>
      {p.note && (
        <p class="absolute inset-x-2 top-2 rounded bg-slate-950/80 p-1 text-xs text-amber-200">
          {p.note}
        </p>
      )}
    </figure>
  );
}
