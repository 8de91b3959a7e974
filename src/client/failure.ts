import type { Locale } from "../core/i18n";
import { fileMismatchSchema, type FileFacts, type FileMismatch } from "../core/schema/api";
import { ApiError } from "./api";

/**
 * What became of the report when a request failed, which decides what may honestly be said:
 * - "queued": the pane's durable queue holds it and retries it with the same key;
 * - "unsent": a web page sent it once and keeps nothing, so the user must send it again;
 * - undefined: no report was being sent (sign-in, status, a download).
 */
export type Outcome = "queued" | "unsent" | undefined;

type Words = { zh: string; en: string };

/** The server's refusals by their error code, in words a clerk can act on. */
const REFUSALS: Record<string, Words> = {
  "external-links": {
    zh: "文件中有指向其他工作簿的外部链接，请把这些单元格改为直接填写的数值后再上传。",
    en: "The file links to other workbooks: type the values in those cells, then upload again.",
  },
  "file-mismatch": {
    zh: "文件与所选的统计表或月份不一致。",
    en: "The file is of another table or month than the one chosen.",
  },
  "template-not-reported": {
    zh: "本单位不填报这张统计表，请选择本单位应报的表。",
    en: "Your unit does not report this table.",
  },
  "idempotency-mismatch": {
    zh: "这次报送与之前的一次报送重复但内容不同，请刷新页面后重新报送。",
    en: "This submission repeats an earlier one with other contents: reload and submit again.",
  },
  "unsupported-media-type": {
    zh: "只能上传 .xlsx 文件，旧版 .xls 请另存为 .xlsx。",
    en: "Only .xlsx files are accepted: save an old .xls as .xlsx.",
  },
  "payload-too-large": { zh: "文件或报表太大，服务器拒收。", en: "Too large for the server." },
  "idempotency-key-required": {
    zh: "请求不完整，请刷新页面后重试。",
    en: "The request was incomplete: reload and try again.",
  },
  "bad-request": {
    zh: "请求有误（月份或参数不正确），请检查后重试。",
    en: "The request was not valid (month or parameters): check and try again.",
  },
  "request-timeout": {
    zh: "上传太慢，服务器已中断，请在网络稳定时重试。",
    en: "The upload was too slow and the server stopped waiting: try again.",
  },
};

/** unreadable-file carries the reader's reason in English; the reasons a clerk can fix, in Chinese. */
function unreadable(detail: string | undefined): Words {
  const d = detail ?? "";
  if (/\.xls\b|not an \.xlsx/i.test(d))
    return {
      zh: "文件不是 .xlsx 格式：旧版 .xls 请另存为 .xlsx 后再上传。",
      en: "Not an .xlsx file: save an old .xls as .xlsx and upload it again.",
    };
  if (/larger than|unpacks to|MB/i.test(d))
    return {
      zh: "文件太大，不像一张统计表，请用本页下载的空白表重新填写。",
      en: "The file is too large for an official table: fill the blank table from this page.",
    };
  if (/title/i.test(d))
    return {
      zh: "文件中找不到官方统计表的标题，请用本页下载的空白表填写，不要改动表头。",
      en: "No official table title was found: fill the blank table from this page.",
    };
  return {
    zh: "文件无法读取（可能已损坏或不是 Excel 文件），请另存为 .xlsx 后重试。",
    en: "The file cannot be read (damaged, or not an Excel file): save it as .xlsx and retry.",
  };
}

/** A failure in words the user can act on, saying only what is true of the report. */
export function describeFailure(e: unknown, locale: Locale, outcome?: Outcome): string {
  const zh = locale === "zh-CN";
  const say = (w: Words): string => (zh ? w.zh : w.en);
  if (!(e instanceof ApiError)) return (e as Error)?.message ?? String(e);
  const f = e.failure;
  const unsent = outcome === "unsent";
  const notSent = (w: Words): string =>
    unsent ? say({ zh: `未发送：${w.zh}`, en: `Not sent: ${w.en}` }) : say(w);
  const waits = (w: Words): string =>
    outcome === "queued"
      ? say({
          zh: `${w.zh}报表已保存在待发送队列中，会自动重发，不会重复报送。`,
          en: `${w.en} The report waits in the queue and is sent again, once.`,
        })
      : notSent(
          unsent
            ? {
                zh: `${w.zh}服务器没有收到这份报表，请稍后再次点击“报送”。`,
                en: `${w.en} The server did not receive the report: submit again later.`,
              }
            : { zh: `${w.zh}请稍后重试。`, en: `${w.en} Try again later.` }
        );
  if (f.kind === "offline")
    return waits({ zh: "无法连接服务器。", en: "The server cannot be reached." });
  if (f.kind === "bad-answer")
    return notSent({
      zh: "服务器的应答无法识别，请联系县卫生健康局的管理员。",
      en: "The server's answer was not understood: contact the administrator.",
    });
  const code = f.body.error;
  // Conflicts that no retry settles: the report's state or a newer version decides.
  if (f.status === 409 && code === "accepted")
    return notSent({
      zh: "已审核，如需修改请联系上级退回。",
      en: "Already accepted by the bureau: ask them to return it before changing it.",
    });
  if (f.status === 409 && code === "stale") {
    const latest = (f.raw as { latest?: unknown } | null)?.latest;
    const n = typeof latest === "number" ? latest : null;
    return notSent(
      n
        ? {
            zh: `该报表已有更新的第 ${n} 版，请刷新后查看新版本再审核。`,
            en: `A newer version (${n}) has arrived: reload and review that one.`,
          }
        : {
            zh: "该报表已有更新的版本，请刷新后查看新版本再审核。",
            en: "A newer version has arrived: reload and review that one.",
          }
    );
  }
  if (f.status === 409 && code === "reviewed-above")
    return notSent({
      zh: "上级单位已对该版本作出审核决定，本级不能更改；如有异议请与上级联系。",
      en: "A bureau above yours has already decided on this version; yours cannot change it.",
    });
  if (f.status === 409 && code === "not-submitted")
    return notSent({
      zh: "该单位本期尚未报送，没有可审核的报表。",
      en: "The unit has not submitted this report yet: there is nothing to review.",
    });
  if (code === "retired")
    return notSent({
      zh: "该统计表已停用（上级不再收集），这份报表没有报送；此前已报送的数据仍然保留。",
      en: "The bureau has retired this table: it takes no new submissions (what was sent stays).",
    });
  if (f.status === 503 && code === "storage-unavailable")
    return waits({
      zh: "服务器暂时无法保存数据（存储空间不足或数据库暂不可用）。",
      en: "The server cannot store data at the moment (its storage is full or unavailable).",
    });
  if (f.status >= 500 || f.status === 429 || (f.status === 409 && code !== "locked"))
    return waits(
      f.status === 429
        ? { zh: "请求过于频繁。", en: "Too many requests." }
        : f.status === 409
          ? { zh: "上一次报送仍在处理中。", en: "The previous submission is still in progress." }
          : { zh: `服务器出错（${f.status}）。`, en: `The server failed (${f.status}).` }
    );
  switch (f.status) {
    case 401:
      return notSent({
        zh: "登录已失效或令牌无效，请重新登录。",
        en: "The token is not valid any more: sign in again.",
      });
    case 403:
      return notSent({
        zh: "当前令牌无权为该单位报送或查看，请确认表中的填报单位与登录单位一致。",
        en: "This token may not submit or read for that unit.",
      });
    case 404:
      return notSent({
        zh: "服务器上没有该单位或统计表，请联系县卫生健康局核对单位。",
        en: "The server does not know that unit or table.",
      });
    case 409:
      return notSent({
        zh: "本期报表已被上级锁定，不能再报送。如需修改，请联系县卫生健康局解锁。",
        en: "This period is locked by the bureau; ask them to unlock it.",
      });
  }
  if (code === "validation")
    return notSent({
      zh: "服务器校验未通过，问题已在表中标出。",
      en: "The server found errors; they are listed and marked.",
    });
  // A refusal the server already words in Chinese (what the file is, which cell) is said as is.
  const said = serverMessage(f.raw);
  if (zh && said) return notSent({ zh: said, en: said });
  if (code === "unreadable-file") return notSent(unreadable(f.body.detail));
  const known = REFUSALS[code];
  if (known) return notSent(known);
  return notSent({
    zh: `服务器拒收（${f.status}），请联系县卫生健康局。`,
    en: `Refused by the server (${f.status}).`,
  });
}

/** The `message` of a refusal when the server wrote it for people (in Chinese), else null. */
function serverMessage(raw: unknown): string | null {
  const m = (raw as { message?: unknown } | null)?.message;
  return typeof m === "string" && /[\u4e00-\u9fff]/.test(m) ? m.replace(/[。.]?$/, "。") : null;
}

/** Only the server saying the token is not valid ends a sign-in; a network blip does not. */
export function forgetsToken(e: unknown): boolean {
  return e instanceof ApiError && e.failure.kind === "http" && e.failure.status === 401;
}

/** The expected and found facts of a 422 file-mismatch, or null for any other failure. */
export function fileMismatchOf(
  e: unknown
): { expected: FileMismatch["expected"]; found: FileFacts } | null {
  if (!(e instanceof ApiError) || e.failure.kind !== "http") return null;
  const parsed = fileMismatchSchema.safeParse(e.failure.raw);
  return parsed.success ? { expected: parsed.data.expected, found: parsed.data.found } : null;
}
