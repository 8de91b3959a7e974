import * as z from "zod/mini";

/**
 * What the probe saw in a real WPS 表格, as measured: the raw observations behind the report
 * (src/wps/probe-report.ts, the shape the emulated host reads as its settings), sent along with it
 * so a maintainer can check each answer. Null where an experiment was skipped or failed.
 */

/** User actions whose SheetChange events the probe records, each guided by one instruction. */
export const USER_ACTIONS = [
  "type",
  "listPick",
  "paste",
  "fill",
  "clear",
  "undo",
  "insertRows",
  "sort",
] as const;
export type UserAction = (typeof USER_ACTIONS)[number];

const nullable = <T extends z.ZodMiniType>(t: T) => z.nullable(t);

/** One SheetChange as the listener saw it: the sheet's name and the target's A1 address. */
export const sheetChangeSeenSchema = z.object({
  sheet: z.string(),
  address: z.string(),
  rows: z.number(),
  columns: z.number(),
});
export type SheetChangeSeen = z.infer<typeof sheetChangeSeenSchema>;

/** A user action's outcome: every SheetChange it raised, in order; null when the step was skipped. */
const ActionOutcome = nullable(z.object({ events: z.array(sheetChangeSeenSchema) }));

/** Where a relative reference in a rule's formula was taken from, judged from its read-back. */
export const anchorSchema = z.enum(["range-top-left", "active-cell", "other"]);
export type Anchor = z.infer<typeof anchorSchema>;

const RuleFormula = nullable(
  z.object({
    /** The two-cell range the rule was given to (B2:B3, C2:C3) while A1 was the active cell. */
    range: z.string(),
    given: z.string(),
    /** What the rule reads back as on the range's first and second cell. */
    readBackFirst: z.string(),
    readBackSecond: z.string(),
    anchor: anchorSchema,
  })
);

/** Whether each of our three bindings survived a save in a format and a reopen. */
const Survival = nullable(
  z.object({
    customProperty: z.boolean(),
    sheetName: z.boolean(),
    xmlPart: z.boolean(),
  })
);

export const probeObservationsSchema = z.object({
  probe: z.literal(1),
  takenAt: z.string(),
  host: z.object({
    /** Application.Version, Application.Build, Application.OperatingSystem. */
    version: nullable(z.string()),
    build: nullable(z.string()),
    os: nullable(z.string()),
    userAgent: z.string(),
    /** The embedded browser's engine and major version, from the user agent. */
    browser: nullable(z.object({ engine: z.enum(["chromium", "edgehtml"]), major: z.number() })),
  }),
  /** Milliseconds per host call, from `calls` reads of one cell's Value2 in a loop. */
  callCost: nullable(z.object({ calls: z.number(), totalMs: z.number(), perCallMs: z.number() })),
  ownWrite: nullable(
    z.object({
      /** Whether our own Value2 write raised SheetChange with EnableEvents on. */
      raisesSheetChange: z.boolean(),
      /** Whether the listener ran inside the writing call (before it returned). */
      raisedInsideCall: z.boolean(),
      /** Whether EnableEvents = false kept our write from reaching the JS listener. */
      enableEventsFalseSilences: z.boolean(),
    })
  ),
  relativeReferences: z.object({ validation: RuleFormula, conditionalFormat: RuleFormula }),
  /** A formula in the rules' language: given with English names and commas, read back. */
  formulaLanguage: nullable(z.object({ given: z.string(), readBack: z.string() })),
  survives: z.object({ xlsx: Survival, et: Survival }),
  userActions: z.object({
    type: ActionOutcome,
    listPick: ActionOutcome,
    paste: ActionOutcome,
    fill: ActionOutcome,
    clear: ActionOutcome,
    undo: ActionOutcome,
    insertRows: ActionOutcome,
    sort: ActionOutcome,
  }),
  /** After our write to D1, the user pressed Ctrl+Z: whether D1 went back to what it held. */
  undoRevertsOwnWrite: nullable(z.boolean()),
  /** A call made while a cell was being edited: whether it went through, its error, how long it took. */
  callWhileEditing: nullable(
    z.object({ ok: z.boolean(), error: nullable(z.string()), elapsedMs: z.number() })
  ),
  /** An experiment that threw: its name and the message, so a partial report still helps. */
  errors: z.array(z.object({ experiment: z.string(), message: z.string() })),
});
export type ProbeObservations = z.infer<typeof probeObservationsSchema>;
