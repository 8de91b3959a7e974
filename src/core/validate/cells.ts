import type { CompiledColumn } from "../template/compile";
import { isIsoDate } from "../periods";

/** The state of one cell after its type check. */
export type CellState =
  | { kind: "blank" }
  | { kind: "ok"; value: number | string }
  | { kind: "invalid"; raw: unknown; rules: TypeRule[] };

export type TypeRule =
  | "cell.type"
  | "cell.integer"
  | "cell.nonnegative"
  | "cell.decimals"
  | "cell.too-large"
  | "cell.text-length"
  | "cell.enum"
  | "cell.date";

export const isBlank = (v: unknown): boolean =>
  v === undefined || v === null || (typeof v === "string" && v.trim() === "");

// Binary noise (-2.1399999999999997) is not a third decimal; 0.001 is.
export const hasAtMostTwoDecimals = (v: number): boolean => {
  const cents = v * 100;
  return Math.abs(cents - Math.round(cents)) <= 1e-6 * Math.max(1, Math.abs(cents));
};

export function checkCell(col: CompiledColumn, raw: unknown): CellState {
  if (isBlank(raw)) return { kind: "blank" };
  switch (col.type) {
    case "count":
    case "amount": {
      if (typeof raw !== "number" || !Number.isFinite(raw))
        return { kind: "invalid", raw, rules: ["cell.type"] };
      const rules: TypeRule[] = [];
      if (col.type === "count" && !Number.isInteger(raw)) rules.push("cell.integer");
      if (raw < 0) rules.push("cell.nonnegative");
      if (col.type === "amount" && !hasAtMostTwoDecimals(raw)) rules.push("cell.decimals");
      if (col.max !== undefined && raw > col.max) rules.push("cell.too-large");
      return rules.length ? { kind: "invalid", raw, rules } : { kind: "ok", value: raw };
    }
    case "text": {
      if (typeof raw !== "string" && typeof raw !== "number")
        return { kind: "invalid", raw, rules: ["cell.type"] };
      const text = String(raw);
      const max = col.maxLength ?? 200;
      return [...text].length > max
        ? { kind: "invalid", raw, rules: ["cell.text-length"] }
        : { kind: "ok", value: text };
    }
    case "enum": {
      const text = typeof raw === "string" ? raw.trim() : null;
      return text !== null && (col.options ?? []).includes(text)
        ? { kind: "ok", value: text }
        : { kind: "invalid", raw, rules: ["cell.enum"] };
    }
    case "date":
      return typeof raw === "string" && isIsoDate(raw.trim())
        ? { kind: "ok", value: raw.trim() }
        : { kind: "invalid", raw, rules: ["cell.date"] };
  }
}
