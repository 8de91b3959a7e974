/// <reference types="et-jsapi-declare" />

/**
 * The part of WPS 表格's object model the adapter uses, picked from Kingsoft's own declarations
 * (et-jsapi-declare, used unmodified): a misspelled or missing member fails to compile. The
 * declarations are machine-generated and partly wrong (SheetChange's range argument is declared
 * a worksheet; Value2 and Formula of a block are arrays of rows): where they are, Kingsoft's
 * documentation decides, and the narrowing is written here, once.
 */

export type WpsFont = Pick<Et.Font, "Name" | "Size" | "Bold" | "Color">;
export type WpsInterior = Pick<Et.Interior, "Color" | "ColorIndex">;
export type WpsBorders = Pick<Et.Borders, "LineStyle" | "Weight">;

export interface WpsValidation extends Pick<
  Et.Validation,
  | "Add"
  | "Delete"
  | "InputTitle"
  | "InputMessage"
  | "ErrorTitle"
  | "ErrorMessage"
  | "ShowInput"
  | "ShowError"
> {}

export interface WpsFormatCondition {
  readonly Interior: WpsInterior;
  readonly Font: WpsFont;
  StopIfTrue: Et.FormatCondition["StopIfTrue"];
  SetFirstPriority: Et.FormatCondition["SetFirstPriority"];
}

export interface WpsFormatConditions {
  /** FormatConditions.Add returns the new FormatCondition (declared `any`). */
  Add(Type: Et.XlFormatConditionType, Operator?: unknown, Formula1?: string): WpsFormatCondition;
  Delete: Et.FormatConditions["Delete"];
}

export interface WpsRange extends Pick<
  Et.Range,
  "HorizontalAlignment" | "VerticalAlignment" | "WrapText" | "ColumnWidth" | "RowHeight" | "Locked"
> {
  /** A single cell's value, or an array of rows for a block (COM's SAFEARRAY, as the docs show). */
  Value2: unknown;
  Formula: unknown;
  NumberFormat: Et.Range["NumberFormat"];
  readonly Font: WpsFont;
  readonly Interior: WpsInterior;
  readonly Borders: WpsBorders;
  readonly Validation: WpsValidation;
  readonly FormatConditions: WpsFormatConditions;
  readonly Row: Et.Range["Row"];
  readonly Column: Et.Range["Column"];
  Address(RowAbsolute?: boolean, ColumnAbsolute?: boolean): string;
  Merge: Et.Range["Merge"];
  Select: Et.Range["Select"];
  ClearFormats(): unknown;
}

export interface WpsName extends Pick<Et.Name, "Name" | "RefersTo" | "Visible" | "Delete"> {}

export interface WpsNames {
  Add(Name: string, RefersTo: string, Visible?: boolean): WpsName;
  /** Throws where there is no such name (COM's DISP_E_BADINDEX). */
  Item(Index: string | number): WpsName;
  readonly Count: Et.Names["Count"];
}

export interface WpsCustomXMLPart extends Pick<Kso.CustomXMLPart, "XML" | "Delete"> {}

export interface WpsCustomXMLParts {
  Add(XML: string): WpsCustomXMLPart;
  SelectByNamespace(NamespaceURI: string): {
    readonly Count: number;
    Item(Index: number): WpsCustomXMLPart;
  };
}

export interface WpsCustomProperties {
  Item(Index: string | number): { readonly Name: string; Value: unknown; Delete(): void };
  readonly Count: Et.CustomProperties["Count"];
}

export interface WpsPageSetup extends Pick<
  Et.PageSetup,
  | "PaperSize"
  | "Orientation"
  | "Zoom"
  | "FitToPagesWide"
  | "FitToPagesTall"
  | "PrintTitleRows"
  | "CenterFooter"
  | "CenterHorizontally"
  | "LeftMargin"
  | "RightMargin"
  | "TopMargin"
  | "BottomMargin"
  | "HeaderMargin"
  | "FooterMargin"
> {}

export interface WpsWorksheet extends Pick<
  Et.Worksheet,
  "Name" | "Activate" | "Protect" | "Unprotect" | "Delete"
> {
  Range(Cell1: string): WpsRange;
  readonly UsedRange: WpsRange;
  readonly Names: WpsNames;
  readonly CustomProperties: WpsCustomProperties;
  readonly PageSetup: WpsPageSetup;
  /** Worksheet.ChartObjects(): the sheet's embedded charts. */
  ChartObjects(): WpsChartObjects;
}

export interface WpsChartObjects {
  Add(
    Left: number,
    Top: number,
    Width: number,
    Height: number
  ): {
    readonly Chart: {
      SetSourceData(Source: WpsRange, PlotBy?: number): void;
      ChartType: number;
      HasTitle: boolean;
      readonly ChartTitle: { Text: string };
    };
  };
}

export interface WpsSheets {
  readonly Count: number;
  Item(Index: number | string): WpsWorksheet;
  /** Worksheets.Add(Before, After, Count, Type): the new sheet, active. */
  Add(Before?: unknown, After?: unknown): WpsWorksheet;
}

export interface WpsWorkbook {
  readonly Worksheets: WpsSheets;
  readonly CustomXMLParts: WpsCustomXMLParts;
}

export interface WpsWindow extends Pick<Et.Window, "SplitRow" | "SplitColumn" | "FreezePanes"> {}

/**
 * The event hub (WPS.EtApiEvent): SheetChange(Sh, Target) "当用户或外部链接更改了该工作簿任一
 * 工作表中的单元格时触发", Target the changed Range; SheetSelectionChange(Sh, Target).
 */
export interface WpsApiEvent {
  AddApiEventListener(
    EventName: "SheetChange" | "SheetSelectionChange",
    callback: (sheet: WpsWorksheet, target: WpsRange) => void
  ): void;
  RemoveApiEventListener(
    EventName: "SheetChange" | "SheetSelectionChange",
    callback?: (sheet: WpsWorksheet, target: WpsRange) => void
  ): void;
}

export interface WpsApplication extends Pick<Et.Application, "EnableEvents" | "Build"> {
  readonly ActiveWorkbook: WpsWorkbook;
  readonly ActiveWindow: WpsWindow;
  CentimetersToPoints: Et.Application["CentimetersToPoints"];
  readonly ApiEvent: WpsApiEvent;
}

/** The declarations' own root type, for the adapter's entry point in a real WPS. */
export type WpsRoot = WPSMergedRoot;
