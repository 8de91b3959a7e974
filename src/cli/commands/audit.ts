import type { Command } from "commander";
import { openStore } from "../../server/db/connect";
import { verifyChain } from "../../server/db/chain-verify";
import type { CliIO } from "../io";

const DB_HELP =
  "sqlite:FILE or postgres://… (default: TIANBAO_DB, else sqlite:./data/tianbao.sqlite)";

/** Most breaks printed: the first one is what matters, the count says how far it goes. */
const SHOWN = 20;

export function registerAudit(program: Command, io: CliIO): void {
  const audit = program.command("audit").description("the tamper-evident audit chain");
  audit
    .command("verify")
    .description(
      "walk the audit chain: exit 0 when intact, 1 naming the first link edited, deleted or out of place"
    )
    .option("--db <url>", DB_HELP)
    .action(async (flags: { db?: string }) => {
      const store = await openStore(flags.db, { checkChainKey: false });
      try {
        const v = await verifyChain(store.db);
        const head = v.head ? `head ${v.head.seq} ${v.head.digest} at ${v.head.at}` : "no head";
        if (!v.problems.length) {
          io.out(`审计链完整 chain intact: ${v.links} links, ${v.rows} rows, ${head}`);
          return;
        }
        for (const p of v.problems.slice(0, SHOWN)) io.out(p.message);
        if (v.problems.length > SHOWN) io.out(`… ${v.problems.length - SHOWN} more`);
        io.out(
          `审计链已被篡改 chain broken: ${v.problems.length} break(s) in ${v.links} links, ${head}`
        );
        io.setExitCode(1);
      } finally {
        await store.close();
      }
    });
}
