import { Title3 } from "@fluentui/react-components";
import { Component, lazy, Suspense, type ReactElement, type ReactNode } from "react";
import type { Locale } from "../core/i18n";
import { missingRequirement } from "../excel/capabilities";
import { RequirementNotice } from "./components/RequirementNotice";
import { Opening } from "./Opening";
import { STRINGS } from "./strings";

/**
 * The shell a reporter's pane loads first: React, Fluent's provider, the title and a spinner.
 * Everything else (the workbook session, the rule engine, the schemas, the client, the sheets
 * screen) is one chunk requested as this module runs, so it downloads while Office gets ready
 * and the spinner already shows.
 */
const paneChunk = import(/* webpackChunkName: "pane" */ "./Pane");
// The rejection is shown by the boundary below once rendered; not an unhandled one before that.
paneChunk.catch(() => undefined);
const Pane = lazy(() => paneChunk.then((m) => ({ default: m.Pane })));

export function App({ locale }: { locale: Locale }): ReactElement {
  if (missingRequirement()) return <RequirementNotice locale={locale} />;
  return (
    <ChunkFailure locale={locale}>
      <Suspense fallback={<Opening locale={locale} />}>
        <Pane locale={locale} />
      </Suspense>
    </ChunkFailure>
  );
}

/**
 * A chunk that cannot be fetched (the network dropped while the pane opened) says so instead of
 * leaving the pane blank; reopening the pane fetches it again. Any other error goes on up as
 * before: it is a fault, not a download.
 */
class ChunkFailure extends Component<{ locale: Locale; children: ReactNode }, { error: unknown }> {
  override state: { error: unknown } = { error: null };
  static getDerivedStateFromError(error: unknown): { error: unknown } {
    return { error };
  }
  override render(): ReactNode {
    const { error } = this.state;
    if (!error) return this.props.children;
    if ((error as Error).name !== "ChunkLoadError") throw error;
    const t = STRINGS[this.props.locale];
    return (
      <main style={{ padding: 12 }}>
        <Title3 as="h1">{t.appName}</Title3>
        <p role="alert" data-testid="load-failed">
          {t.loadFailed}
        </p>
      </main>
    );
  }
}
