import swagger from "@fastify/swagger";
import type { FastifyInstance, FastifySchemaCompiler } from "fastify";
import { jsonSchemaTransform, validatorCompiler } from "fastify-type-provider-zod";
import { $ZodType } from "zod/v4/core";
import { answer, componentSchemas, open, responses } from "./docs";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";

/** Where the API lives; the document names its paths relative to it (its one server). */
export const API_PREFIX = "/api/v1";

const isZod = (s: unknown): s is $ZodType => s instanceof $ZodType;

/**
 * The route's own zod schemas (query, path, and a body checked by zod) become JSON Schema as
 * fastify-type-provider-zod converts them; what a route declares as documentation already (its
 * answers, a body its handler parses itself) is passed on as written. Anything outside the API
 * (pages, the add-in's files, /metrics, the CORS preflight) is not an operation.
 */
const transform: typeof jsonSchemaTransform = (route) => {
  const { url } = route;
  if (!url.startsWith(`${API_PREFIX}/`)) return { schema: { hide: true }, url };
  const { response, body, ...rest } = (route.schema ?? {}) as Record<string, unknown>;
  const zod = jsonSchemaTransform({
    ...route,
    schema: { ...rest, ...(isZod(body) ? { body } : {}) },
  });
  return {
    url: url.slice(API_PREFIX.length),
    schema: {
      ...zod.schema,
      ...(body !== undefined && !isZod(body) ? { body } : {}),
      ...(response !== undefined ? { response } : {}),
    },
  };
};

/**
 * The validator of a route whose body (or headers) its handler reads itself: the document
 * describes them, the handler's own parser answers for them (the sheet document's parser names
 * the field at fault in Chinese; POST /submissions must not parse its body twice). Query and path
 * parameters are checked by their zod schemas as on every route.
 */
export const parsedByHandler: FastifySchemaCompiler<unknown> = (route) =>
  route.httpPart === "body" || route.httpPart === "headers"
    ? (data) => ({ value: data })
    : validatorCompiler(route as Parameters<typeof validatorCompiler>[0]);

/**
 * Answers are sent as the handlers build them: the response schemas on the routes document them
 * (test/server/openapi.test.ts checks each answer against them), they do not reshape them. A zod
 * encoding would reorder and drop fields of error bodies clients already read, and cost every
 * answer a walk.
 */
export const asSent = () => (data: unknown) => JSON.stringify(data);

/** @fastify/swagger, collecting every route from here on into the document. */
export async function registerOpenApi(app: FastifyInstance, version: string): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: { title: "填报 Tianbao collection API", version },
      servers: [{ url: API_PREFIX }],
      components: {
        securitySchemes: { bearer: { type: "http", scheme: "bearer" } },
        schemas: componentSchemas() as never,
      },
    },
    transform,
    // OpenAPI 3.1 is JSON Schema 2020-12: `const` stays `const`.
    convertConstToEnum: false,
  });
}

/** GET /openapi.json: the document, built from the routes once they are all registered. */
export const openApiRoutes: FastifyPluginAsyncZod = async (api) => {
  api.get(
    "/openapi.json",
    {
      config: { public: true },
      schema: {
        summary: "This document",
        response: responses(open, { 200: answer("the OpenAPI document", { type: "object" }) }),
      },
    },
    async () => api.swagger()
  );
};
