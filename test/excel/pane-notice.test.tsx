import { renderToStaticMarkup } from "react-dom/server";
import { a1 } from "../../src/core/layout/address";
import type { LiveSheet } from "../../src/excel/live";
import { SheetPanel } from "../../src/taskpane/components/SheetPanel";
import { STRINGS } from "../../src/taskpane/strings";
import { HIGHEST_LEVEL } from "../excel-host/host";
import { openStat3 } from "./setup";

const at = (l: LiveSheet, row: string, col: string): string =>
  a1(l.plan.rowIndex[row]!, l.plan.colIndex[col]!);

const panel = (live: LiveSheet, session: Parameters<typeof SheetPanel>[0]["session"]) =>
  renderToStaticMarkup(
    <SheetPanel
      session={session}
      live={live}
      locale="zh-CN"
      t={STRINGS["zh-CN"]}
      checked={false}
      onChecked={() => undefined}
      onNotice={() => undefined}
      onError={() => undefined}
      onRestored={() => undefined}
    />
  );

/** A change Excel did not let us read (cell-edit mode past every retry) must not pass in silence. */
it("the sheet panel says when a change could not be read, and stops saying it once the sheet is read again", async () => {
  const { host, session, live } = await openStat3(HIGHEST_LEVEL);
  host.ignoreDelayForCellEdit = true;
  expect(panel(live, session)).not.toContain('data-testid="live-notice"');

  await host.user.paste(live.name, at(live, "public.g2", "c1"), [[6, 5]], { settle: false });
  host.user.beginEdit(live.name, at(live, "public.g2", "c11"));
  await new Promise((r) => setTimeout(r, 1700));
  expect(live.notice).toContain("请先按 Enter 或 Esc 结束单元格编辑");
  const html = panel(live, session);
  expect(html).toContain('data-testid="live-notice"');
  expect(html).toContain("请先按 Enter 或 Esc 结束单元格编辑");

  await host.user.commitEdit(2);
  expect(live.notice).toBeNull();
  expect(panel(live, session)).not.toContain('data-testid="live-notice"');
});

it("a paste that took the input cells' validation is named as such, with 恢复表样 beside it", async () => {
  const { host, session, live } = await openStat3(HIGHEST_LEVEL);
  expect(panel(live, session)).not.toContain('data-testid="layout-broken"');
  const other = host.workbook.addSheet("别处");
  host.workbook.write(other, 0, 0, 5);
  host.workbook.write(other, 0, 1, 6);
  await host.user.copyPaste(
    { sheet: "别处", address: "A1:B1" },
    live.name,
    at(live, "public.g2", "c1")
  );
  const html = panel(live, session);
  expect(html).toContain('data-testid="layout-broken"');
  expect(html).toContain(STRINGS["zh-CN"].inputsBrokenBody);
  expect(html).toContain("恢复表样");
  expect(html).not.toContain(STRINGS["zh-CN"].layoutBrokenBody);
});
