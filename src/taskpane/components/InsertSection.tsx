import {
  Button,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  MessageBarTitle,
  makeStyles,
  tokens,
  useId,
} from "@fluentui/react-components";
import { ChevronDownRegular, ChevronRightRegular } from "@fluentui/react-icons";
import { useState, type ReactElement } from "react";
import { describeFailure } from "../../client/failure";
import type { Locale } from "../../core/i18n";
import type { LiveSheet } from "../../excel/live";
import type { InsertRequest, WorkbookSession } from "../../excel/session";
import type { Connection } from "../connection";
import { existingSheet } from "../existing";
import type { Strings } from "../strings";
import { InsertForm } from "./InsertForm";

const useStyles = makeStyles({
  section: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalS, margin: 0 },
  heading: { margin: 0 },
  toggle: { paddingLeft: 0, minWidth: 0, fontWeight: tokens.fontWeightSemibold },
});

type Offer = { req: InsertRequest; fromLastMonth: boolean; existing: LiveSheet };

/**
 * Inserting a table: open while the workbook has none, folded under its heading once a sheet is
 * bound (the sheet and its issues are what the clerk works on). The same table, unit and month
 * a second time is offered the sheet that exists; a second sheet is made only when asked for.
 */
export function InsertSection(props: {
  session: WorkbookSession;
  locale: Locale;
  t: Strings;
  reporter: Connection | null;
  /** Signed in with any role: the unit is the registry's, not typed (a collector's too). */
  connection?: Connection | null;
  onCurrent: (sheetId: string) => void;
  notify: (intent: "error", text: string) => void;
}): ReactElement {
  const { session, locale, t, reporter } = props;
  const s = useStyles();
  const panelId = useId("insert-panel");
  const hasSheets = session.sheets().length > 0;
  const [open, setOpen] = useState(!hasSheets);
  const [offer, setOffer] = useState<Offer | null>(null);
  const shown = open || !hasSheets;

  const insert = async (req: InsertRequest, fromLastMonth: boolean): Promise<void> => {
    try {
      const def = session.templates.get(req.templateId)?.def;
      const previous =
        reporter && fromLastMonth && def?.cumulative && req.unit
          ? await reporter.client.previousOf(req.unit.code, req.templateId, req.period)
          : null;
      const live = await session.insert({ ...req, prefill: previous, previous });
      setOffer(null);
      setOpen(false);
      props.onCurrent(live.sheetId);
    } catch (e) {
      props.notify("error", describeFailure(e, locale));
    }
  };

  return (
    <section className={s.section} aria-labelledby={`${panelId}-heading`}>
      <h2 className={s.heading} id={`${panelId}-heading`}>
        <Button
          appearance="transparent"
          className={s.toggle}
          icon={shown ? <ChevronDownRegular /> : <ChevronRightRegular />}
          aria-expanded={shown}
          aria-controls={panelId}
          disabled={!hasSheets}
          onClick={() => setOpen(!shown)}
          data-testid="insert-toggle"
        >
          {t.insertSection}
        </Button>
      </h2>
      <div id={panelId} hidden={!shown} className={shown ? s.section : undefined}>
        {offer && (
          <MessageBar intent="warning" layout="multiline" data-testid="existing-sheet">
            <MessageBarBody>
              <MessageBarTitle>{t.alreadyInserted}</MessageBarTitle>
              {t.alreadyInsertedBody(offer.existing.name)}
            </MessageBarBody>
            <MessageBarActions>
              <Button
                appearance="primary"
                data-testid="go-to-existing"
                onClick={() => {
                  const target = offer.existing;
                  setOffer(null);
                  setOpen(false);
                  props.onCurrent(target.sheetId);
                  session
                    .activate(target.sheetId)
                    .catch((e: unknown) => props.notify("error", describeFailure(e, locale)));
                }}
              >
                {t.goToSheet}
              </Button>
              <Button
                data-testid="insert-anyway"
                onClick={() => void insert(offer.req, offer.fromLastMonth)}
              >
                {t.insertAnyway}
              </Button>
            </MessageBarActions>
          </MessageBar>
        )}
        <InsertForm
          locale={locale}
          t={t}
          signedIn={props.connection ?? reporter}
          offerLastMonth={reporter !== null}
          onInsert={async (req, fromLastMonth) => {
            const existing = existingSheet(session.sheets(), req);
            if (existing) setOffer({ req, fromLastMonth, existing });
            else await insert(req, fromLastMonth);
          }}
        />
      </div>
    </section>
  );
}
