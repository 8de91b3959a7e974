import { a1, areaA1 } from "../../src/core/layout/address";
import type { LiveSheet } from "../../src/excel/live";
import { HIGHEST_LEVEL, LOWEST_LEVEL } from "../excel-host/host";
import { WorkbookSession } from "../../src/excel/session";
import { templates } from "../../src/templates";
import { loadFixtures } from "../helpers/fixtures";
import { putDocument } from "./sheet-data";
import { atLeast, insertFixture, LEVELS, openHost, openStat3 } from "./setup";

const at = (l: LiveSheet, row: string, col: string): string =>
  a1(l.plan.rowIndex[row]!, l.plan.colIndex[col]!);
const rules = (l: LiveSheet): string[] =>
  l.model.issues("fill").map((i) => `${i.rule}@${i.row}.${i.col}`);

const stat3 = openStat3;

async function stat1(level: string, units: number) {
  const { host, session } = await openHost(level);
  const live = await session.insert({
    templateId: "stat-1",
    period: "2021-07",
    unit: { code: "CTY", name: "示例县" },
    tier: null,
    listRows: Array.from({ length: units }, (_, i) => ({ key: `U${i + 1}`, name: `单位${i + 1}` })),
  });
  return { host, session, live };
}

describe("one typed cell", () => {
  it("ExcelApi 1.9+: no round trip, no write, the undo stack kept, the issue in the pane", async () => {
    const { host, live } = await stat3(HIGHEST_LEVEL);
    const m = await host.measure(() =>
      host.user.typeInto(live.name, at(live, "public.g2", "c10"), 1.5)
    );
    expect(m.result.accepted).toBe(true);
    expect([m.syncs, m.writes, m.runs]).toEqual([0, 0, 0]);
    expect(host.user.canUndo).toBe(true);
    expect(rules(live)).toEqual(["stat-3.c10-needs-c8@public.g2.c10"]);
    // Excel paints the cell by itself (the conditional format installed at insertion).
    const painted = host.paintedCells(live.name).map((p) => a1(p.r, p.c));
    expect(painted).toEqual([at(live, "public.g2", "c10")]);
    // The fix: the case count typed (then its people, c9 ≥ c8); the pane's issue and the paint go.
    const fix = await host.measure(() =>
      host.user.typeInto(live.name, at(live, "public.g2", "c8"), 1)
    );
    expect([fix.syncs, fix.writes]).toEqual([0, 0]);
    expect(rules(live)).toEqual(["stat-3.c9-ge-c8@public.g2.c9"]);
    await host.user.typeInto(live.name, at(live, "public.g2", "c9"), 2);
    expect(rules(live)).toEqual([]);
    expect(host.paintedCells(live.name)).toEqual([]);
  });

  it("ExcelApi 1.8 (no details): one read of the changed cell, no write", async () => {
    const { host, live } = await stat3(LOWEST_LEVEL);
    const m = await host.measure(() =>
      host.user.typeInto(live.name, at(live, "public.g2", "c10"), 1.5)
    );
    expect([m.syncs, m.writes, m.runs]).toEqual([1, 0, 1]);
    expect(host.user.canUndo).toBe(true);
    expect(rules(live)).toEqual(["stat-3.c10-needs-c8@public.g2.c10"]);
  });

  it("data validation stops a negative count as Excel does; the model is untouched", async () => {
    const { host, live } = await stat3(HIGHEST_LEVEL);
    const r = await host.user.typeInto(live.name, at(live, "public.g2", "c1"), -3);
    expect(r).toEqual({ accepted: false, reason: "validation" });
    expect(live.model.document().rows).toEqual([]);
  });

  it("locked cells refuse typing: a subtotal and a label", async () => {
    const { host, live } = await stat3(HIGHEST_LEVEL);
    expect(await host.user.typeInto(live.name, at(live, "all", "c1"), 5)).toEqual({
      accepted: false,
      reason: "protected",
    });
    expect(await host.user.typeInto(live.name, "A1", "x")).toEqual({
      accepted: false,
      reason: "protected",
    });
  });
});

describe.each(LEVELS)("ExcelApi %s", (level) => {
  // No official table is 14 input columns wide: the widest block is stat-1's 12 (单位 and c1…c11),
  // pasted over 100 unit rows; a block wider than the table would fall on locked cells.
  it("a 100-row full-width paste costs at most 2 round trips and no write; it bypasses data validation", async () => {
    const { host, live } = await stat1(level, 100);
    const first = live.plan.colIndex.name!;
    const block = Array.from({ length: 100 }, (_, i) => [
      `单位${i + 1}`,
      ...Array.from({ length: 11 }, (_, j) => (i === 7 && j === 0 ? -1 : (i + j) % 5)),
    ]);
    const m = await host.measure(() =>
      host.user.paste(live.name, a1(live.plan.rowIndex.U1!, first), block)
    );
    expect(m.result.accepted).toBe(true);
    expect(m.syncs).toBeLessThanOrEqual(2);
    expect(m.syncs).toBe(1);
    expect(m.writes).toBe(0);
    expect(live.model.document().rows).toHaveLength(100);
    expect(rules(live)).toContain("cell.nonnegative@U8.c1");
  });

  it("clear, fill-down, undo and a co-author's edit all reach the model", async () => {
    const { host, live } = await stat3(level);
    const c2 = at(live, "public.g2", "c2");
    const c3 = at(live, "public.g2", "c3");
    const warning = "stat-3.c3-ge-c2@public.g2.c3";
    await host.user.typeInto(live.name, c2, 5);
    expect(rules(live)).toEqual([warning]);
    await host.user.typeInto(live.name, c3, 5);
    expect(rules(live)).toEqual([]);
    await host.user.clear(live.name, c3);
    expect(rules(live)).toEqual([warning]);
    await host.user.undo();
    expect(rules(live)).toEqual([]);
    // Fill-down over c2 from the row above (blank): c2 becomes blank.
    const above = at(live, "public.g3", "c2");
    await host.user.fillDown(live.name, `${above}:${c2}`);
    expect(live.model.document().rows[0]!.cells).toEqual({ c3: 5 });
    await host.user.undo();
    // A co-author changes the people count remotely.
    await host.user.remoteEdit(live.name, c3, [[1]]);
    expect(rules(live)).toEqual([warning]);
    expect(host.handlerErrors).toEqual([]);
  });

  it("空白填 0 writes once and its own change events do not cost a read", async () => {
    const { host, session, live } = await stat3(level);
    await host.user.typeInto(live.name, at(live, "public.g2", "c1"), 2);
    const m = await host.measure(() => session.fillBlanksWithZero(live.sheetId));
    expect(m.result).toBe(12); // c2…c13 of the hospital's own row
    expect(m.syncs).toBe(1);
    const doc = live.model.document();
    expect(doc.rows.map((r) => r.key)).toEqual(["public.g2"]);
    expect(Object.values(doc.rows[0]!.cells)).toEqual([2, ...Array(12).fill(0)]);
    expect(
      host.workbook.value(
        host.workbook.sheet(live.name)!,
        live.plan.rowIndex["public.g2"]!,
        live.plan.colIndex.c13!
      )
    ).toBe(0);
  });

  it("校验 reads once and marks what no format paints in one more write; read for submit is 1", async () => {
    const { host, session, live } = await stat3(level);
    const v = await host.measure(() => session.validateAll(live.sheetId));
    // An empty sheet at submission: every number of the own row and every header field is required.
    expect(v.result.some((i) => i.rule === "cell.required")).toBe(true);
    expect(v.syncs).toBe(2);
    const sheet = host.workbook.sheet(live.name)!;
    const r = live.plan.rowIndex["public.g2"]!;
    expect(sheet.format(r, live.plan.colIndex.c1!).fill).toBe("#FFC7CE");
    expect(sheet.protection.protected).toBe(true);
    // Nothing changed: checking again reads, and writes nothing.
    const again = await host.measure(() => session.validateAll(live.sheetId));
    expect([again.syncs, again.writes]).toEqual([1, 0]);
    // 空白填 0 takes the marks off the cells it fills, in its one round trip.
    const zero = await host.measure(() => session.fillBlanksWithZero(live.sheetId));
    expect(zero.syncs).toBe(1);
    expect(sheet.format(r, live.plan.colIndex.c1!).fill).toBeNull();
    expect(sheet.protection.protected).toBe(true);
    const read = await host.measure(() => session.readDocument(live.sheetId));
    expect(read.syncs).toBe(1);
    expect(read.result.rows.find((x) => x.key === "public.g2")!.cells.c1).toBe(0);
    // The header fields are still required and still marked.
    const phone = live.plan.header.phone;
    expect(sheet.format(phone.r, phone.c).fill).toBe("#FFC7CE");
    await host.user.typeInto(live.name, a1(phone.r, phone.c), "0772-6815093");
    await session.validateAll(live.sheetId);
    expect(sheet.format(phone.r, phone.c).fill).toBeNull();
  });

  it("the marks' own change events cost nothing: 校验 stays at 2 round trips, typing after it at 0 / 1", async () => {
    const { host, session, live } = await stat3(level);
    const seen: string[] = [];
    const stop = live.subscribe(() => seen.push("notify"));
    // An empty sheet: the own row's numbers and the header fields are marked in several rectangles.
    const v = await host.measure(() => session.validateAll(live.sheetId));
    expect([v.syncs, v.writes > 0, v.runs]).toEqual([2, true, 2]);
    expect(live.marked.length).toBeGreaterThan(1);
    expect(host.handlerErrors).toEqual([]);
    // Only the marks changed the pane (no read of the marked cells came back as an edit).
    expect(seen).toEqual(["notify", "notify"]);
    stop();
    // Marks taken off by a check with nothing to mark are as quiet.
    const r = live.plan.rowIndex["public.g2"]!;
    const typed = await host.measure(() =>
      host.user.typeInto(live.name, a1(r, live.plan.colIndex.c1!), 3)
    );
    expect([typed.syncs, typed.writes]).toEqual([atLeast(level, "1.9") ? 0 : 1, 0]);
  });

  it("selecting an issue's cell activates its sheet and selects the cell in one round trip", async () => {
    const { host, session, live } = await stat3(level);
    host.workbook.activeSheetId = host.workbook.sheets[0]!.id;
    const m = await host.measure(() =>
      session.select(live.sheetId, { row: "public.g2", col: "c10" })
    );
    expect(m.syncs).toBe(1);
    expect(host.workbook.activeSheetId).toBe(live.sheetId);
    expect(areaA1(host.workbook.selection!.area)).toBe(at(live, "public.g2", "c10"));
    await session.select(live.sheetId, { row: "header", col: "phone" });
    const phone = live.plan.header.phone;
    expect(areaA1(host.workbook.selection!.area)).toBe(a1(phone.r, phone.c));
  });
});

it("a scripted session of 200 mixed edits at ExcelApi 1.9: at most 0.2 sync per edit, no write", async () => {
  const { host, live } = await stat1("1.9", 30);
  const inputs = live.plan.cells.filter((c) => c.kind === "input" && c.bind?.col !== "name");
  let seed = 7;
  const rnd = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const m = await host.measure(async () => {
    for (let i = 0; i < 200; i++) {
      const cell = inputs[rnd(inputs.length)]!;
      const kind = i % 10;
      if (kind < 8) await host.user.typeInto(live.name, a1(cell.r, cell.c), rnd(9));
      else if (kind === 8) await host.user.clear(live.name, a1(cell.r, cell.c));
      else
        await host.user.paste(
          live.name,
          a1(cell.r, cell.c),
          [[rnd(5)], [rnd(5)]].slice(0, cell.r + 2 < live.plan.rowIndex.U30! ? 2 : 1)
        );
    }
  });
  expect(m.writes).toBe(0);
  expect(m.syncs / 200).toBeLessThanOrEqual(0.2);
  expect(host.user.canUndo).toBe(true);
});

describe.each(LEVELS)("ExcelApi %s: 200 edits with cell-edit mode interleaved", (level) => {
  it("the user starts typing in the next cell while a read is pending; the model ends equal to the sheet", async () => {
    const { host, live } = await stat1(level, 30);
    const inputs = live.plan.cells.filter((c) => c.kind === "input" && c.bind?.col !== "name");
    let seed = 11;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    for (let i = 0; i < 200; i++) {
      const cell = inputs[rnd(inputs.length)]!;
      const next = inputs[rnd(inputs.length)]!;
      const kind = i % 4;
      if (kind === 0) {
        // A paste needs a read at every level; the next cell is being typed into meanwhile.
        await host.user.paste(
          live.name,
          a1(cell.r, cell.c),
          [[rnd(9)]].concat(cell.r + 1 < live.plan.rowIndex.U30! ? [[rnd(9)]] : []),
          { settle: false }
        );
        host.user.beginEdit(live.name, a1(next.r, next.c));
        await new Promise((r) => setTimeout(r, 1));
        await host.user.commitEdit(rnd(9));
      } else if (kind === 1) {
        await host.user.typeInto(live.name, a1(cell.r, cell.c), rnd(9), { settle: false });
        host.user.beginEdit(live.name, a1(next.r, next.c));
        await new Promise((r) => setTimeout(r, 1));
        if (rnd(2)) await host.user.commitEdit(rnd(9));
        else host.user.cancelEdit();
      } else if (kind === 2) await host.user.clear(live.name, a1(cell.r, cell.c));
      else await host.user.typeInto(live.name, a1(cell.r, cell.c), rnd(9));
    }
    await host.settle();
    expect(host.handlerErrors).toEqual([]);
    const sheet = host.workbook.sheet(live.name)!;
    for (const c of inputs) {
      const v = host.workbook.value(sheet, c.r, c.c);
      const inModel = live.model.document().rows.find((r) => r.key === c.bind!.row)?.cells[
        c.bind!.col
      ];
      expect([a1(c.r, c.c), inModel ?? ""]).toEqual([a1(c.r, c.c), v]);
    }
  });
});

describe.each(LEVELS)(
  "ExcelApi %s: an Excel that fails reads in cell-edit mode anyway (office-js #3019)",
  (level) => {
    it("the read is tried again until the edit ends; if it never does in time, the pane says why and reads all next time", async () => {
      const { host, live } = await openStat3(level);
      host.ignoreDelayForCellEdit = true;
      const c1 = at(live, "public.g2", "c1");
      await host.user.paste(live.name, c1, [[4, 3]], { settle: false });
      host.user.beginEdit(live.name, at(live, "public.g2", "c10"));
      await new Promise((r) => setTimeout(r, 80)); // a retry or two while the user types
      await host.user.commitEdit(1.5);
      expect(live.notice).toBeNull();
      expect(live.model.document().rows[0]!.cells).toEqual({ c1: 4, c2: 3, c10: 1.5 });

      // The user keeps the cell open past every retry: the change is missed, and the pane says so.
      await host.user.paste(live.name, c1, [[6, 5]], { settle: false });
      host.user.beginEdit(live.name, at(live, "public.g2", "c11"));
      await new Promise((r) => setTimeout(r, 1700));
      expect(live.notice).toContain("请先按 Enter 或 Esc 结束单元格编辑");
      expect(live.model.document().rows[0]!.cells.c1).toBe(4);
      // The next change reads the whole sheet: the model catches up and the notice goes.
      await host.user.commitEdit(2);
      expect(live.notice).toBeNull();
      expect(live.model.document().rows[0]!.cells).toEqual({ c1: 6, c2: 5, c10: 1.5, c11: 2 });
    });
  }
);

describe.each(LEVELS)("ExcelApi %s: undo as today's Excel keeps it", (level) => {
  it("typing never writes and stays undoable; 空白填 0 is one undo step above it; the insertion's protection clears the stack", async () => {
    const { host, session, live } = await openStat3(level);
    // Inserting protects the sheet, an API without undo support: nothing before it can be undone
    // (below 1.12 the binding's second request, a settings write, is a step of its own).
    const base = host.user.undoSteps;
    expect(base).toBe(atLeast(level, "1.12") ? 0 : 1);
    await host.user.typeInto(live.name, at(live, "public.g2", "c1"), 2);
    expect(host.user.undoSteps).toBe(base + 1);
    const m = await host.measure(() => session.fillBlanksWithZero(live.sheetId));
    expect([m.syncs, host.user.undoSteps]).toEqual([1, base + 2]);
    expect(host.user.canUndoOwnEdit).toBe(true);
    // Ctrl+Z takes the zeros back in one step; the pane's model follows Excel's change event.
    await host.user.undo();
    expect(live.model.document().rows[0]!.cells).toEqual({ c1: 2 });
  });
});

describe.each(LEVELS)("ExcelApi %s: marks left by an earlier pane", (level) => {
  it("校验 after the pane was opened again takes off the red marks of the last check once the sheet is right", async () => {
    const clean = loadFixtures().find((f) => f.name === "clean-stat-3-hospital")!;
    const { host, session } = await openHost(level);
    const live = await insertFixture(session, clean);
    const sheet = host.workbook.sheet(live.name)!;
    const fills = (): string[] =>
      live.plan.cells
        .filter((c) => sheet.format(c.r, c.c).fill === "#FFC7CE")
        .map((c) => a1(c.r, c.c));
    // The empty sheet checked: its required cells marked red.
    await session.validateAll(live.sheetId);
    expect(fills().length).toBeGreaterThan(10);
    // Excel closed; the clerk fills the sheet in (sent and accepted since); the pane opens again.
    await session.close();
    putDocument(host, live.name, live.plan, clean.document);
    const again = await WorkbookSession.open(templates(), "zh-CN");
    const reopened = again.sheets()[0]!;
    const v = await host.measure(() => again.validateAll(reopened.sheetId));
    expect(v.result.filter((i) => i.severity === "error")).toEqual([]);
    // Nothing to mark, and nothing of the last pane's marks left: still 校验's two round trips.
    expect(fills()).toEqual([]);
    expect([v.syncs, v.runs]).toEqual([2, 2]);
    expect(sheet.protection.protected).toBe(true);
    expect(host.handlerErrors).toEqual([]);
    // Known now: checking again writes nothing.
    const next = await host.measure(() => again.validateAll(reopened.sheetId));
    expect([next.syncs, next.writes]).toEqual([1, 0]);
  });

  it("a report that cannot be sent again (accepted or locked) is checked without marks, and loses those it had", async () => {
    const { host, session, live } = await openStat3(level);
    const sheet = host.workbook.sheet(live.name)!;
    const red = (): number =>
      live.plan.cells.filter((c) => sheet.format(c.r, c.c).fill === "#FFC7CE").length;
    await session.validateAll(live.sheetId);
    expect(red()).toBeGreaterThan(10);
    const v = await host.measure(() => session.validateAll(live.sheetId, { mark: false }));
    expect(v.result.some((i) => i.rule === "cell.required")).toBe(true);
    expect([v.syncs, red(), live.marked.length]).toEqual([2, 0, 0]);
    expect(sheet.protection.protected).toBe(true);
  });
});
