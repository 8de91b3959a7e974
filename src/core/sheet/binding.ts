import { z } from "zod";
import { explanationSchema, periodSchema } from "../schema/document";
import { tierSchema } from "../schema/template";

/**
 * What ties a worksheet to (template, version, period, unit), kept inside the workbook so the
 * add-in recognises the sheet after it is closed, renamed, e-mailed and reopened.
 */
export const bindingSchema = z.object({
  v: z.literal(1),
  /** Random; names the binding in the workbook's settings. */
  id: z.string().regex(/^[A-Za-z0-9-]{8,64}$/),
  template: z.string().min(1).max(64),
  templateVersion: z.number().int().positive(),
  period: periodSchema,
  unit: z.object({ code: z.string().min(1).max(64), name: z.string().max(200) }).nullable(),
  tier: tierSchema.nullable(),
  /** The layout plan's fingerprint at insertion: a different plan means a different layout. */
  fingerprint: z.string(),
  /** List templates: the rows laid out (stat-1 unit codes and names; ledger serials). */
  listRows: z.array(z.object({ key: z.string(), name: z.string().optional() })).optional(),
  /** Where the sheet was at the last look (ExcelApi below 1.12 finds its sheet by these). */
  sheetId: z.string().optional(),
  sheetName: z.string().optional(),
  /** The server's answer to the last submission of this sheet. */
  receipt: z
    .object({
      submissionId: z.string(),
      version: z.number().int(),
      at: z.string(),
      onTime: z.boolean().optional(),
    })
    .optional(),
  /** The 说明 typed beside warnings, kept here until the sheet is sent (closing Excel loses nothing). */
  explanations: z.array(explanationSchema).optional(),
});
export type Binding = z.infer<typeof bindingSchema>;

/** The workbook settings key of a binding; the sheet's custom property holds just the id. */
export const BINDING_PREFIX = "tianbao.binding.";
export const BINDING_PROPERTY = "tianbao";

export function parseBinding(v: unknown): Binding | null {
  const parsed = bindingSchema.safeParse(typeof v === "string" ? safeJson(v) : v);
  return parsed.success ? parsed.data : null;
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return null;
  }
}
