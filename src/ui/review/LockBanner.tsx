import { MessageBar, MessageBarBody, MessageBarTitle } from "@fluentui/react-components";
import type { ReactElement } from "react";
import type { Locale } from "../../core/i18n";
import type { LockState } from "../../core/schema/api";
import { shortTime, type ReviewStrings } from "./reviewStrings";

/** Who locked the report's month and since when: shown before anything is typed or sent. */
export function LockBanner(props: {
  lock: LockState | null;
  r: ReviewStrings;
  locale: Locale;
  testId?: string;
}): ReactElement | null {
  const { lock, r } = props;
  if (!lock?.locked) return null;
  const by = lock.byName ?? lock.by ?? "";
  return (
    <MessageBar intent="warning" layout="multiline" data-testid={props.testId ?? "lock-banner"}>
      <MessageBarBody>
        <MessageBarTitle>
          {r.lockedBy(by, lock.at ? shortTime(lock.at, props.locale) : "—")}
        </MessageBarTitle>
        {r.lockedHint}
      </MessageBarBody>
    </MessageBar>
  );
}
