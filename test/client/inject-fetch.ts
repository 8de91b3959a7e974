import type { FastifyInstance } from "fastify";

/** A fetch that hands the request to the Fastify app in-process (no port), as the browser would send it. */
export function injectFetch(app: FastifyInstance) {
  return async (input: string, init?: RequestInit): Promise<Response> => {
    const url = new URL(input);
    const res = await app.inject({
      method: (init?.method ?? "GET") as "GET",
      url: url.pathname + url.search,
      headers: Object.fromEntries(Object.entries((init?.headers ?? {}) as Record<string, string>)),
      payload: typeof init?.body === "string" ? init.body : undefined,
    });
    // The raw bytes: a file (.xlsx) read as text would arrive mangled.
    return new Response(new Uint8Array(res.rawPayload), {
      status: res.statusCode,
      headers: { "content-type": String(res.headers["content-type"] ?? "application/json") },
    });
  };
}

/** The network is down: fetch itself fails, as in a browser. */
export const offlineFetch = async (): Promise<Response> => {
  throw new TypeError("Failed to fetch");
};
