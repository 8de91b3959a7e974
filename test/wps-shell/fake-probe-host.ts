import type {
  ProbeApp,
  ProbeRange,
  ProbeSheet,
  ProbeWorkbook,
} from "../../src/wps/probe/experiments";

/**
 * A WPS that behaves one documented way (events raised inside the writing call and silenced by
 * EnableEvents = false; rules anchored at the range's top-left cell; every binding survives a
 * save), to see the probe turn behaviour into the report's answers.
 */
export function fakeWps(): { app: ProbeApp; files: Map<string, ProbeWorkbook> } {
  // Self-contained (no imports, no outer names): the browser test installs it as a page's
  // window.Application from its source text.
  const files = new Map<string, ProbeWorkbook>();
  const listeners: ((sheet: { Name: string }, target: ProbeRange) => void)[] = [];
  const app = {
    Version: "12.1.0",
    Build: 17147,
    OperatingSystem: "Linux",
    EnableEvents: true,
    Env: { GetTempPath: () => "/tmp/" },
    ApiEvent: {
      AddApiEventListener: (_e: string, fn: never) => void listeners.push(fn),
      RemoveApiEventListener: (_e: string, fn: never) =>
        void listeners.splice(listeners.indexOf(fn), 1),
    },
  } as unknown as ProbeApp & { EnableEvents: boolean };
  const workbook = (): ProbeWorkbook => {
    const cells = new Map<string, unknown>();
    const rules = new Map<string, string>();
    const props: { Name: string }[] = [];
    const names: { Name: string }[] = [];
    const parts: string[] = [];
    const list = <T>(a: T[], add: (name: string) => void) => ({
      Add: add,
      get Count() {
        return a.length;
      },
      Item: (i: number) => a[i - 1]!,
    });
    const sheet: ProbeSheet = {
      Name: "Sheet1",
      Activate: () => undefined,
      CustomProperties: list(props, (n) => props.push({ Name: n })),
      Names: list(names, (n) => names.push({ Name: `Sheet1!${n}` })),
      Range: (address: string): ProbeRange => {
        const first = address.split(":")[0]!;
        const size = address.includes(":") ? 2 : 1;
        return {
          get Value2() {
            return cells.get(first);
          },
          set Value2(v: unknown) {
            cells.set(first, Array.isArray(v) ? v[0][0] : v);
            if (app.EnableEvents) for (const l of listeners) l(sheet, sheet.Range(address));
          },
          Address: () => address,
          Rows: { Count: size },
          Columns: { Count: 1 },
          Select: () => undefined,
          Validation: {
            Add: (_t: number, _a?: number, _o?: number, f?: string) => {
              const [col, row] = [first[0]!, Number(first.slice(1))];
              rules.set(first, f!);
              // The same rule read from the second cell moves down one row, as Excel shows it.
              if (size === 2) rules.set(`${col}${row + 1}`, f!.replace("A1", "A2"));
            },
            Delete: () => undefined,
            get Formula1() {
              return rules.get(first) ?? "";
            },
          },
          FormatConditions: {
            Add: (_t: number, _o: unknown, f?: string) => {
              rules.set(`cf${first}`, f!);
              rules.set(`cf${first[0]}${Number(first.slice(1)) + 1}`, f!.replace("A1", "A2"));
            },
            Item: () => ({ Formula1: rules.get(`cf${first}`) ?? "" }),
          },
        };
      },
    };
    const wb: ProbeWorkbook = {
      ActiveSheet: sheet,
      FullName: "",
      CustomXMLParts: {
        Add: (x: string) => parts.push(x),
        SelectByNamespace: (ns: string) => ({ Count: parts.filter((p) => p.includes(ns)).length }),
      },
      SaveAs: (f: string) => void files.set(f, wb),
      Close: () => undefined,
    };
    return wb;
  };
  Object.assign(app, { Workbooks: { Add: workbook, Open: (f: string) => files.get(f)! } });
  return { app, files };
}
