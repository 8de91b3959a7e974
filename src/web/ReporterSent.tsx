import {
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Subtitle2,
  Text,
} from "@fluentui/react-components";
import type { ReactElement } from "react";
import type { Receipt } from "../core/schema/api";
import { reportTitle } from "../core/template/labels";
import type { ReporterStrings } from "./reporterStrings";
import { useReporterStyles } from "./reporterStyles";
import type { ReporterFlow } from "./useReporterFlow";

/** The receipt of a 报送 from this page: a late one in a warning bar, never a green one. */
export function ReporterReceipt({
  receipt,
  due,
  w,
}: {
  receipt: Receipt;
  due: string | null;
  w: ReporterStrings;
}): ReactElement {
  return (
    <MessageBar intent={receipt.onTime ? "success" : "warning"} layout="multiline">
      <MessageBarBody data-testid="web-receipt">
        <MessageBarTitle>{w.receiptTitle(receipt.version, receipt.onTime)}</MessageBarTitle>
        {w.receiptBody(receipt.receivedAt, receipt.onTime, due ?? "")}
      </MessageBarBody>
    </MessageBar>
  );
}

/** The versions stored for the chosen table and month. */
export function ReporterHistory({
  flow,
  w,
  period,
}: {
  flow: ReporterFlow;
  w: ReporterStrings;
  period: string;
}): ReactElement {
  const s = useReporterStyles();
  const { history } = flow.state;
  return (
    <div className={s.block}>
      <Subtitle2 as="h3" block className={s.flat} data-testid="history-heading">
        {w.historyHeading(reportTitle(flow.template.def, period))}
      </Subtitle2>
      {history.length === 0 ? (
        <Text as="p" block className={s.flat}>
          {w.noHistory}
        </Text>
      ) : (
        <ul className={s.list} data-testid="web-history">
          {history.map((h) => (
            <li key={h.version}>{w.historyItem(h.version, h.receivedAt, h.onTime)}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
