import * as z from "zod/mini";
import "./messages";

/** Shape of a template definition (src/templates/*.json). Meaning is checked by compileTemplate. */

export const cellTypeSchema = z.enum(["count", "amount", "text", "enum", "date"]);
export type CellType = z.infer<typeof cellTypeSchema>;

/** An upper bound of a count or amount (cell.too-large); below 10^12 whole numbers and cents stay exact. */
const boundSchema = z.number().check(z.positive(), z.lte(1e12));

const text = () => z.string().check(z.minLength(1));

/**
 * A text shown in cells, validations and issues: every answer repeats it for each cell it names,
 * so it is bounded (the official tables' longest label has 14 characters, their longest message
 * 81; Excel keeps at most 255 characters of a validation's message).
 */
const LABEL_MAX = 100;
const MESSAGE_MAX = 200;
const label = () => z.string().check(z.minLength(1), z.maxLength(LABEL_MAX));

export const localizedSchema = z.object({
  "zh-CN": z.string().check(z.minLength(1), z.maxLength(MESSAGE_MAX)),
  "en-US": z.string().check(z.minLength(1), z.maxLength(MESSAGE_MAX)),
});
export type Localized = z.infer<typeof localizedSchema>;

// Cells are looked up by key in plain objects: a key that names a member every object inherits
// (constructor, toString…) would read that member for a blank cell.
const INHERITED = new Set(Object.getOwnPropertyNames(Object.prototype));

const keySchema = z.string().check(
  z.regex(
    /^[A-Za-z][A-Za-z0-9_.-]*$/,
    "a key starts with a letter and holds letters, digits, _ . -"
  ),
  z.maxLength(64),
  z.refine((k) => !INHERITED.has(k), {
    message: "this key is reserved (every JavaScript object has a member of that name)",
  })
);

export const columnSchema = z.strictObject({
  key: keySchema,
  label: label(),
  group: z.optional(label()),
  type: cellTypeSchema,
  computed: z.optional(text()),
  required: z.optional(z.boolean()),
  unique: z.optional(z.boolean()),
  maxLength: z.optional(z.number().check(z.int(), z.positive())),
  /** Overrides the template's bound for the column's type. */
  max: z.optional(boundSchema),
  options: z.optional(z.array(label()).check(z.minLength(1))),
  blankMeans: z.optional(label()),
  numbered: z.optional(z.boolean()),
  width: z.optional(z.number().check(z.positive(), z.lte(255))),
});
export type ColumnDef = z.infer<typeof columnSchema>;

export const tierSchema = z.enum([
  "public.g3",
  "public.g2",
  "public.g1",
  "private.g3",
  "private.g2",
  "private.g1",
]);
export type Tier = z.infer<typeof tierSchema>;
/** The six hospital tiers in the official row order. */
export const TIERS: readonly Tier[] = tierSchema.options;

export const rowSchema = z.strictObject({
  key: keySchema,
  label: z.array(label()),
  computed: z.optional(text()),
  tier: z.optional(tierSchema),
  fixedCells: z.optional(z.record(z.string(), z.string())),
});
export type RowDef = z.infer<typeof rowSchema>;

export const severitySchema = z.enum(["error", "warning"]);
export type Severity = z.infer<typeof severitySchema>;

export const ruleSchema = z.strictObject({
  id: z.string().check(z.regex(/^[a-z0-9-]+\.[a-z0-9.-]+$/, 'a rule id is "<template>.<name>"')),
  severity: severitySchema,
  /** row: per input row, identifiers are column keys; column: per column of `each`, identifiers are row keys; unique: `on` unique across input rows. */
  scope: z._default(z.enum(["row", "column", "unique"]), "row"),
  check: z.optional(text()),
  /** Expands the rule once per item, bound to the identifier `$`. */
  each: z.optional(z.array(keySchema).check(z.minLength(1))),
  /** The cell the issue is reported on: a column key (row scope), a row key (column scope); `$` for the item of `each`. */
  on: text(),
  message: localizedSchema,
});
export type RuleDef = z.input<typeof ruleSchema>;

export const templateSchema = z.strictObject({
  $comment: z.optional(z.string()),
  id: z.string().check(z.regex(/^[a-z0-9-]+$/)),
  version: z.number().check(z.int(), z.positive()),
  shortName: localizedSchema,
  title: text(),
  /**
   * The line under the title that says which months the table covers, e.g. "统计时段：{year}年{months}":
   * {months} is "1月至11月" for a cumulative table of November ("1月" in January), "11月" otherwise.
   */
  periodLine: z.optional(text()),
  /** The seed's label printed above the title (附件1, 附表): which attachment of its document the table is. */
  attachmentLabel: z.optional(text()),
  parameters: z.optional(z.record(z.string(), z.string())),
  reporters: z.array(z.enum(["bureau", "department", "hospital"])).check(z.minLength(1)),
  dueDay: z.number().check(z.int(), z.gte(1), z.lte(28)),
  cumulative: z.boolean(),
  consolidation: z.enum(["sum", "rows", "append"]),
  rowMode: z.enum(["fixed", "list"]),
  listKey: z.optional(z.enum(["unit", "serial"])),
  tierLocked: z.boolean(),
  /** The largest plausible count and amount (万元) of the table: above it is cell.too-large. */
  max: z.optional(z.partial(z.strictObject({ count: boundSchema, amount: boundSchema }))),
  columnNumbers: z.enum(["plain", "paren", "none"]),
  stub: z.strictObject({
    header: text(),
    width: z.number().check(z.int(), z.gte(1), z.lte(4)),
    numbering: z.optional(z.boolean()),
  }),
  columns: z.array(columnSchema).check(z.minLength(1)),
  rows: z.array(rowSchema),
  rules: z.array(ruleSchema),
  /** Warnings (builtin or of this template) that need an explanation (说明) at submission. */
  explanationRequired: z.optional(z.array(text())),
  notes: z.array(z.string()),
});
export type TemplateDef = z.input<typeof templateSchema>;
export type TemplateParsed = z.output<typeof templateSchema>;
