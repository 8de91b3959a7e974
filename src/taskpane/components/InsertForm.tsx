import {
  Button,
  Caption1,
  Checkbox,
  Dropdown,
  Field,
  Input,
  Option,
  Spinner,
  Text,
  Textarea,
  makeStyles,
  tokens,
} from "@fluentui/react-components";
import { useState, type ReactElement } from "react";
import { formatDate } from "../../core/format";
import type { Locale } from "../../core/i18n";
import { defaultPeriod, dueDate } from "../../core/periods";
import { periodSchema } from "../../core/schema/document";
import { TIERS, type Tier } from "../../core/schema/template";
import { TIER_LABELS } from "../../core/validate/messages";
import type { InsertRequest } from "../../excel/session";
import { useTemplates } from "../../client/use-template-pack";
import { loadProfile, parseUnitLines, saveProfile, type Profile } from "../profile";
import { tierOf, type Connection } from "../connection";
import { ownListRows, reportsTable } from "../../core/template/reporters";
import type { Strings } from "../strings";

const useStyles = makeStyles({
  form: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalS },
  pair: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalS },
  facts: { minHeight: "20px" },
  insert: { alignSelf: "flex-start", minWidth: "120px" },
});

export function InsertForm(props: {
  locale: Locale;
  t: Strings;
  /** Signed in: the unit and tier come from the registry, not from typing. */
  signedIn: Connection | null;
  /** 从上月已报送的数据开始 is offered (a reporter's own last month is fetched to start from). */
  offerLastMonth?: boolean;
  onInsert: (req: InsertRequest, fromLastMonth: boolean) => Promise<void>;
}): ReactElement {
  const { t, locale } = props;
  const s = useStyles();
  const templates = useTemplates();
  const me = props.signedIn?.me ?? null;
  // Signed in, only the tables the unit's kind files itself are offered (a hospital: no 表二).
  const all = templates().list();
  const kind = me?.unit?.kind;
  const mine = kind ? all.filter((p) => reportsTable(p.def, kind)) : all;
  const pack = mine.length ? mine : all;
  const [chosen, setTemplateId] = useState(pack[0]!.id);
  const templateId = pack.some((p) => p.id === chosen) ? chosen : pack[0]!.id;
  const [period, setPeriod] = useState(() => defaultPeriod(new Date()));
  const [profile, setProfile] = useState<Profile>(loadProfile);
  const [busy, setBusy] = useState(false);
  const [fromLastMonth, setFromLastMonth] = useState(true);
  const template = templates().get(templateId)!;
  const registryTier = me ? tierOf(me) : null;
  const tier = me ? registryTier : profile.tier;
  const unit = me?.unit
    ? { code: me.unit.code, name: me.unit.name }
    : profile.code.trim()
      ? { code: profile.code.trim(), name: profile.name.trim() }
      : null;
  const periodOk = periodSchema.safeParse(period).success;
  const needsTier = !!template.def.tierLocked;
  // Signed in, a unit's 表一 is its own row (its registry name; its code stays in the binding).
  // The typed list of units is for a table made by hand before signing in.
  const ownRows = me?.unit ? ownListRows(template.def, me.unit) : undefined;
  const needsUnits = template.def.listKey === "unit" && !ownRows;
  const units = parseUnitLines(profile.units);
  const ready =
    periodOk && (!needsTier || tier !== null) && (!needsUnits || units.length > 0) && !busy;

  const update = (p: Partial<Profile>): void => {
    const next = { ...profile, ...p };
    setProfile(next);
    saveProfile(next);
  };

  const submit = async (): Promise<void> => {
    setBusy(true);
    try {
      await props.onInsert(
        {
          templateId,
          period,
          unit,
          tier: needsTier ? tier : null,
          listRows: ownRows ?? (needsUnits ? units : undefined),
        },
        fromLastMonth &&
          (props.offerLastMonth ?? true) &&
          !!template.def.cumulative &&
          !period.endsWith("-01")
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      className={s.form}
      aria-label={t.insertSection}
      onSubmit={(e) => {
        e.preventDefault();
        if (ready) void submit();
      }}
    >
      <Field label={t.template}>
        <Dropdown
          value={template.def.shortName[locale]}
          selectedOptions={[templateId]}
          onOptionSelect={(_e, d) => d.optionValue && setTemplateId(d.optionValue)}
          data-testid="template"
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
          data-testid="period"
        />
      </Field>
      <div className={s.facts}>
        {periodOk && (
          <Caption1>
            {t.due}：
            <Text size={200}>{formatDate(dueDate(period, template.def.dueDay), locale)}</Text>
            {" · "}
            {template.def.reporters.map((r) => t.reporterKinds[r]).join("、")}
          </Caption1>
        )}
      </div>
      {me &&
        props.signedIn &&
        (props.offerLastMonth ?? true) &&
        template.def.cumulative &&
        !period.endsWith("-01") && (
          <Checkbox
            checked={fromLastMonth}
            onChange={(_e, d) => setFromLastMonth(d.checked === true)}
            label={t.fromLastMonth}
            data-testid="from-last-month"
          />
        )}
      {!me && (
        <div className={s.pair}>
          <Field label={t.unitCode} hint={t.unitHint}>
            <Input
              value={profile.code}
              onChange={(_e, d) => update({ code: d.value })}
              data-testid="unit-code"
            />
          </Field>
          <Field label={t.unitName}>
            <Input
              value={profile.name}
              onChange={(_e, d) => update({ name: d.value })}
              data-testid="unit-name"
            />
          </Field>
        </div>
      )}
      {needsTier && !me && (
        <Field
          label={t.tier}
          validationState={profile.tier ? "none" : "warning"}
          validationMessage={profile.tier ? undefined : t.tierNeeded}
        >
          <Dropdown
            placeholder={t.tierPlaceholder}
            value={profile.tier ? TIER_LABELS[profile.tier]![locale] : ""}
            selectedOptions={profile.tier ? [profile.tier] : []}
            onOptionSelect={(_e, d) => d.optionValue && update({ tier: d.optionValue as Tier })}
            data-testid="tier"
          >
            {TIERS.map((tier) => (
              <Option key={tier} value={tier} text={TIER_LABELS[tier]![locale]}>
                {TIER_LABELS[tier]![locale]}
              </Option>
            ))}
          </Dropdown>
        </Field>
      )}
      {needsUnits && (
        <Field
          label={t.units}
          hint={t.unitsHint}
          validationState={units.length ? "none" : "warning"}
          validationMessage={units.length ? undefined : t.unitsNeeded}
        >
          <Textarea
            value={profile.units}
            onChange={(_e, d) => update({ units: d.value })}
            resize="vertical"
          />
        </Field>
      )}
      <Button
        className={s.insert}
        appearance="primary"
        type="submit"
        disabled={!ready}
        aria-busy={busy}
        icon={busy ? <Spinner size="tiny" aria-label={t.inserting} /> : undefined}
        data-testid="insert"
      >
        {t.insert}
      </Button>
    </form>
  );
}
