import * as z from "zod/mini";
import "../schema/messages";
import { coverageSchema } from "../schema/api";
import { explanationSchema, periodSchema } from "../schema/document";
import { tierSchema } from "../schema/template";

/**
 * What ties a worksheet to (template, version, period, unit), kept inside the workbook so the
 * add-in recognises the sheet after it is closed, renamed, e-mailed and reopened.
 */
export const bindingSchema = z.object({
  v: z.literal(1),
  /** Random; names the binding in the workbook's settings. */
  id: z.string().check(z.regex(/^[A-Za-z0-9-]{8,64}$/)),
  template: z.string().check(z.minLength(1), z.maxLength(64)),
  templateVersion: z.number().check(z.int(), z.positive()),
  period: periodSchema,
  unit: z.nullable(
    z.object({
      code: z.string().check(z.minLength(1), z.maxLength(64)),
      name: z.string().check(z.maxLength(200)),
    })
  ),
  tier: z.nullable(tierSchema),
  /** The layout plan's fingerprint at insertion: a different plan means a different layout. */
  fingerprint: z.string(),
  /** List templates: the rows laid out (stat-1 unit codes and names; ledger serials). */
  listRows: z.optional(z.array(z.object({ key: z.string(), name: z.optional(z.string()) }))),
  /** Where the sheet was at the last look (ExcelApi below 1.12 finds its sheet by these). */
  sheetId: z.optional(z.string()),
  sheetName: z.optional(z.string()),
  /** The server's answer to the last submission of this sheet. */
  receipt: z.optional(
    z.object({
      submissionId: z.string(),
      version: z.number().check(z.int()),
      at: z.string(),
      onTime: z.optional(z.boolean()),
    })
  ),
  /**
   * A consolidated table pulled from the server: the sum of the units below, not a report the
   * sheet's unit fills and sends. How much of it was in when pulled (已汇总 12 家中的 9 家).
   */
  consolidated: z.optional(
    z.object({ coverage: coverageSchema, only: z.optional(z.literal("accepted")) })
  ),
  /** The 说明 typed beside warnings, kept here until the sheet is sent (closing Excel loses nothing). */
  explanations: z.optional(z.array(explanationSchema)),
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
