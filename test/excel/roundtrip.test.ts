import { a1 } from "../../src/core/layout/address";
import { withComputedCells } from "../../src/core/computed";
import { templates } from "../../src/templates";
import { issueSet, loadFixtures } from "../helpers/fixtures";
import { normalized } from "./sheet-data";
import { insertFixture, LEVELS, openHost } from "./setup";

const reg = templates();
const clean = loadFixtures().filter((f) => /clean-|seed-004-ledger/.test(f.name));

describe.each(LEVELS)("ExcelApi %s", (level) => {
  it.each(clean.map((f) => [f.name, f] as const))(
    "%s: typed by the user, read back in one sync, is the same document",
    async (_name, f) => {
      const t = reg.get(f.document.template)!;
      const { host, session } = await openHost(level);
      const live = await insertFixture(session, f);
      const rows = new Map(f.document.rows.map((r) => [r.key, r.cells]));
      for (const cell of live.plan.cells) {
        let v: unknown;
        if (cell.kind === "input" && cell.bind) v = rows.get(cell.bind.row)?.[cell.bind.col];
        else if (cell.header) v = f.document.header[cell.header];
        if (v === undefined || v === null || v === "") continue;
        const typed = await host.user.typeInto(live.name, a1(cell.r, cell.c), v as string | number);
        expect([a1(cell.r, cell.c), typed.accepted]).toEqual([a1(cell.r, cell.c), true]);
      }
      expect(issueSet(live.model.issues(f.phase))).toEqual(issueSet(f.expect));
      const m = await host.measure(() => session.readDocument(live.sheetId));
      expect(m.syncs).toBe(1);
      expect(normalized(m.result)).toEqual(normalized(withComputedCells(t, f.document)));
      expect(host.handlerErrors).toEqual([]);
    }
  );
});
