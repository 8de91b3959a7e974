import { useEffect, useReducer, useState, type CSSProperties, type ReactElement } from "react";
import { a1 } from "../../src/core/layout/address";
import { serialToIso } from "../../src/core/sheet/serial";
import type { ExcelHost } from "../excel-host/host";
import type { WpsEmulator } from "../wps-host/host";
import { areaAddress, type SheetState } from "../excel-host/state";

/** What the grid needs of an emulated host: Excel's or WPS's. */
export type GridHost = Pick<
  ExcelHost | WpsEmulator,
  "workbook" | "paintedCells" | "subscribe" | "notify"
> & {
  user: Pick<WpsEmulator["user"], "clear" | "typeInto">;
};

const PAINT: Record<string, "error" | "warning"> = { "#FFC7CE": "error", "#FFEB9C": "warning" };

/**
 * The emulated workbook drawn as HTML: sheet tabs, merged cells, the colours Excel's conditional
 * formats would show, and an input in every cell a user may type into (Enter commits through the
 * simulated user, so data validation and change events behave as in Excel).
 */
export function SheetGrid({ host }: { host: GridHost }): ReactElement {
  const [, redraw] = useReducer((n: number) => n + 1, 0);
  const [refusal, setRefusal] = useState<string | null>(null);
  useEffect(() => host.subscribe(redraw), [host]);
  const wb = host.workbook;
  const sheet = wb.sheets.find((s) => s.id === wb.activeSheetId) ?? wb.sheets[0]!;

  return (
    <div
      style={{
        flex: 1,
        minWidth: 0,
        display: "flex",
        flexDirection: "column",
        borderLeft: "1px solid #ccc",
      }}
    >
      <nav
        aria-label="工作表"
        style={{ display: "flex", gap: 4, padding: 4, background: "#f3f3f3" }}
      >
        {wb.sheets
          .filter((s) => s.visibility === "Visible")
          .map((s) => (
            <button
              key={s.id}
              data-testid="sheet-tab"
              aria-pressed={s === sheet}
              style={{ fontWeight: s === sheet ? 700 : 400 }}
              onClick={() => {
                wb.activeSheetId = s.id;
                host.notify();
              }}
            >
              {s.name}
            </button>
          ))}
      </nav>
      <div
        role="status"
        data-testid="refusal"
        style={{ minHeight: 20, padding: "2px 6px", color: "#9c0006" }}
      >
        {refusal}
      </div>
      {sheet.charts.map((c, i) => (
        // The harness does not draw charts: it says what Excel would draw, and from which cells.
        <div key={i} data-testid="chart" style={{ padding: "2px 6px", color: "#217346" }}>
          📊 {c.title} · {c.type} · {areaAddress(c.area)} ({c.seriesBy})
        </div>
      ))}
      <div style={{ overflow: "auto", flex: 1 }}>
        <Grid
          host={host}
          sheet={sheet}
          onRefused={(text) => setRefusal(text)}
          onAccepted={() => setRefusal(null)}
        />
      </div>
    </div>
  );
}

function Grid(props: {
  host: GridHost;
  sheet: SheetState;
  onRefused: (text: string) => void;
  onAccepted: () => void;
}): ReactElement {
  const { host, sheet } = props;
  const wb = host.workbook;
  const dims = wb.hf.getSheetDimensions(sheet.hfId);
  const rows = Math.max(dims.height, 12);
  const cols = Math.max(dims.width, 8);
  // The host applies the conditional formats as Excel does (priority order, stopIfTrue): one
  // colour per cell, with no rule of the harness's own about which severity wins.
  const painted = new Map(host.paintedCells(sheet.name).map((p) => [`${p.r},${p.c}`, p.fill]));
  const sel = wb.selection?.sheetId === sheet.id ? wb.selection.area : null;

  const commit = async (address: string, text: string): Promise<void> => {
    const result =
      text.trim() === ""
        ? await host.user.clear(sheet.name, address)
        : await host.user.typeInto(sheet.name, address, text);
    if (result.accepted) props.onAccepted();
    else if (result.reason === "validation") {
      const p = /^([A-Z]+)(\d+)$/.exec(address)!;
      void p;
      props.onRefused(`${address}：输入值非法（数据验证）`);
    } else props.onRefused(`${address}：单元格受保护，不能修改`);
  };

  const body: ReactElement[] = [];
  for (let r = 0; r < rows; r++) {
    const tds: ReactElement[] = [];
    for (let c = 0; c < cols; c++) {
      const merge = sheet.mergeAt(r, c);
      if (merge && (merge.r1 !== r || merge.c1 !== c)) continue;
      const f = sheet.format(r, c);
      const v = wb.value(sheet, r, c);
      const shown =
        typeof v === "number" && /y/.test(f.numberFormat)
          ? (serialToIso(v) ?? String(v))
          : String(v);
      const address = a1(r, c);
      const paint = painted.get(`${r},${c}`);
      const selected = sel && r >= sel.r1 && r <= sel.r2 && c >= sel.c1 && c <= sel.c2;
      const style: CSSProperties = {
        border: "1px solid #d0d0d0",
        padding: 0,
        minWidth: 48,
        height: 22,
        fontSize: 12,
        background: paint ?? f.fill ?? "#fff",
        fontWeight: f.bold ? 700 : 400,
        textAlign:
          f.horizontalAlignment === "Left"
            ? "left"
            : f.horizontalAlignment === "Right"
              ? "right"
              : "center",
        outline: selected ? "2px solid #217346" : undefined,
        whiteSpace: "pre-wrap",
      };
      const editable = !f.locked || !sheet.protection.protected;
      tds.push(
        <td
          key={c}
          rowSpan={merge ? merge.r2 - merge.r1 + 1 : undefined}
          colSpan={merge ? merge.c2 - merge.c1 + 1 : undefined}
          style={style}
          data-address={address}
          data-painted={paint ? PAINT[paint] : undefined}
          data-selected={selected ? "true" : undefined}
        >
          {editable ? (
            <input
              key={`${address}:${shown}`}
              defaultValue={shown}
              aria-label={address}
              data-address={address}
              style={{
                width: "100%",
                border: 0,
                background: "transparent",
                font: "inherit",
                textAlign: "inherit",
                boxSizing: "border-box",
              }}
              onKeyDown={(e) => {
                if (e.key === "Enter") {
                  e.preventDefault();
                  void commit(address, e.currentTarget.value);
                }
              }}
            />
          ) : (
            <span style={{ padding: "0 3px" }}>{shown}</span>
          )}
        </td>
      );
    }
    body.push(<tr key={r}>{tds}</tr>);
  }
  return (
    <table
      style={{ borderCollapse: "collapse", fontFamily: "inherit" }}
      data-testid="grid"
      data-sheet={sheet.name}
    >
      <tbody>{body}</tbody>
    </table>
  );
}
