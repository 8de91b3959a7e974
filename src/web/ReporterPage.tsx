import {
  Button,
  Caption1,
  Dropdown,
  Field,
  Input,
  MessageBar,
  MessageBarBody,
  Option,
  Spinner,
  Subtitle2,
  Text,
  makeStyles,
  tokens,
} from "@fluentui/react-components";
import { useCallback, useEffect, useState, type ReactElement } from "react";
import { describeFailure, type ApiClient } from "../client/api";
import { newIdempotencyKey } from "../client/queue";
import type { Me, Receipt } from "../core/schema/api";
import { defaultPeriod } from "../core/periods";
import { periodSchema, type Issue, type SheetDocument } from "../core/schema/document";
import { templates } from "../templates";
import { save } from "./download";

const useStyles = makeStyles({
  section: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalM },
  row: { display: "flex", flexWrap: "wrap", gap: tokens.spacingHorizontalM, alignItems: "end" },
  table: { borderCollapse: "collapse", width: "100%" },
  cell: {
    borderBottom: `1px solid ${tokens.colorNeutralStroke2}`,
    padding: "4px 6px",
    textAlign: "left",
  },
});

type Checked = { doc: SheetDocument; issues: (Issue & { address: string | null })[]; file: string };

/** For a unit without the add-in: the blank table, the check of a filled one, submission, history. */
export function ReporterPage({ client, me }: { client: ApiClient; me: Me }): ReactElement {
  const s = useStyles();
  const unit = me.unit!;
  const mine = templates()
    .list()
    .filter((t) => t.def.reporters.includes(unit.kind));
  const [templateId, setTemplateId] = useState(mine[0]?.id ?? "stat-3");
  const [period, setPeriod] = useState(() => defaultPeriod(new Date()));
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [checked, setChecked] = useState<Checked | null>(null);
  const [receipt, setReceipt] = useState<Receipt | null>(null);
  const [history, setHistory] = useState<
    { version: number; receivedAt: string; onTime: boolean }[]
  >([]);
  const ok = periodSchema.safeParse(period).success;
  const t = templates().get(templateId)!;
  const errors = checked?.issues.filter((i) => i.severity === "error") ?? [];

  const refresh = useCallback(async () => {
    if (!ok) return;
    try {
      const list = await client.submissions(unit.code, templateId, period);
      setHistory(list.submissions);
    } catch {
      setHistory([]);
    }
  }, [client, unit.code, templateId, period, ok]);
  useEffect(() => {
    void refresh();
  }, [refresh]);

  const act = async (name: string, fn: () => Promise<void>) => {
    setBusy(name);
    setError(null);
    try {
      await fn();
    } catch (e) {
      setError(describeFailure(e, "zh-CN"));
    } finally {
      setBusy(null);
    }
  };

  return (
    <section className={s.section} aria-labelledby="reporter-heading">
      <Subtitle2 as="h2" id="reporter-heading">
        填报（{unit.name}）
      </Subtitle2>
      <div className={s.row}>
        <Field label="统计表">
          <Dropdown
            value={t.def.shortName["zh-CN"]}
            selectedOptions={[templateId]}
            onOptionSelect={(_e, d) => {
              if (d.optionValue) setTemplateId(d.optionValue);
              setChecked(null);
              setReceipt(null);
            }}
            data-testid="web-template"
          >
            {mine.map((x) => (
              <Option key={x.id} value={x.id} text={x.def.shortName["zh-CN"]}>
                {x.def.shortName["zh-CN"]}
              </Option>
            ))}
          </Dropdown>
        </Field>
        <Field
          label="月份"
          validationState={ok ? "none" : "error"}
          validationMessage={ok ? undefined : "请按 YYYY-MM 填写"}
        >
          <Input
            value={period}
            onChange={(_e, d) => setPeriod(d.value.trim())}
            data-testid="web-period"
          />
        </Field>
        <Button
          disabled={!ok || busy !== null}
          icon={busy === "download" ? <Spinner size="tiny" /> : undefined}
          data-testid="download-template"
          onClick={() =>
            void act("download", async () =>
              save(
                await client.download(
                  `/template.xlsx?${new URLSearchParams({ template: templateId, period })}`
                ),
                `${unit.name}-${t.def.shortName["zh-CN"]} ${period}.xlsx`
              )
            )
          }
        >
          下载空白表（.xlsx）
        </Button>
      </div>
      <Caption1>
        空白表带有数据验证、自动小计和标红规则，可在 WPS、Excel 或 LibreOffice
        中填写，填好后在此上传。
      </Caption1>
      <Field label="上传填好的表">
        <input
          type="file"
          accept=".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
          disabled={!ok || busy !== null}
          data-testid="upload"
          onChange={(e) => {
            const file = e.currentTarget.files?.[0];
            e.currentTarget.value = "";
            if (!file) return;
            void act("upload", async () => {
              setReceipt(null);
              const r = await client.upload(period, file);
              setChecked({ doc: r.document, issues: r.issues, file: file.name });
            });
          }}
        />
      </Field>
      {busy === "upload" && <Spinner size="small" label="正在检查…" />}
      {error && (
        <MessageBar intent="error" layout="multiline">
          <MessageBarBody data-testid="web-error">{error}</MessageBarBody>
        </MessageBar>
      )}
      {checked && (
        <div aria-live="polite">
          <Text weight="semibold">{checked.file}</Text>
          {checked.issues.length === 0 ? (
            <Text as="p" data-testid="web-no-issues">
              没有发现问题，可以报送。
            </Text>
          ) : (
            <table className={s.table} data-testid="web-issues">
              <thead>
                <tr>
                  <th className={s.cell}>单元格</th>
                  <th className={s.cell}>类别</th>
                  <th className={s.cell}>问题</th>
                </tr>
              </thead>
              <tbody>
                {checked.issues.map((i, k) => (
                  <tr key={k} data-rule={i.rule} data-address={i.address ?? ""}>
                    <td className={s.cell}>{i.address ?? "—"}</td>
                    <td className={s.cell}>{i.severity === "error" ? "错误" : "提醒"}</td>
                    <td className={s.cell}>{i.message}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <div className={s.row}>
            <Button
              appearance="primary"
              disabled={errors.length > 0 || busy !== null}
              icon={busy === "submit" ? <Spinner size="tiny" /> : undefined}
              data-testid="web-submit"
              onClick={() =>
                void act("submit", async () => {
                  setReceipt(await client.submit(checked.doc, newIdempotencyKey()));
                  await refresh();
                })
              }
            >
              报送
            </Button>
            {errors.length > 0 && (
              <Caption1>有 {errors.length} 个错误，请在表中修改后重新上传。</Caption1>
            )}
          </div>
        </div>
      )}
      {receipt && (
        <MessageBar intent="success">
          <MessageBarBody data-testid="web-receipt">
            已报送，第 {receipt.version} 版（
            {new Date(receipt.receivedAt).toLocaleString("zh-CN", { hour12: false })}
            {receipt.onTime ? "，按时" : "，逾期"}）
          </MessageBarBody>
        </MessageBar>
      )}
      <div>
        <Subtitle2 as="h3">本月已报送的版本</Subtitle2>
        {history.length === 0 ? (
          <Caption1 as="p">还没有报送。</Caption1>
        ) : (
          <ul data-testid="web-history">
            {history.map((h) => (
              <li key={h.version}>
                第 {h.version} 版 ·{" "}
                {new Date(h.receivedAt).toLocaleString("zh-CN", { hour12: false })} ·{" "}
                {h.onTime ? "按时" : "逾期"}
              </li>
            ))}
          </ul>
        )}
      </div>
    </section>
  );
}
