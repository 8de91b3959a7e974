import { Caption1, MessageBar, MessageBarBody, Spinner } from "@fluentui/react-components";
import type { ReactElement } from "react";
import { FilePicker } from "./FilePicker";
import { MismatchBar } from "./MismatchBar";
import type { ReporterStrings } from "./reporterStrings";
import type { ReporterFlow } from "./useReporterFlow";

const XLSX = ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/** The filled file to upload, its check running, what went wrong, a file of another month. */
export function ReporterFile({
  flow,
  w,
}: {
  flow: ReporterFlow;
  w: ReporterStrings;
}): ReactElement {
  const { state, busy } = flow;
  const phase = state.phase;
  return (
    <>
      <Caption1 block>{w.blankHint}</Caption1>
      <FilePicker
        label={w.uploadLabel}
        hint={w.uploadHint}
        accept={XLSX}
        disabled={state.period === null || busy !== null}
        fileName={flow.fileName}
        onPick={flow.check}
        testId="upload"
      />
      {busy === "upload" && <Spinner size="small" label={w.checking} />}
      {state.error && (
        <MessageBar intent="error" layout="multiline">
          <MessageBarBody data-testid="web-error">{state.error}</MessageBarBody>
        </MessageBar>
      )}
      {phase.at === "mismatch" && (
        <MismatchBar expected={phase.expected} found={phase.found} onSwitch={flow.switchTo} />
      )}
    </>
  );
}
