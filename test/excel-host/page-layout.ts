import type { HostContext } from "./proxies";
import type { SheetState } from "./state";

/** What a sheet prints with: the members of Excel.PageLayout (ExcelApi 1.9) the add-in sets. */
export interface PageLayoutState {
  orientation: string;
  paperSize: string;
  centerHorizontally: boolean;
  zoom: Excel.PageLayoutZoomOptions;
  /** In points, as Excel keeps them. */
  margins: Required<Excel.PageLayoutMarginOptions>;
  printTitleRows: string | null;
  centerFooter: string;
}

const POINTS_PER = { Points: 1, Inches: 72, Centimeters: 72 / 2.54 } as const;

const states = new WeakMap<SheetState, PageLayoutState>();

/** A sheet's page layout; a new sheet has Excel's defaults (Letter, portrait, 100%). */
export function pageLayoutOf(sheet: SheetState): PageLayoutState {
  let s = states.get(sheet);
  if (!s) {
    s = {
      orientation: "Portrait",
      paperSize: "Letter",
      centerHorizontally: false,
      zoom: { scale: 100 },
      margins: { top: 54, bottom: 54, left: 50.4, right: 50.4, header: 21.6, footer: 21.6 },
      printTitleRows: null,
      centerFooter: "",
    };
    states.set(sheet, s);
  }
  return s;
}

/** Worksheet.pageLayout: every member queues a write that runs at the next sync. */
export class HostPageLayout implements Pick<
  Excel.PageLayout,
  "setPrintMargins" | "setPrintTitleRows"
> {
  constructor(
    private readonly context: HostContext,
    private readonly sheet: () => SheetState
  ) {}

  private write(apply: (s: PageLayoutState) => void): void {
    this.context.enqueue(() => apply(pageLayoutOf(this.sheet())), true);
  }

  set orientation(v: Excel.PageOrientation | "Portrait" | "Landscape") {
    this.write((s) => (s.orientation = v));
  }

  set paperSize(v: Excel.PaperType | "A4" | "Letter") {
    this.write((s) => (s.paperSize = v));
  }

  set centerHorizontally(v: boolean) {
    this.write((s) => (s.centerHorizontally = v));
  }

  set zoom(v: Excel.PageLayoutZoomOptions) {
    this.write((s) => (s.zoom = { ...v }));
  }

  get headersFooters(): { defaultForAllPages: { centerFooter: string } } {
    const write = (apply: (s: PageLayoutState) => void): void => this.write(apply);
    return {
      defaultForAllPages: {
        set centerFooter(v: string) {
          write((s) => (s.centerFooter = v));
        },
        get centerFooter(): string {
          throw new Error("the host emulates writing the footer only");
        },
      },
    };
  }

  setPrintMargins(
    unit: Excel.PrintMarginUnit | "Points" | "Inches" | "Centimeters",
    options: Excel.PageLayoutMarginOptions
  ): void {
    const k = POINTS_PER[unit as keyof typeof POINTS_PER];
    this.write((s) => {
      for (const [edge, v] of Object.entries(options) as [
        keyof PageLayoutState["margins"],
        number,
      ][])
        s.margins[edge] = v * k;
    });
  }

  setPrintTitleRows(rows: Excel.Range | string): void {
    if (typeof rows !== "string") throw new Error("the host takes print title rows as an address");
    this.write((s) => {
      if (!/^\$?\d+:\$?\d+$/.test(rows)) throw new Error(`not whole rows: ${rows}`);
      s.printTitleRows = rows.replace(/\$/g, "");
    });
  }
}
