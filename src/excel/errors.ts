import type { Locale } from "../core/i18n";

/** An Office.js failure in words a user can act on; the code stays for the logs. */
export class ExcelActionError extends Error {
  constructor(
    readonly code: string,
    message: string
  ) {
    super(message);
  }
}

const MESSAGES: Record<string, Record<Locale, string>> = {
  ItemNotFound: {
    "zh-CN": "找不到该工作表，可能已被删除或重命名。",
    "en-US": "The sheet was not found; it may have been deleted.",
  },
  ItemAlreadyExists: {
    "zh-CN": "已有同名工作表。",
    "en-US": "A sheet with that name already exists.",
  },
  // Excel.ErrorCodes.invalidOperationInCellEditMode: a request while the user edits a cell.
  InvalidOperationInCellEditMode: {
    "zh-CN": "Excel 正处于单元格编辑状态：请先按 Enter 或 Esc 结束单元格编辑，再重试。",
    "en-US": "Excel is editing a cell: press Enter or Esc to finish editing, then try again.",
  },
  RequestPayloadSizeLimitExceeded: {
    "zh-CN": "表格太大，Excel 网页版一次无法写入。",
    "en-US": "The table is too large for one request to Excel on the web.",
  },
};

export const errorCode = (e: unknown): string =>
  typeof e === "object" && e !== null && "code" in e ? String((e as { code: unknown }).code) : "";

export function explain(e: unknown, locale: Locale): ExcelActionError {
  if (e instanceof ExcelActionError) return e;
  const code = errorCode(e);
  const known = MESSAGES[code]?.[locale];
  const detail = e instanceof Error ? e.message : String(e);
  // AccessDenied comes from a protected sheet, a shared or read-only workbook, or an
  // administrator's policy: the pane repeats what Excel said instead of guessing which.
  if (code === "AccessDenied")
    return new ExcelActionError(
      code,
      locale === "zh-CN"
        ? `Excel 拒绝了这次修改（无权限）。Excel 的说明：${detail}`
        : `Excel denied the change. Excel said: ${detail}`
    );
  return new ExcelActionError(
    code || "Unknown",
    known ?? (locale === "zh-CN" ? `Excel 操作失败：${detail}` : `Excel refused: ${detail}`)
  );
}
