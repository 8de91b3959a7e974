import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { parseTrustedProxies } from "../../server/client-address";
import { openStore } from "../../server/db/connect";
import { serve } from "../../server/serve";
import { issueToken, revokeToken, revokeUnitTokens } from "../../server/tokens";
import { getUnit, unitInputSchema, upsertUnits, type UnitInput } from "../../server/units";
import { CliExit, type CliIO } from "../io";

const DB_HELP =
  "sqlite:FILE or postgres://… (default: TIANBAO_DB, else sqlite:./data/tianbao.sqlite)";

/** Splits CSV text into rows of fields (quotes, doubled quotes, CRLF), keeping each row's line number. */
export function csvRows(
  text: string,
  opts: { keepEmpty?: boolean } = {}
): { line: number; fields: string[] }[] {
  const out: { line: number; fields: string[] }[] = [];
  let fields: string[] = [];
  let field = "";
  let quoted = false;
  let line = 1;
  let start = 1;
  const src = text.replace(/^\uFEFF/, "");
  for (let i = 0; i < src.length; i++) {
    const ch = src[i]!;
    if (quoted) {
      if (ch === '"' && src[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else {
        if (ch === "\n") line++;
        field += ch;
      }
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      fields.push(field);
      field = "";
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && src[i + 1] === "\n") i++;
      fields.push(field);
      if (opts.keepEmpty || fields.some((f) => f.trim() !== "")) out.push({ line: start, fields });
      fields = [];
      field = "";
      line++;
      start = line;
    } else field += ch;
  }
  fields.push(field);
  if (opts.keepEmpty || fields.some((f) => f.trim() !== "")) out.push({ line: start, fields });
  return out;
}

/** Reads a registry file; every problem is reported with its line (CSV) or index (JSON). */
export function readUnitsFile(path: string): UnitInput[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new CliExit(2, `cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  const problems: string[] = [];
  const units: UnitInput[] = [];
  const take = (raw: unknown, where: string): void => {
    const r = unitInputSchema.safeParse(raw);
    if (r.success) units.push(r.data);
    else
      problems.push(
        `${where}: ${r.error.issues.map((i) => `${i.path.join(".") || "row"}: ${i.message}`).join("; ")}`
      );
  };
  if (path.toLowerCase().endsWith(".json")) {
    let data: unknown;
    try {
      data = JSON.parse(text.replace(/^\uFEFF/, ""));
    } catch (e) {
      throw new CliExit(2, `${path} is not JSON: ${(e as Error).message}`);
    }
    if (!Array.isArray(data)) throw new CliExit(2, `${path}: a JSON registry is an array of units`);
    data.forEach((u, i) => take(u, `${path} [${i}]`));
  } else {
    const rows = csvRows(text);
    const header = rows.shift();
    const cols = header?.fields.map((f) => f.trim()) ?? [];
    for (const need of ["code", "name", "kind", "parent", "ownership", "grade"])
      if (!cols.includes(need))
        throw new CliExit(
          2,
          `${path}: line 1: the header lacks "${need}" (code,name,kind,parent,ownership,grade)`
        );
    for (const { line, fields } of rows) {
      if (fields.length !== cols.length) {
        problems.push(
          `${path}: line ${line}: ${fields.length} fields, the header has ${cols.length}`
        );
        continue;
      }
      take(Object.fromEntries(cols.map((c, i) => [c, fields[i]!.trim()])), `${path}: line ${line}`);
    }
  }
  const seen = new Set<string>();
  for (const u of units) {
    if (seen.has(u.code)) problems.push(`${path}: unit ${u.code} appears twice`);
    seen.add(u.code);
  }
  if (problems.length) throw new CliExit(1, `${problems.join("\n")}\nnothing was imported`);
  return units;
}

export function registerServer(program: Command, io: CliIO): void {
  program
    .command("serve")
    .description(
      "the collection server (HTTPS unless --http), serving the add-in under /addin/ and the API under /api/v1"
    )
    .option("--db <url>", DB_HELP)
    .option("--port <n>", "port (default: PORT, else 3000)")
    .option("--host <host>", "address to listen on", "0.0.0.0")
    .option("--http", "plain HTTP, behind a reverse proxy that terminates TLS")
    .option("--demo", "load the demo registry into an empty database and print demo tokens")
    .option("--backup-dir <dir>", "take a backup a day into this folder (docs/operations.md)")
    .option("--backup-keep <n>", "how many daily backups to keep", "7")
    .action(
      async (flags: {
        db?: string;
        port?: string;
        host: string;
        http?: boolean;
        demo?: boolean;
        backupDir?: string;
        backupKeep: string;
      }) => {
        const port = Number(flags.port ?? process.env.PORT ?? 3000);
        if (!Number.isInteger(port) || port < 1 || port > 65535)
          throw new CliExit(2, `--port must be 1-65535, not ${flags.port}`);
        const backupKeep = Number(flags.backupKeep);
        if (!Number.isInteger(backupKeep) || backupKeep < 1)
          throw new CliExit(
            2,
            `--backup-keep must be a whole number of 1 or more, not ${flags.backupKeep}`
          );
        let trustProxy: string | undefined;
        try {
          trustProxy = parseTrustedProxies(process.env.TIANBAO_TRUST_PROXY);
        } catch (e) {
          throw new CliExit(2, (e as Error).message);
        }
        const running = await serve({
          trustProxy,
          db: flags.db,
          port,
          host: flags.host,
          http: !!flags.http,
          demo: !!flags.demo,
          backups: flags.backupDir ? { dir: flags.backupDir, keep: backupKeep } : undefined,
          log: (l) => io.err(l),
        });
        for (const sig of ["SIGINT", "SIGTERM"] as const)
          process.once(sig, () => {
            io.err(`${sig}: finishing requests in flight, then stopping`);
            void running.stop().then(() => process.exit(0));
          });
        await new Promise<never>(() => undefined);
      }
    );

  const units = program.command("units").description("the unit registry");
  units
    .command("import")
    .description(
      "load or update units from CSV (code,name,kind,parent,ownership,grade) or JSON; a bad row imports nothing"
    )
    .argument("<file>")
    .option("--db <url>", DB_HELP)
    .action(async (file: string, flags: { db?: string }) => {
      const list = readUnitsFile(file);
      const store = await openStore(flags.db);
      try {
        await upsertUnits(store.db, list);
      } finally {
        await store.close();
      }
      io.err(`imported ${list.length} units`);
    });

  const token = program.command("token").description("access tokens");
  token
    .command("issue")
    .description(
      "prints a new token once, alone on stdout (only its hash is stored); its id goes to stderr"
    )
    .requiredOption("--unit <code>")
    .requiredOption("--role <role>", "reporter, collector or admin")
    .option("--db <url>", DB_HELP)
    .action(async (flags: { unit: string; role: string; db?: string }) => {
      if (!["reporter", "collector", "admin"].includes(flags.role))
        throw new CliExit(2, `--role must be reporter, collector or admin, not "${flags.role}"`);
      const store = await openStore(flags.db);
      try {
        if (!(await getUnit(store.db, flags.unit)))
          throw new CliExit(1, `unit ${flags.unit} is not in the registry`);
        const issued = await issueToken(store.db, flags.unit, flags.role as "reporter");
        io.out(issued.token);
        io.err(`token id: ${issued.id} (token revoke ${issued.id} ends it)`);
      } finally {
        await store.close();
      }
    });
  token
    .command("revoke")
    .description("ends a token at once (by the id `token issue` printed), or every token of a unit")
    .argument("[id]", "the token's id")
    .option("--unit <code>", "every active token of this unit")
    .option("--db <url>", DB_HELP)
    .action(async (id: string | undefined, flags: { unit?: string; db?: string }) => {
      if ((id === undefined) === (flags.unit === undefined))
        throw new CliExit(2, "give either a token id or --unit CODE (token revoke ID|--unit CODE)");
      const store = await openStore(flags.db);
      try {
        if (id !== undefined) {
          if (!(await revokeToken(store.db, id)))
            throw new CliExit(1, `no active token has the id ${id}`);
          io.err(`revoked token ${id}`);
          return;
        }
        const unit = flags.unit!;
        if (!(await getUnit(store.db, unit)))
          throw new CliExit(1, `unit ${unit} is not in the registry`);
        const n = await revokeUnitTokens(store.db, unit);
        io.err(`revoked ${n} token${n === 1 ? "" : "s"} of unit ${unit}`);
      } finally {
        await store.close();
      }
    });
}
