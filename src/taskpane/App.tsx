import {
  Button,
  Divider,
  Dropdown,
  Field,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  Option,
  Spinner,
  Subtitle2,
  Text,
  Title3,
  Toast,
  ToastTitle,
  Toaster,
  makeStyles,
  tokens,
  useId,
  useToastController,
} from "@fluentui/react-components";
import { useState, type ReactElement } from "react";
import type { Locale } from "../core/i18n";
import type { WorkbookSession } from "../excel/session";
import { InsertForm } from "./components/InsertForm";
import { SheetPanel } from "./components/SheetPanel";
import { STRINGS } from "./strings";
import { useSessionVersion, useWorkbookSession } from "./useSession";

const useStyles = makeStyles({
  root: {
    display: "flex",
    flexDirection: "column",
    gap: tokens.spacingVerticalM,
    padding: tokens.spacingHorizontalM,
    minWidth: 0,
    boxSizing: "border-box",
  },
  section: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalS, margin: 0 },
  heading: { margin: 0 },
  centered: { paddingTop: tokens.spacingVerticalXXL },
});

export function App({ locale }: { locale: Locale }): ReactElement {
  const s = useStyles();
  const t = STRINGS[locale];
  const { state, retry } = useWorkbookSession(locale);
  if (state.status === "opening")
    return (
      <main className={s.root}>
        <Title3 as="h1">{t.appName}</Title3>
        <Spinner className={s.centered} label={t.opening} />
      </main>
    );
  if (state.status === "failed")
    return (
      <main className={s.root}>
        <Title3 as="h1">{t.appName}</Title3>
        <MessageBar intent="error" layout="multiline">
          <MessageBarBody>
            {t.openFailed}：{state.message}
          </MessageBarBody>
          <MessageBarActions>
            <Button onClick={retry}>{t.retry}</Button>
          </MessageBarActions>
        </MessageBar>
      </main>
    );
  return <Ready session={state.session} locale={locale} />;
}

function Ready({ session, locale }: { session: WorkbookSession; locale: Locale }): ReactElement {
  const s = useStyles();
  const t = STRINGS[locale];
  useSessionVersion(session);
  const sheets = session.sheets();
  const [currentId, setCurrentId] = useState<string | null>(
    sheets[sheets.length - 1]?.sheetId ?? null
  );
  const [checked, setChecked] = useState<Set<string>>(new Set());
  // Notices float over the pane (a toast), so nothing below them moves when one appears.
  const toasterId = useId("notices");
  const { dispatchToast } = useToastController(toasterId);
  const notify = (intent: "success" | "error", text: string): void =>
    dispatchToast(
      <Toast data-testid="message">
        <ToastTitle>{text}</ToastTitle>
      </Toast>,
      { intent, timeout: intent === "error" ? 10_000 : 4_000 }
    );
  const current = sheets.find((x) => x.sheetId === currentId) ?? sheets[sheets.length - 1] ?? null;

  return (
    <main className={s.root}>
      <Title3 as="h1">{t.appName}</Title3>
      <Toaster toasterId={toasterId} position="bottom" />
      <section className={s.section} aria-labelledby="insert-heading">
        <Subtitle2 as="h2" id="insert-heading" className={s.heading}>
          {t.insertSection}
        </Subtitle2>
        <InsertForm
          locale={locale}
          t={t}
          onInsert={async (req) => {
            try {
              const live = await session.insert(req);
              setCurrentId(live.sheetId);
            } catch (e) {
              notify("error", (e as Error).message);
            }
          }}
        />
      </section>
      <Divider />
      <section className={s.section} aria-labelledby="sheets-heading">
        <Subtitle2 as="h2" id="sheets-heading" className={s.heading}>
          {t.sheetsSection}
        </Subtitle2>
        {session.unknown.map((u) => (
          <MessageBar key={u.sheetId} intent="warning">
            <MessageBarBody>{t.unknownTemplate(u.name)}</MessageBarBody>
          </MessageBar>
        ))}
        {!current ? (
          <Text data-testid="no-sheets">{t.noSheets}</Text>
        ) : (
          <>
            {sheets.length > 1 && (
              <Field label={t.sheet}>
                <Dropdown
                  value={current.name}
                  selectedOptions={[current.sheetId]}
                  onOptionSelect={(_e, d) => d.optionValue && setCurrentId(d.optionValue)}
                >
                  {sheets.map((x) => (
                    <Option key={x.sheetId} value={x.sheetId}>
                      {x.name}
                    </Option>
                  ))}
                </Dropdown>
              </Field>
            )}
            <SheetPanel
              key={current.sheetId}
              session={session}
              live={current}
              locale={locale}
              t={t}
              checked={checked.has(current.sheetId)}
              onChecked={() => setChecked((prev) => new Set(prev).add(current.sheetId))}
              onNotice={(text) => notify("success", text)}
              onError={(text) => notify("error", text)}
              onRestored={(id) => setCurrentId(id)}
            />
          </>
        )}
      </section>
    </main>
  );
}
