/**
 * The call in a room: start (audio or video), an incoming call to accept or decline, and while
 * in a call a grid of tiles with speaking indicators, the controls (mute, camera, screen, devices,
 * hang up) and, for every peer, the verified badge and the path. Problems (a denied
 * permission, a full call, a refused renegotiation) are said in a sentence, never a dead button.
 * The self-view is a thumbnail and no video is clipped to rounded corners: every painted frame
 * costs CPU, a clip mask more (bench/README.md, benchmark 8).
 * @module
 */
import { useSignal } from "@preact/signals";
import type { Calls, RoomSession } from "../client/mod.ts";
import { Button } from "./Button.tsx";
import { CallTile, StreamVideo } from "./CallTile.tsx";
import { Notice } from "./Notice.tsx";
import { shortAddress } from "./format.ts";
import { useStore } from "./use_store.ts";

/** Props of {@linkcode CallPanel}. */
export interface CallPanelProps {
  calls: Calls;
  /** The room session (a call needs a verified peer connected). */
  session: RoomSession;
}

/** The call panel of a room. */
export function CallPanel(props: CallPanelProps) {
  const { calls } = props;
  const s = useStore(calls.state);
  const connected = useStore(props.session.state).links.filter((l) => l.state === "open").length;
  const speaker = useSignal<string | undefined>(undefined);
  const run = (p: Promise<unknown>) => void p.catch(() => {}); // Shown through state.problem.
  return (
    <section
      class="space-y-3 rounded-2xl border border-slate-800 bg-slate-900/60 p-4"
      data-testid="call-panel"
      data-phase={s.phase}
      aria-label="Call"
    >
      {s.problem && <Notice tone="warning" title="Call" testid="call-problem">{s.problem}</Notice>}
      {s.phase === "idle" && (
        <div class="flex flex-wrap items-center gap-2">
          <Button
            tone="secondary"
            disabled={connected === 0}
            onClick={() => run(calls.start({ video: false }))}
            testid="call-start-audio"
          >
            Audio call
          </Button>
          <Button
            tone="secondary"
            disabled={connected === 0}
            onClick={() => run(calls.start({ video: true }))}
            testid="call-start-video"
          >
            Video call
          </Button>
          {connected === 0 && (
            <span class="text-sm text-slate-400">A call needs someone connected.</span>
          )}
        </div>
      )}
      {s.phase === "incoming" && (
        <div class="flex flex-wrap items-center gap-2" role="alert" data-testid="call-incoming">
          <span class="text-sm text-slate-200">
            {s.from ? shortAddress(s.from) : "Someone"} is calling ({s.video ? "video" : "audio"})
          </span>
          <Button
            onClick={() =>
              run(calls.accept())}
            testid="call-accept"
          >
            Accept
          </Button>
          <Button
            tone="ghost"
            onClick={() =>
              calls.decline()}
            testid="call-decline"
          >
            Decline
          </Button>
        </div>
      )}
      {s.phase === "in-call" && (
        <>
          <div class="relative">
            <div class="grid grid-cols-1 gap-2 sm:grid-cols-2" data-testid="call-grid">
              {s.peers.map((p) => <CallTile key={p.address} peer={p} sinkId={speaker.value} />)}
            </div>
            <figure class="absolute right-2 top-2 aspect-video w-32 border border-slate-700">
              <StreamVideo stream={s.local} testid="call-local-video" />
              <figcaption class="absolute bottom-1 left-1 rounded bg-slate-950/80 px-1 text-xs">
                You{s.mic ? "" : " (muted)"}
              </figcaption>
            </figure>
          </div>
          <div class="flex flex-wrap items-center gap-2" data-testid="call-controls">
            <Button
              tone="secondary"
              onClick={() => run(calls.setMic(!s.mic))}
              testid="call-mic"
              title={s.mic ? "Mute the microphone" : "Unmute"}
            >
              {s.mic ? "Mute" : "Unmute"}
            </Button>
            <Button
              tone="secondary"
              onClick={() => run(calls.setCamera(!s.camera))}
              testid="call-camera"
            >
              {s.camera ? "Camera off" : "Camera on"}
            </Button>
            <Button
              tone="secondary"
              onClick={() => run(calls.shareScreen(!s.screen))}
              testid="call-screen"
            >
              {s.screen ? "Stop sharing" : "Share screen"}
            </Button>
            <DeviceSelect
              label="Microphone"
              devices={s.devices.microphones}
              onPick={(id) => run(calls.useDevice("audio", id))}
            />
            <DeviceSelect
              label="Camera"
              devices={s.devices.cameras}
              onPick={(id) => run(calls.useDevice("video", id))}
            />
            <DeviceSelect
              label="Speaker"
              devices={s.devices.speakers}
              onPick={(id) => speaker.value = id}
            />
            <Button tone="primary" onClick={() => calls.hangUp()} testid="call-hang-up">
              Hang up
            </Button>
          </div>
        </>
      )}
    </section>
  );
}

function DeviceSelect(
  props: { label: string; devices: MediaDeviceInfo[]; onPick(id: string): void },
) {
  if (props.devices.length < 2) return null;
  return (
    <label class="text-xs text-slate-400">
      {props.label}{" "}
      <select
        class="rounded border border-slate-700 bg-slate-800 px-1 py-1 text-slate-100"
        onChange={(e) => props.onPick((e.target as HTMLSelectElement).value)}
      >
        {props.devices.map((d, i) => (
          <option key={d.deviceId} value={d.deviceId}>
            {d.label || `${props.label} ${i + 1}`}
          </option>
        ))}
      </select>
    </label>
  );
}
