import { Spinner, Title3, makeStyles, tokens } from "@fluentui/react-components";
import type { ReactElement } from "react";
import type { Locale } from "../core/i18n";
import { STRINGS } from "./strings";

/** The pane's column; the shell and the opened pane share it so the title stays in place. */
export const usePaneRootStyles = makeStyles({
  root: {
    display: "flex",
    flexDirection: "column",
    gap: tokens.spacingVerticalM,
    padding: tokens.spacingHorizontalM,
    minWidth: 0,
    boxSizing: "border-box",
  },
  centered: { paddingTop: tokens.spacingVerticalXXL },
});

/** The title and a spinner: while the pane's code arrives, then while the workbook opens. */
export function Opening({ locale }: { locale: Locale }): ReactElement {
  const s = usePaneRootStyles();
  const t = STRINGS[locale];
  return (
    <main className={s.root}>
      <Title3 as="h1">{t.appName}</Title3>
      <Spinner className={s.centered} label={t.opening} />
    </main>
  );
}
