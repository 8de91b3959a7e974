import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from "fastify";
import { buildApp } from "../../src/server/app";
import { XLSX_TYPE } from "../../src/server/xlsx-files";
import { registerPages } from "../../src/server/pages";
import { registerWpsRoutes } from "../../src/server/wps-routes";
import { hospitalDoc } from "../helpers/documents";
import { counts, listTable } from "../helpers/heavy-tables";
import { createTestDb, startTestServer, type TestDb, type TestServer } from "../helpers/server";
import stat3 from "../../src/templates/stat-3.json";
import { templates } from "../../src/templates";

/**
 * The OpenAPI document the server serves is true of it: every route is in it, and every answer
 * an operation gives — refusals above all — has a documented status and a body of the documented
 * schema. Checked with the JSON Schema validator Fastify itself depends on (draft 2020-12).
 */
type Validate = ((data: unknown) => boolean) & { errors?: unknown[] | null };
interface Ajv {
  addSchema(schema: object, key: string): void;
  getSchema(ref: string): Validate | undefined;
}
const Ajv2020 = require(
  require.resolve("ajv/dist/2020", { paths: [dirname(require.resolve("@fastify/ajv-compiler"))] })
).default as new (opts: object) => Ajv;

type Who = "H1" | "H2" | "H3" | "CTY" | "CTY2" | "CITY" | "ADMIN";

/** A request each operation answers with success, and tokens it must refuse. */
interface Recipe {
  token?: Who;
  path?: Record<string, string>;
  query?: string;
  body?: unknown;
  contentType?: string;
  headers?: Record<string, string>;
  wrongRoles?: Who[];
}

const PERIOD = "2021-07";
const lock = { unit: "H1", template: "stat-3", period: PERIOD };
const report = `template=stat-3&period=${PERIOD}`;

/**
 * Routes the server registers that are not API operations, so not in the document; each for a
 * reason. HEAD routes are left out too: Fastify adds one for every GET, answering as it does.
 */
const NOT_OPERATIONS = [
  "GET /", // redirects to the task pane
  "GET /web", // redirects to the web page
  "GET /addin/*", // the add-in's built files (a static folder)
  "GET /wps/jsplugins.xml", // WPS's list of plugins, XML its desktops read at start (docs/wps.md)
  "OPTIONS *", // CORS preflight, answered by @fastify/cors
  "GET /metrics", // Prometheus' text for the bureau's IT, outside the API (docs/operations.md)
];

/** Every route a server built as serve.ts builds it registers, as "METHOD /path", HEAD left out. */
async function registeredRoutes(store: TestServer["store"]): Promise<string[]> {
  const out: string[] = [];
  const app = await buildApp({
    store,
    templates: templates(),
    version: "t",
    onRoute: (route) => {
      for (const method of [route.method].flat())
        if (method !== "HEAD") out.push(`${method} ${route.url}`);
    },
  });
  const addin = mkdtempSync(join(tmpdir(), "addin-"));
  try {
    await registerPages(app, addin);
    registerWpsRoutes(app, addin, "t");
    await app.ready();
  } finally {
    await app.close();
    rmSync(addin, { recursive: true, force: true });
  }
  return out;
}

/** `/api/v1/submissions/:id` → `/submissions/{id}`, as the document names it. */
const asDocumented = (route: string): string =>
  route.replace(" /api/v1/", " /").replace(/:(\w+)/g, "{$1}");

describe("the OpenAPI document tells what the server answers", () => {
  let db: TestDb;
  let s: TestServer;
  let doc: {
    paths: Record<string, Record<string, { responses: Record<string, { content?: object }> }>>;
  };
  let ajv: Ajv;
  let submissionId = "";
  let blankXlsx: Buffer = Buffer.alloc(0);
  const recipes: Record<string, Recipe> = {};

  beforeAll(async () => {
    db = await createTestDb("sqlite");
    s = await startTestServer(db.url, { now: () => new Date("2021-08-05T02:00:00Z") });
    await registerPages(s.app, null);
    doc = (await s.app.inject({ url: "/api/v1/openapi.json" })).json();
    ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
    ajv.addSchema(doc, "openapi");

    // A table to retire, a version to read and a blank file to upload.
    const spare = listTable("spare", counts(2), []);
    expect(
      (await inject({ method: "POST", url: "/templates", body: spare }, "ADMIN")).statusCode
    ).toBe(201);
    const first = await inject(
      {
        method: "POST",
        url: "/submissions",
        body: hospitalDoc({ period: PERIOD }),
        headers: { "idempotency-key": "first-version-1" },
      },
      "H1"
    );
    expect(first.statusCode).toBe(201);
    submissionId = first.json().id;
    const file = await inject({ method: "GET", url: `/template.xlsx?${report}` }, "H1");
    expect(file.statusCode).toBe(200);
    blankXlsx = file.rawPayload;

    Object.assign(recipes, {
      "GET /health": {},
      "GET /openapi.json": {},
      "GET /templates": {},
      "POST /templates": { token: "ADMIN", body: stat3, wrongRoles: ["H1", "CTY"] },
      "GET /templates/{id}": { path: { id: "stat-3" } },
      "POST /templates/{id}/retire": {
        token: "ADMIN",
        path: { id: "spare" },
        wrongRoles: ["H1", "CTY"],
      },
      "GET /me": { token: "H1" },
      "GET /audit/head": { token: "CTY", wrongRoles: ["H1"] },
      "POST /validate": {
        token: "H1",
        body: hospitalDoc({ period: PERIOD }),
        wrongRoles: ["H2", "ADMIN"],
      },
      "POST /submissions": {
        token: "H1",
        body: hospitalDoc({ period: PERIOD, c1: 1 }),
        headers: { "idempotency-key": "second-version" },
        wrongRoles: ["H2", "CTY", "ADMIN"],
      },
      "GET /submissions": { token: "H1", query: "unit=H1", wrongRoles: ["H2", "ADMIN"] },
      "GET /submissions/{id}": {
        token: "H1",
        path: { id: submissionId },
        wrongRoles: ["H2", "CTY2", "ADMIN"],
      },
      "GET /submissions/{id}/diff": {
        token: "H1",
        path: { id: submissionId },
        wrongRoles: ["H2", "CTY2", "ADMIN"],
      },
      "GET /status": {
        token: "CTY",
        query: `${report}&unit=CTY`,
        wrongRoles: ["H2", "CTY2", "ADMIN"],
      },
      "GET /consolidated": {
        token: "CTY",
        query: `${report}&unit=CTY`,
        wrongRoles: ["H1", "CTY2", "ADMIN"],
      },
      "GET /locks": { token: "CTY", query: `${report}&unit=H1`, wrongRoles: ["CTY2", "ADMIN"] },
      "POST /locks": { token: "CTY", body: lock, wrongRoles: ["H1", "CTY2", "ADMIN"] },
      "DELETE /locks": { token: "CTY", body: lock, wrongRoles: ["H1", "CTY2", "ADMIN"] },
      "POST /reviews": {
        token: "CTY",
        body: { ...lock, decision: "return", reason: "请核对" },
        wrongRoles: ["H1", "CTY2", "ADMIN"],
      },
      "GET /template.xlsx": { token: "H1", query: report, wrongRoles: ["ADMIN"] },
      "POST /uploads": {
        token: "H1",
        query: report,
        body: blankXlsx,
        contentType: XLSX_TYPE,
        wrongRoles: ["ADMIN"],
      },
    } satisfies Record<string, Recipe>);
  });
  afterAll(async () => {
    await s?.close();
    await db?.drop();
  });

  async function inject(
    r: {
      method: string;
      url: string;
      body?: unknown;
      contentType?: string;
      headers?: Record<string, string>;
    },
    who?: Who,
    app: FastifyInstance = s.app
  ): Promise<LightMyRequestResponse> {
    const body = r.body;
    return app.inject({
      method: r.method as InjectOptions["method"],
      url: `/api/v1${r.url}`,
      headers: {
        ...(who ? { authorization: `Bearer ${s.tokens[who]}` } : {}),
        ...(body === undefined ? {} : { "content-type": r.contentType ?? "application/json" }),
        ...r.headers,
      },
      ...(body === undefined
        ? {}
        : {
            payload:
              Buffer.isBuffer(body) || typeof body === "string" ? body : JSON.stringify(body),
          }),
    });
  }

  const operations = (): string[] =>
    Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`)
    );

  /** The request of a recipe, with its path filled in and `extra` added to its query string. */
  const requestOf = (op: string, extra = "", over: Partial<Recipe> = {}) => {
    const [method, template] = op.split(" ") as [string, string];
    const r = { ...recipes[op]!, ...over };
    const url = template.replace(/\{(\w+)\}/g, (_m, k: string) =>
      encodeURIComponent(r.path?.[k] ?? "x")
    );
    const q = [r.query, extra].filter(Boolean).join("&");
    return {
      method,
      url: q ? `${url}?${q}` : url,
      body: r.body,
      contentType: r.contentType,
      headers: r.headers,
    };
  };

  /** What is wrong with an answer against the document: "" when nothing. */
  function against(op: string, res: LightMyRequestResponse): string {
    const [method, path] = op.split(" ") as [string, string];
    const status = String(res.statusCode);
    const documented = doc.paths[path]![method.toLowerCase()]!.responses;
    if (!(status in documented))
      return `${op}: ${status} is not documented (${Object.keys(documented).join(", ")}): ${res.body.slice(0, 200)}`;
    const type = String(res.headers["content-type"] ?? "").split(";")[0]!;
    const content = (documented[status]!.content ?? {}) as Record<string, unknown>;
    if (!(type in content))
      return `${op}: ${status} answered ${type}, documented ${Object.keys(content).join(", ")}`;
    if (type !== "application/json") return "";
    const pointer = `/paths/${path.replace(/~/g, "~0").replace(/\//g, "~1")}/${method.toLowerCase()}/responses/${status}/content/application~1json/schema`;
    const validate = ajv.getSchema(`openapi#${pointer}`)!;
    return validate(res.json())
      ? ""
      : `${op}: ${status} body ${res.body.slice(0, 200)} is not of its schema: ${JSON.stringify(validate.errors)}`;
  }

  it("answers a return while the period is locked with a documented 409 locked", async () => {
    const period = "2021-05";
    const sent = await inject(
      {
        method: "POST",
        url: "/submissions",
        body: hospitalDoc({ period }),
        headers: { "idempotency-key": "locked-return-1" },
      },
      "H1"
    );
    expect(sent.statusCode).toBe(201);
    const key = { unit: "H1", template: "stat-3", period };
    expect((await inject({ method: "POST", url: "/locks", body: key }, "CITY")).statusCode).toBe(
      200
    );
    const res = await inject(
      { method: "POST", url: "/reviews", body: { ...key, decision: "return", reason: "请核对" } },
      "CTY"
    );
    expect([res.statusCode, res.json().error]).toEqual([409, "locked"]);
    expect(against("POST /reviews", res)).toBe("");
  });

  it("lists every route the server registers, and nothing else, apart from its pages", async () => {
    const registered = await registeredRoutes(s.store);
    // Each route named as no operation is one the server has: the list cannot keep a stale name.
    expect(NOT_OPERATIONS.filter((r) => !registered.includes(r))).toEqual([]);
    const routes = registered.filter((r) => !NOT_OPERATIONS.includes(r)).map(asDocumented);
    expect(routes).toEqual(expect.arrayContaining(["GET /template.xlsx", "POST /uploads"]));
    expect(operations().sort()).toEqual([...new Set(routes)].sort());
  });

  it("answers each operation's request without a token as documented (401 where a token is needed)", async () => {
    const wrong: string[] = [];
    for (const op of operations()) {
      const res = await inject(requestOf(op));
      const secured = "security" in doc.paths[op.split(" ")[1]!]![op.split(" ")[0]!.toLowerCase()]!;
      if (secured && res.statusCode !== 401) wrong.push(`${op}: ${res.statusCode} without a token`);
      wrong.push(against(op, res));
    }
    expect(wrong.filter(Boolean)).toEqual([]);
  });

  it("refuses a malformed query string of every operation with a documented 400", async () => {
    const wrong: string[] = [];
    for (const op of operations()) {
      for (const extra of ["period=2021-13", "unit=H1&unit=H2", "template=%E4%B8"]) {
        const res = await inject(requestOf(op, extra), recipes[op]!.token);
        if (res.statusCode !== 400) wrong.push(`${op}?${extra}: ${res.statusCode}, not 400`);
        wrong.push(against(op, res));
      }
    }
    expect(wrong.filter(Boolean)).toEqual([]);
  });

  it("refuses a malformed, mistyped or oversized body with a documented 400, 415 or 413", async () => {
    const wrong: string[] = [];
    const big = `{"x":"${"a".repeat(6 * 1024 * 1024)}"}`;
    for (const op of operations().filter((o) => recipes[o]!.body !== undefined)) {
      const token = recipes[op]!.token;
      const xlsx = recipes[op]!.contentType === XLSX_TYPE;
      const cases: [Partial<Recipe>, number][] = [
        [{ body: "{", contentType: "application/json" }, 400],
        [
          { body: "[1, 2]", contentType: "application/json" },
          xlsx ? 415 : op === "POST /templates" ? 422 : 400,
        ],
        [{ body: "<x/>", contentType: "application/xml" }, 415],
        [{ body: big, contentType: xlsx ? XLSX_TYPE : "application/json" }, 413],
      ];
      for (const [over, status] of cases) {
        const res = await inject(requestOf(op, "", over), token);
        if (res.statusCode !== status)
          wrong.push(`${op} ${String(over.body).slice(0, 6)}: ${res.statusCode}, not ${status}`);
        wrong.push(against(op, res));
      }
    }
    expect(wrong.filter(Boolean)).toEqual([]);
  });

  it("refuses a token of the wrong role or unit with a documented status (403 or 404), its body of the schema", async () => {
    const wrong: string[] = [];
    for (const op of operations()) {
      const roles = recipes[op]!.wrongRoles ?? [];
      for (const who of roles) {
        const res = await inject(requestOf(op), who);
        if (res.statusCode !== 403 && res.statusCode !== 404)
          wrong.push(`${op} as ${who}: ${res.statusCode}`);
        wrong.push(against(op, res));
      }
    }
    expect(wrong.filter(Boolean)).toEqual([]);
  });

  it("answers each operation's own request as documented, its body of the schema", async () => {
    const wrong: string[] = [];
    for (const op of operations()) {
      // A key of its own: the refusals above used the recipe's key with other bodies.
      const key = recipes[op]!.headers ? { headers: { "idempotency-key": randomUUID() } } : {};
      const res = await inject(requestOf(op, "", key), recipes[op]!.token);
      if (res.statusCode >= 300) wrong.push(`${op}: ${res.statusCode} ${res.body.slice(0, 200)}`);
      wrong.push(against(op, res));
    }
    expect(wrong.filter(Boolean)).toEqual([]);
  });

  it("documents a request body that takes every body the operations above accepted", () => {
    const wrong: string[] = [];
    for (const op of operations()) {
      const body = recipes[op]!.body;
      if (body === undefined || Buffer.isBuffer(body)) continue;
      const [method, path] = op.split(" ") as [string, string];
      const pointer = `/paths/${path.replace(/\//g, "~1")}/${method.toLowerCase()}/requestBody/content/application~1json/schema`;
      const validate = ajv.getSchema(`openapi#${pointer}`);
      if (!validate) wrong.push(`${op}: no JSON request body documented`);
      else if (!validate(body)) wrong.push(`${op}: ${JSON.stringify(validate.errors)}`);
    }
    expect(wrong).toEqual([]);
  });

  it("answers too many requests with a documented 429 on every operation", async () => {
    const limited = await startTestServer(db.url, { rateLimitPerMinute: 1 });
    try {
      await limited.app.inject({ url: "/api/v1/health" });
      const wrong: string[] = [];
      for (const op of operations()) {
        const res = await inject(requestOf(op), recipes[op]!.token, limited.app);
        if (res.statusCode !== 429) wrong.push(`${op}: ${res.statusCode}, not 429`);
        wrong.push(against(op, res));
      }
      expect(wrong.filter(Boolean)).toEqual([]);
    } finally {
      await limited.close();
    }
  });

  it("answers a body that arrives too slowly with a documented 408 on every operation that takes one", async () => {
    const slow = await buildApp({
      store: s.store,
      templates: templates(),
      version: "t",
      rateLimitPerMinute: 100000,
      bodyTimeoutMs: 200,
    });
    await slow.listen({ port: 0, host: "127.0.0.1" });
    const port = (slow.server.address() as AddressInfo).port;
    /** Sends the headers and the first byte of a longer body, and waits for the answer. */
    const partial = (op: string) =>
      new Promise<LightMyRequestResponse>((resolve, reject) => {
        const r = requestOf(op);
        const req = httpRequest({
          host: "127.0.0.1",
          port,
          method: r.method,
          path: `/api/v1${r.url}`,
          headers: {
            authorization: `Bearer ${s.tokens[recipes[op]!.token!]}`,
            "content-type": r.contentType ?? "application/json",
            "content-length": "1000",
            ...r.headers,
          },
        });
        req.on("error", () => undefined);
        req.on("response", (res) => {
          let body = "";
          res.on("data", (c: Buffer) => (body += c.toString()));
          res.on("end", () => {
            req.destroy();
            resolve({
              statusCode: res.statusCode ?? 0,
              headers: res.headers,
              body,
              json: () => JSON.parse(body) as unknown,
            } as unknown as LightMyRequestResponse);
          });
          res.on("error", reject);
        });
        req.write("{");
      });
    try {
      const wrong: string[] = [];
      for (const op of operations().filter((o) => recipes[o]!.body !== undefined)) {
        const res = await partial(op);
        if (res.statusCode !== 408) wrong.push(`${op}: ${res.statusCode}, not 408`);
        wrong.push(against(op, res));
      }
      expect(wrong.filter(Boolean)).toEqual([]);
    } finally {
      await slow.close();
    }
  });
});
