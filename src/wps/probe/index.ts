/**
 * The probe's page (wps/probe.html), opened from the add-in's ribbon (帮助 → 诊断) in a real
 * WPS 表格: the automatic experiments run in a new workbook, then the page guides the person
 * through the ones only a hand can do, one instruction at a time, and shows the JSON report.
 * Plain DOM, no framework: it must run in the oldest embedded browser and stay small.
 */
import type { ProbeObservations } from "./observations";
import {
  callWhileEditing,
  ChangeRecorder,
  prepareWorkbook,
  runAutomatic,
  writeForUndo,
  type ProbeApp,
  type ProbeSheet,
} from "./experiments";
import { attempt, emptyObservations, MANUAL_STEPS, probeOutput } from "./report";

const EDIT_DELAY_MS = 6000;

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  text?: string,
  cls?: string
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (cls) e.className = cls;
  return e;
}

interface Step {
  title: string;
  /** Runs when the step is shown (e.g. our own write before the person undoes it). */
  start?: () => void;
  /** Runs on 完成; 跳过 leaves the step's answer null. */
  finish: () => void;
  /** A step that finishes by itself after a delay (the edit-mode call). */
  timed?: number;
}

function guidedSteps(sheet: ProbeSheet, rec: ChangeRecorder, report: ProbeObservations): Step[] {
  const steps: Step[] = MANUAL_STEPS.map(({ action, instruction }) => ({
    title: instruction,
    start: () => void rec.take(),
    finish: () => {
      report.userActions[action] = {
        events: rec
          .take()
          .map(({ sheet: s, address, rows, columns }) => ({ sheet: s, address, rows, columns })),
      };
    },
  }));
  let undone: (() => boolean) | null = null;
  steps.push({
    title: "诊断刚向 D1 写入了 42。请按 Ctrl+Z 撤销一次。",
    start: () =>
      attempt(report, "undoRevertsOwnWrite.write", () => (undone = writeForUndo(sheet, rec))),
    finish: () =>
      attempt(report, "undoRevertsOwnWrite", () => {
        if (undone) report.undoRevertsOwnWrite = undone();
      }),
  });
  steps.push({
    title: `点“完成”后 ${EDIT_DELAY_MS / 1000} 秒内，双击 B5 进入编辑状态并保持（不要按回车），等本页提示后再按 Esc。`,
    timed: EDIT_DELAY_MS,
    finish: () => {
      report.callWhileEditing = callWhileEditing(sheet, () => performance.now());
    },
  });
  return steps;
}

function showReport(root: HTMLElement, report: ProbeObservations): void {
  root.appendChild(el("h2", "诊断报告"));
  root.appendChild(
    el("p", "请点“复制”，把报告粘贴到邮件或即时消息里，发给单位信息科或填报系统的维护人员。")
  );
  const text = el("textarea");
  try {
    const { json, missing } = probeOutput(report);
    text.value = json;
    if (missing.length > 0)
      root.appendChild(
        el(
          "p",
          `有的实验被跳过或失败，报告不完整（缺：${missing.join("、")}）。仍请发回。`,
          "error"
        )
      );
  } catch (e) {
    text.value = JSON.stringify(report, null, 2);
    root.appendChild(
      el("p", `报告格式检查未通过：${e instanceof Error ? e.message : String(e)}`, "error")
    );
  }
  text.readOnly = true;
  const copy = el("button", "复制");
  copy.onclick = () => {
    text.select();
    document.execCommand("copy");
    copy.textContent = "已复制";
  };
  root.appendChild(copy);
  root.appendChild(text);
}

function runSteps(root: HTMLElement, steps: Step[], i: number, done: () => void): void {
  if (i >= steps.length) return done();
  const step = steps[i]!;
  const box = el("div", undefined, "step");
  box.appendChild(el("p", `第 ${i + 1} / ${steps.length} 步：${step.title}`));
  const next = (skipped: boolean): void => {
    box.className = skipped ? "step skipped" : "step done";
    box.querySelectorAll("button").forEach((b) => b.remove());
    if (!skipped) step.finish();
    runSteps(root, steps, i + 1, done);
  };
  const ok = el("button", "完成");
  ok.onclick = () => {
    if (step.timed === undefined) return next(false);
    ok.disabled = true;
    box.appendChild(el("p", "请现在双击 B5 进入编辑状态……"));
    setTimeout(() => {
      step.finish();
      box.appendChild(el("p", "已记录，可以按 Esc 退出编辑。"));
      box.className = "step done";
      box.querySelectorAll("button").forEach((b) => b.remove());
      runSteps(root, steps, i + 1, done);
    }, step.timed);
  };
  const skip = el("button", "跳过");
  skip.onclick = () => next(true);
  box.appendChild(ok);
  box.appendChild(skip);
  root.appendChild(box);
  if (step.start) step.start();
}

function main(): void {
  const root = document.getElementById("root")!;
  root.textContent = "";
  const report = emptyObservations(new Date(), navigator.userAgent);
  const app = (window as unknown as { Application?: ProbeApp }).Application;
  if (!app || !app.Workbooks) {
    root.appendChild(
      el(
        "p",
        "本页须在 WPS 表格中，从“填报”选项卡的“诊断”按钮打开。下面的报告只含浏览器信息。",
        "error"
      )
    );
    showReport(root, report);
    return;
  }
  const start = el("button", "开始诊断");
  root.appendChild(start);
  start.onclick = () => {
    start.remove();
    let sheet: ProbeSheet;
    let rec: ChangeRecorder;
    try {
      sheet = prepareWorkbook(app);
      rec = new ChangeRecorder(app);
    } catch (e) {
      attempt(report, "prepare", () => {
        throw e;
      });
      showReport(root, report);
      return;
    }
    root.appendChild(el("p", "自动实验进行中，请勿操作表格……"));
    // Let the message paint before the synchronous experiments hold the page.
    setTimeout(() => {
      runAutomatic(app, sheet, rec, report, () => performance.now());
      root.appendChild(
        el(
          "p",
          "自动实验已完成。请按下面的提示逐步操作诊断工作簿，做完一步点“完成”，不便操作的点“跳过”。"
        )
      );
      runSteps(root, guidedSteps(sheet, rec, report), 0, () => {
        rec.stop();
        showReport(root, report);
      });
    }, 50);
  };
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", main);
else main();
