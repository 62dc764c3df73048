/**
 * Tells a person that a message arrived while they look elsewhere: an unread count in the tab's
 * title while the page is hidden, and, only after they opted in (and the browser granted the
 * permission), a system notification. The notification carries no message text unless they also
 * allowed that: by default it says only that a message arrived (a lock screen or a shared screen
 * shows notifications to anyone nearby). Both choices are non-secret preferences
 * (preferences.ts). A model with no UI: the NotifySettings component drives it.
 * @module
 */
import type { IncomingText } from "./peer_link.ts";
import { clearPreference, readPreference, writePreference } from "./preferences.ts";
import type { RoomSession } from "./room_session.ts";
import { Store } from "./store.ts";
import { shortAddress } from "../shared/short_address.ts";

/** What {@linkcode Attention} needs from the browser; `browserAttentionEnv()` gives the real one. */
export interface AttentionEnv {
  /** The page: whether it is hidden, its title, its visibility changes. */
  doc: Pick<Document, "hidden" | "title" | "addEventListener" | "removeEventListener">;
  /** The notification permission now: "granted", "denied" or "default" (not asked yet). */
  permission(): NotificationPermission | "unsupported";
  /** Asks for the permission (only ever from a person's click). */
  requestPermission(): Promise<NotificationPermission | "unsupported">;
  /** Shows a notification. */
  show(title: string, body: string): Promise<void>;
}

/** The person's choices. */
export interface AttentionPrefs {
  /** Notify when a message arrives while the page is hidden. */
  notify: boolean;
  /** Put the sender and the text in the notification (else only "a new message"). */
  showText: boolean;
}

/** Title of every notification. */
export const NOTIFICATION_TITLE = "Mesh3: new message";
/** Body of a notification without the text. */
export const NOTIFICATION_BODY_PRIVATE =
  "A new message arrived in your room. Open Mesh3 to read it.";

/**
 * Unread count and notifications for one room session.
 *
 * @example
 * ```ts ignore
 * const attention = new Attention(session, browserAttentionEnv());
 * await attention.enable(); // from a click: asks for the permission
 * attention.dispose();
 * ```
 */
export class Attention {
  /** Messages that arrived while the page was hidden (0 once it is shown). */
  readonly unread = new Store(0);
  /** The person's choices. */
  readonly prefs = new Store<AttentionPrefs>(readPrefs());
  /** The permission as last seen. */
  readonly permission: Store<NotificationPermission | "unsupported">;
  #env: AttentionEnv;
  #title: string;
  #off: (() => void)[];

  /**
   * @param session The session whose texts count.
   * @param env The browser's page and notifications.
   */
  constructor(session: Pick<RoomSession, "events">, env: AttentionEnv) {
    this.#env = env;
    this.#title = env.doc.title;
    this.permission = new Store(env.permission());
    const onVisible = () => {
      if (!env.doc.hidden) this.#setUnread(0);
    };
    env.doc.addEventListener("visibilitychange", onVisible);
    this.#off = [
      session.events.on("text", (m) => void this.#arrived(m)),
      () => env.doc.removeEventListener("visibilitychange", onVisible),
    ];
  }

  /**
   * Turns notifications on: asks the browser for the permission (call it from a click). Stays
   * off when it is refused; `permission` then says why.
   *
   * @returns Whether notifications are on.
   */
  async enable(): Promise<boolean> {
    const granted = await this.#env.requestPermission();
    this.permission.set(granted);
    this.#setPrefs({ ...this.prefs.value, notify: granted === "granted" });
    return granted === "granted";
  }

  /** Turns notifications off (the browser's permission stays as it is). */
  disable(): void {
    this.#setPrefs({ ...this.prefs.value, notify: false });
  }

  /** Whether notifications may carry the sender and the text. */
  setShowText(showText: boolean): void {
    this.#setPrefs({ ...this.prefs.value, showText });
  }

  /** Stops listening and puts the title back. */
  dispose(): void {
    for (const off of this.#off.splice(0)) off();
    this.#setUnread(0);
  }

  async #arrived(m: IncomingText): Promise<void> {
    if (!this.#env.doc.hidden) return;
    this.#setUnread(this.unread.value + 1);
    const permission = this.#env.permission();
    this.permission.set(permission);
    if (!this.prefs.value.notify || permission !== "granted") return;
    const body = this.prefs.value.showText
      ? `${shortAddress(m.from)}: ${m.text}`
      : NOTIFICATION_BODY_PRIVATE;
    try {
      await this.#env.show(NOTIFICATION_TITLE, body);
    } catch {
      // The browser refused to show it (permission revoked meanwhile): the title still counts.
    }
  }

  #setUnread(n: number): void {
    this.unread.set(n);
    this.#env.doc.title = n > 0 ? `(${n}) ${this.#title}` : this.#title;
  }

  #setPrefs(prefs: AttentionPrefs): void {
    this.prefs.set(prefs);
    if (prefs.notify) writePreference("notify", "on");
    else clearPreference("notify");
    if (prefs.showText) writePreference("notify-text", "on");
    else clearPreference("notify-text");
  }
}

function readPrefs(): AttentionPrefs {
  return {
    notify: readPreference("notify") === "on",
    showText: readPreference("notify-text") === "on",
  };
}

/**
 * The browser's page and notifications: shown through the service worker's registration when
 * there is one (the only way on Android, and they stay listed there), else `new Notification`.
 *
 * @example
 * ```ts ignore
 * const attention = new Attention(session, browserAttentionEnv());
 * ```
 */
export function browserAttentionEnv(): AttentionEnv {
  const N = globalThis.Notification;
  return {
    doc: document,
    permission: () => N ? N.permission : "unsupported",
    requestPermission: () => N ? N.requestPermission() : Promise.resolve("unsupported"),
    async show(title, body) {
      const reg = await globalThis.navigator?.serviceWorker?.getRegistration();
      const options = { body, tag: "mesh3-message", icon: "/static/icon-192.png" };
      if (reg) await reg.showNotification(title, options);
      else new N(title, options);
    },
  };
}
