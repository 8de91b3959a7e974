import {
  Caption1,
  Dropdown,
  Field,
  Input,
  Option,
  Text,
  Title3,
  makeStyles,
  tokens,
} from "@fluentui/react-components";
import { useMemo, useState, type ReactElement } from "react";
import type { Locale } from "../core/i18n";
import { layoutPlan } from "../core/layout/plan";
import { defaultPeriod, dueDate } from "../core/periods";
import { periodSchema } from "../core/schema/document";
import { templates } from "../templates";
import { PlanTable } from "./components/PlanTable";
import { STRINGS } from "./strings";

const useStyles = makeStyles({
  root: {
    display: "flex",
    flexDirection: "column",
    gap: tokens.spacingVerticalM,
    padding: tokens.spacingHorizontalM,
    minWidth: 0,
    boxSizing: "border-box",
  },
  facts: {
    display: "grid",
    gridTemplateColumns: "auto 1fr",
    columnGap: tokens.spacingHorizontalS,
    rowGap: tokens.spacingVerticalXS,
  },
});

export function App({ locale }: { locale: Locale }): ReactElement {
  const s = useStyles();
  const t = STRINGS[locale];
  const pack = templates().list();
  const [templateId, setTemplateId] = useState(pack[0]!.id);
  const [period, setPeriod] = useState(() => defaultPeriod(new Date()));
  const periodOk = periodSchema.safeParse(period).success;
  const template = templates().get(templateId)!;
  const plan = useMemo(
    () =>
      periodOk
        ? layoutPlan(template, {
            period,
            blankListRows: 3,
            listRows: template.def.listKey === "unit" ? [{ key: "unit", name: "…" }] : undefined,
          })
        : null,
    [template, period, periodOk]
  );

  return (
    <main className={s.root}>
      <Title3 as="h1">{t.appName}</Title3>
      <Field label={t.template}>
        <Dropdown
          value={`${template.def.shortName[locale]} ${template.def.title.replace("{year}", periodOk ? period.slice(0, 4) : "")}`}
          selectedOptions={[templateId]}
          onOptionSelect={(_e, d) => d.optionValue && setTemplateId(d.optionValue)}
        >
          {pack.map((p) => (
            <Option key={p.id} value={p.id} text={p.def.shortName[locale]}>
              {p.def.shortName[locale]}
            </Option>
          ))}
        </Dropdown>
      </Field>
      <Field
        label={t.period}
        hint={t.periodHint}
        validationState={periodOk ? "none" : "error"}
        validationMessage={periodOk ? undefined : t.badPeriod}
      >
        <Input
          value={period}
          onChange={(_e, d) => setPeriod(d.value.trim())}
          inputMode="numeric"
          placeholder="2021-07"
        />
      </Field>
      {periodOk && (
        <div className={s.facts}>
          <Caption1>{t.due}</Caption1>
          <Text>{dueDate(period, template.def.dueDay)}</Text>
          <Caption1>{t.reporters}</Caption1>
          <Text>{template.def.reporters.map((r) => t.reporterKinds[r]).join("、")}</Text>
        </div>
      )}
      {plan && <PlanTable plan={plan} caption={t.preview} />}
    </main>
  );
}
