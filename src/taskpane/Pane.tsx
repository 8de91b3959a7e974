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
import { lazy, Suspense, useEffect, useState, type ReactElement } from "react";
import type { Locale } from "../core/i18n";
import type { WorkbookSession } from "../excel/session";
import { describeFailure } from "../client/failure";
import { InsertSection } from "./components/InsertSection";
import { QueuePanel } from "./components/QueuePanel";
import { SignIn } from "./components/SignIn";
import { connect, loadConnection, type Connection } from "./connection";
import { useSubmissions } from "./useSubmissions";
import { SheetPanel } from "./components/SheetPanel";
import { STRINGS } from "./strings";
import { useSessionVersion, useWorkbookSession } from "./useSession";
import { Opening, usePaneRootStyles } from "./Opening";

// A reporter never opens the collector's panel: it is fetched when a collector signs in.
const CollectorPanel = lazy(() =>
  import(/* webpackChunkName: "collector-panel" */ "./components/CollectorPanel").then((m) => ({
    default: m.CollectorPanel,
  }))
);

const useStyles = makeStyles({
  section: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalS, margin: 0 },
  heading: { margin: 0 },
});

/**
 * The pane once its code is here (the shell in App.tsx fetches this chunk at once): opens the
 * workbook session, then shows the sheets.
 */
export function Pane({ locale }: { locale: Locale }): ReactElement {
  const root = usePaneRootStyles().root;
  const t = STRINGS[locale];
  const { state, retry } = useWorkbookSession(locale);
  // The same title and spinner as the shell's, so nothing moves while the workbook opens.
  if (state.status === "opening") return <Opening locale={locale} />;
  if (state.status === "failed")
    return (
      <main className={root}>
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
  const root = usePaneRootStyles().root;
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
  const notify = (intent: "success" | "error" | "warning", text: string): void =>
    dispatchToast(
      <Toast data-testid="message">
        <ToastTitle>{text}</ToastTitle>
      </Toast>,
      { intent, timeout: intent === "error" ? 10_000 : 4_000 }
    );
  const current = sheets.find((x) => x.sheetId === currentId) ?? sheets[sheets.length - 1] ?? null;

  // A stored connection is tried again when the pane opens.
  const [connection, setConnection] = useState<Connection | null>(null);
  useEffect(() => {
    const stored = loadConnection();
    if (stored) connect(stored).then(setConnection, () => setConnection(null));
  }, []);
  // Signed in: the cumulative check of each sheet gets last month's accepted report.
  useEffect(() => {
    if (!connection) return;
    for (const l of session.sheets()) {
      const code = l.binding.unit?.code;
      if (!code || !l.template.def.cumulative) continue;
      connection.client
        .previousOf(code, l.binding.template, l.binding.period)
        .then((prev) => session.setPrevious(l.sheetId, prev))
        .catch(() => undefined);
    }
  }, [connection, session]);
  const submissions = useSubmissions({ session, connection, locale, t, notify });
  const reporter = connection?.me.role === "reporter" ? connection : null;

  // The bound sheet and its issues come first: they are what the clerk works on. Inserting
  // folds under its heading once a sheet exists; the connection and the collector follow.
  return (
    <main className={root}>
      <Title3 as="h1">{t.appName}</Title3>
      <Toaster toasterId={toasterId} position="bottom" />
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
              onSubmit={
                reporter && current.binding.unit?.code === reporter.me.unit?.code
                  ? (confirm) => submissions.submit(current, confirm)
                  : undefined
              }
              connection={
                connection && current.binding.unit?.code === connection.me.unit?.code
                  ? connection
                  : null
              }
            />
          </>
        )}
        <QueuePanel
          t={t}
          locale={locale}
          pending={submissions.pending}
          busy={submissions.busy}
          onRetry={submissions.retry}
        />
      </section>
      <Divider />
      <InsertSection
        session={session}
        locale={locale}
        t={t}
        reporter={reporter}
        connection={connection}
        onCurrent={setCurrentId}
        notify={notify}
      />
      <Divider />
      <section className={s.section} aria-labelledby="server-heading">
        <Subtitle2 as="h2" id="server-heading" className={s.heading}>
          {t.signInSection}
        </Subtitle2>
        <SignIn t={t} locale={locale} connection={connection} onChange={setConnection} />
      </section>
      {connection?.me.role === "collector" && connection.me.unit && (
        <section className={s.section} aria-labelledby="collector-heading">
          <Subtitle2 as="h2" id="collector-heading" className={s.heading}>
            {t.collectorSection}
          </Subtitle2>
          <Suspense fallback={<Spinner size="tiny" />}>
            <CollectorPanel
              t={t}
              locale={locale}
              connection={connection}
              session={session}
              onNotice={(text) => notify("success", text)}
              onError={(e) => notify("error", describeFailure(e, locale))}
              onInserted={(id) => setCurrentId(id)}
            />
          </Suspense>
        </section>
      )}
    </main>
  );
}
