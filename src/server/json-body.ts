import type { FastifyInstance } from "fastify";

/** A sheet document nests five levels; nothing honest nests deeper than this. */
export const MAX_JSON_DEPTH = 64;

/** How deeply a JSON text nests arrays and objects, read without parsing it (strings skipped). */
export function jsonDepth(text: string, stopAt = Infinity): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 92)
        i++; // backslash: skip the escaped character
      else if (ch === 34) inString = false;
      continue;
    }
    if (ch === 34) inString = true;
    else if (ch === 91 || ch === 123) {
      depth++;
      if (depth > max) {
        max = depth;
        if (max > stopAt) return max;
      }
    } else if (ch === 93 || ch === 125) depth--;
  }
  return max;
}

/**
 * JSON bodies are refused with a 400 when they nest deeper than MAX_JSON_DEPTH, before anything
 * recursive (prototype-poisoning scan, schemas, canonical JSON) walks them; then Fastify's own
 * parser (with its prototype-poisoning protection) reads them.
 */
export function registerJsonParser(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser("error", "error");
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "string" }, (req, body, done) => {
    const text = body as string;
    if (jsonDepth(text, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) {
      const err = new Error(`the JSON nests deeper than ${MAX_JSON_DEPTH} levels`) as Error & {
        statusCode: number;
      };
      err.statusCode = 400;
      done(err, undefined);
      return;
    }
    parse(req, text, done);
  });
}
