import { z } from "zod";

/** Shape of a template definition (src/templates/*.json). Meaning is checked by compileTemplate. */

export const cellTypeSchema = z.enum(["count", "amount", "text", "enum", "date"]);
export type CellType = z.infer<typeof cellTypeSchema>;

/** An upper bound of a count or amount (cell.too-large); below 10^12 whole numbers and cents stay exact. */
const boundSchema = z.number().positive().max(1e12);

export const localizedSchema = z.object({ "zh-CN": z.string().min(1), "en-US": z.string().min(1) });
export type Localized = z.infer<typeof localizedSchema>;

const keySchema = z
  .string()
  .regex(
    /^[A-Za-z][A-Za-z0-9_.-]*$/,
    "a key starts with a letter and holds letters, digits, _ . -"
  );

export const columnSchema = z
  .object({
    key: keySchema,
    label: z.string().min(1),
    group: z.string().min(1).optional(),
    type: cellTypeSchema,
    computed: z.string().min(1).optional(),
    required: z.boolean().optional(),
    unique: z.boolean().optional(),
    maxLength: z.number().int().positive().optional(),
    /** Overrides the template's bound for the column's type. */
    max: boundSchema.optional(),
    options: z.array(z.string().min(1)).min(1).optional(),
    blankMeans: z.string().min(1).optional(),
    numbered: z.boolean().optional(),
    width: z.number().positive().max(255).optional(),
  })
  .strict();
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

export const rowSchema = z
  .object({
    key: keySchema,
    label: z.array(z.string().min(1)),
    computed: z.string().min(1).optional(),
    tier: tierSchema.optional(),
    fixedCells: z.record(z.string(), z.string()).optional(),
  })
  .strict();
export type RowDef = z.infer<typeof rowSchema>;

export const severitySchema = z.enum(["error", "warning"]);
export type Severity = z.infer<typeof severitySchema>;

export const ruleSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9-]+\.[a-z0-9.-]+$/, 'a rule id is "<template>.<name>"'),
    severity: severitySchema,
    /** row: per input row, identifiers are column keys; column: per column of `each`, identifiers are row keys; unique: `on` unique across input rows. */
    scope: z.enum(["row", "column", "unique"]).default("row"),
    check: z.string().min(1).optional(),
    /** Expands the rule once per item, bound to the identifier `$`. */
    each: z.array(keySchema).min(1).optional(),
    /** The cell the issue is reported on: a column key (row scope), a row key (column scope); `$` for the item of `each`. */
    on: z.string().min(1),
    message: localizedSchema,
  })
  .strict();
export type RuleDef = z.input<typeof ruleSchema>;

export const templateSchema = z
  .object({
    $comment: z.string().optional(),
    id: z.string().regex(/^[a-z0-9-]+$/),
    version: z.number().int().positive(),
    shortName: localizedSchema,
    title: z.string().min(1),
    /** The seed's label printed above the title (附件1, 附表): which attachment of its document the table is. */
    attachmentLabel: z.string().min(1).optional(),
    parameters: z.record(z.string(), z.string()).optional(),
    reporters: z.array(z.enum(["bureau", "department", "hospital"])).min(1),
    dueDay: z.number().int().min(1).max(28),
    cumulative: z.boolean(),
    consolidation: z.enum(["sum", "rows", "append"]),
    rowMode: z.enum(["fixed", "list"]),
    listKey: z.enum(["unit", "serial"]).optional(),
    tierLocked: z.boolean(),
    /** The largest plausible count and amount (万元) of the table: above it is cell.too-large. */
    max: z.object({ count: boundSchema, amount: boundSchema }).partial().strict().optional(),
    columnNumbers: z.enum(["plain", "paren", "none"]),
    stub: z
      .object({
        header: z.string().min(1),
        width: z.number().int().min(1).max(4),
        numbering: z.boolean().optional(),
      })
      .strict(),
    columns: z.array(columnSchema).min(1),
    rows: z.array(rowSchema),
    rules: z.array(ruleSchema),
    /** Warnings (builtin or of this template) that need an explanation (说明) at submission. */
    explanationRequired: z.array(z.string().min(1)).optional(),
    notes: z.array(z.string()),
  })
  .strict();
export type TemplateDef = z.input<typeof templateSchema>;
export type TemplateParsed = z.output<typeof templateSchema>;
