import { Button, Caption1, Spinner, Text } from "@fluentui/react-components";
import type { ReactElement } from "react";
import { ResubmitDialog } from "./ResubmitDialog";
import type { ReporterStrings } from "./reporterStrings";
import { useReporterStyles } from "./reporterStyles";
import { IssueTable, ReadSummary } from "./UploadResult";
import type { ReporterFlow, Upload } from "./useReporterFlow";

/** A checked file: its issues (with the 说明 they take), what was read, and 报送. */
export function ReporterCheck({
  flow,
  upload,
  w,
  unitName,
}: {
  flow: ReporterFlow;
  upload: Upload;
  w: ReporterStrings;
  unitName: string;
}): ReactElement {
  const s = useReporterStyles();
  const { busy, errors, blocked, asking } = flow;
  return (
    <div className={s.block} aria-live="polite">
      <Text weight="semibold" block>
        {upload.file.name}
      </Text>
      {upload.issues.length === 0 ? (
        <Text as="p" block className={s.flat} data-testid="web-no-issues">
          {w.noIssues}
        </Text>
      ) : (
        <IssueTable
          issues={upload.issues}
          explain={{
            rules: flow.template.explanationRules,
            texts: flow.state.texts,
            onChange: flow.explain,
          }}
        />
      )}
      <ReadSummary doc={upload.doc} unitName={unitName} />
      <div className={s.row}>
        <Button
          appearance="primary"
          disabled={errors.length > 0 || busy !== null || blocked !== null}
          icon={busy === "submit" || busy === "compare" ? <Spinner size="tiny" /> : undefined}
          data-testid="web-submit"
          onClick={flow.send}
        >
          {w.submit}
        </Button>
        {errors.length > 0 && <Caption1>{w.errorsLeft(errors.length)}</Caption1>}
      </div>
      {blocked && <Caption1 data-testid="web-submit-blocked">{blocked}</Caption1>}
      <ResubmitDialog
        open={asking !== null}
        version={asking?.last ?? 0}
        changes={asking?.changes ?? null}
        w={w}
        onCancel={flow.cancel}
        onConfirm={flow.confirm}
      />
    </div>
  );
}
