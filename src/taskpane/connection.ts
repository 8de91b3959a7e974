import * as z from "zod/mini";
import "../core/schema/messages";
import { ApiClient } from "../client/api";
import { SubmissionQueue, type QueueStorage } from "../client/queue";
import type { Me } from "../core/schema/api";
import type { Tier } from "../core/schema/template";

/**
 * The server connection of the pane: its address and token live in the add-in's own storage
 * (localStorage of the add-in's origin), never in the workbook, which travels by e-mail.
 */
const KEY = "tianbao.connection";
const QUEUE_KEY = "tianbao.queue";

const storedSchema = z.object({
  serverUrl: z.string().check(z.url()),
  token: z.string().check(z.minLength(1)),
});
export type StoredConnection = z.infer<typeof storedSchema>;

/**
 * The server the pane talks to: the origin it was served from. Each county serves its own
 * add-in, and the pane's Content-Security-Policy (connect-src 'self') lets it reach no other
 * server, so the sign-in form shows this address and does not let another be typed.
 */
export function paneServerUrl(): string {
  const origin = globalThis.location?.origin;
  return origin && origin !== "null" ? origin : "https://localhost:3000";
}

/** Whether `url` is the pane's own server (the only one its CSP lets it reach). */
export function serverAllowed(url: string): boolean {
  try {
    return new URL(url).origin === new URL(paneServerUrl()).origin;
  } catch {
    return false;
  }
}

export function loadConnection(): StoredConnection | null {
  try {
    const raw = globalThis.localStorage?.getItem(KEY);
    const parsed = storedSchema.safeParse(raw ? JSON.parse(raw) : null);
    // A connection an older pane stored for another server could not be reached: sign in anew.
    return parsed.success && serverAllowed(parsed.data.serverUrl) ? parsed.data : null;
  } catch {
    return null;
  }
}

export function saveConnection(c: StoredConnection | null): void {
  try {
    if (c) globalThis.localStorage?.setItem(KEY, JSON.stringify(c));
    else globalThis.localStorage?.removeItem(KEY);
  } catch {
    // Storage off: the user signs in again next time.
  }
}

export const localQueueStorage: QueueStorage = {
  read: () => {
    try {
      return globalThis.localStorage?.getItem(QUEUE_KEY) ?? null;
    } catch {
      return null;
    }
  },
  write: (v) => {
    try {
      globalThis.localStorage?.setItem(QUEUE_KEY, v);
    } catch {
      // A full or disabled storage keeps the queue in memory for this session only.
    }
  },
};

let queue: SubmissionQueue | null = null;
/** One queue per pane, whatever component asks. */
export function submissionQueue(): SubmissionQueue {
  queue ??= new SubmissionQueue(localQueueStorage);
  return queue;
}

export interface Connection {
  client: ApiClient;
  me: Me;
  serverUrl: string;
}

export async function connect(c: StoredConnection): Promise<Connection> {
  const client = new ApiClient(c.serverUrl, c.token);
  const me = await client.me();
  return { client, me, serverUrl: c.serverUrl };
}

/** A hospital's tier from the registry (public/private × grade). */
export function tierOf(me: Me): Tier | null {
  const u = me.unit;
  if (!u || u.kind !== "hospital" || !u.ownership || !u.grade) return null;
  return `${u.ownership}.g${u.grade}` as Tier;
}
