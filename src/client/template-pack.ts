import * as z from "zod/mini";
import "../core/schema/messages";
import { TemplateRegistry } from "../core/template/registry";
import { TEMPLATE_DEFINITIONS } from "../templates";

/**
 * The tables the add-in and the web pages work with, as the server serves them
 * (GET /api/v1/templates): a table the bureau installs needs no new build. The last list
 * received is kept in the page's own storage (localStorage of the add-in's origin) with every
 * version seen, so a pane opened offline still inserts and validates the last known tables
 * and an older sheet still finds its version. Before any answer (first start, offline), the
 * built-in pack of this build stands in.
 */
const KEY = "tianbao.templates";

const cachedSchema = z.object({
  /** Every definition received, any version. */
  definitions: z.array(z.unknown()),
  /** The ids the server offered last time (the others are retired). */
  offered: z.array(z.string()),
});
type Cached = z.infer<typeof cachedSchema>;

const answerSchema = z.object({ templates: z.array(z.unknown()) });

function readCache(): Cached | null {
  try {
    const raw = globalThis.localStorage?.getItem(KEY);
    const parsed = cachedSchema.safeParse(raw ? JSON.parse(raw) : null);
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

function writeCache(c: Cached): void {
  try {
    globalThis.localStorage?.setItem(KEY, JSON.stringify(c));
  } catch {
    // Storage full or off: this session still has the tables, the next one asks the server again.
  }
}

/** Installs what compiles; a definition this build cannot read is left out, never fatal. */
function installAll(registry: TemplateRegistry, definitions: readonly unknown[]): void {
  for (const d of definitions) {
    try {
      registry.install(d);
    } catch {
      // A definition of a newer format than this build knows: the other tables still work.
    }
  }
}

/** Marks retired every table the server did not offer. */
function offerOnly(registry: TemplateRegistry, offered: readonly string[]): void {
  const ids = new Set(offered);
  for (const t of registry.all()) registry.setRetired(t.id, !ids.has(t.id));
}

let registry: TemplateRegistry | null = null;
const listeners = new Set<() => void>();

/** The page's registry: live, it grows as the server's tables arrive. */
export function packTemplates(): TemplateRegistry {
  if (!registry) {
    registry = new TemplateRegistry(TEMPLATE_DEFINITIONS);
    const cached = readCache();
    if (cached) {
      installAll(registry, cached.definitions);
      offerOnly(registry, cached.offered);
    }
  }
  return registry;
}

export function subscribePack(fn: () => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export function packRevision(): number {
  return packTemplates().revision;
}

type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

/**
 * Asks the server for its tables and takes them in; false when it cannot be reached or answers
 * something else (the cached or built-in tables stay in use).
 */
export async function refreshPack(
  serverUrl: string,
  fetchImpl: Fetch = (i, init) => globalThis.fetch(i, init)
): Promise<boolean> {
  let answer: z.infer<typeof answerSchema>;
  try {
    const res = await fetchImpl(`${serverUrl.replace(/\/+$/, "")}/api/v1/templates`, {
      headers: { accept: "application/json" },
    });
    if (!res.ok) return false;
    const parsed = answerSchema.safeParse(await res.json());
    if (!parsed.success) return false;
    answer = parsed.data;
  } catch {
    return false;
  }
  const reg = packTemplates();
  const before = reg.revision;
  installAll(reg, answer.templates);
  const offered = answer.templates
    .map((d) => (d as { id?: unknown })?.id)
    .filter((id): id is string => typeof id === "string" && !!reg.get(id));
  offerOnly(reg, offered);
  writeCache({ definitions: reg.all().map((t) => t.def), offered });
  if (reg.revision !== before) for (const fn of listeners) fn();
  return true;
}

let first: Promise<boolean> | null = null;
/** The first refresh of the page, from the server it was loaded from (the add-in is served by it). */
export function refreshPackOnce(): Promise<boolean> {
  const origin = globalThis.location?.origin;
  first ??= origin && origin !== "null" ? refreshPack(origin) : Promise.resolve(false);
  return first;
}

/** For tests: forgets the page's registry and first refresh. */
export function resetPackForTests(): void {
  registry = null;
  first = null;
  listeners.clear();
}
