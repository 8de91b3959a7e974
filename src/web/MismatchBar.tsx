import {
  Button,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  MessageBarTitle,
} from "@fluentui/react-components";
import type { ReactElement } from "react";
import type { FileFacts, FileMismatch } from "../core/schema/api";
import { periodSchema } from "../core/schema/document";
import { periodTitle, reportTitle } from "../core/template/labels";
import { packTemplates as templates } from "../client/template-pack";

/** A table and month as a person reads them; what the file does not say stays out. */
function describe(facts: FileFacts): string {
  const t = facts.template ? templates().get(facts.template) : undefined;
  const month =
    facts.period && periodSchema.safeParse(facts.period).success ? facts.period : undefined;
  if (t && month) return reportTitle(t.def, month);
  if (t)
    return facts.year ? `${t.def.shortName["zh-CN"]} ${facts.year}年` : t.def.shortName["zh-CN"];
  return month ? periodTitle(month) : facts.year ? `${facts.year}年` : "";
}

/**
 * The file is of another table, month or unit than the one chosen: say what it is and offer
 * to check it as that (another unit's file is refused, never switched to).
 */
export function MismatchBar(props: {
  expected: FileMismatch["expected"];
  found: FileFacts;
  /** The table and month the file is, when this unit may report them. */
  onSwitch: ((template: string, period: string) => void) | null;
}): ReactElement {
  const { expected, found } = props;
  const otherUnit = !!found.unit && found.unit !== expected.unit;
  const target = {
    template: found.template ?? expected.template,
    period: found.period ?? expected.period,
  };
  // A file that says only its year names no month to switch to.
  const monthUnknown = !found.period && found.year !== undefined;
  const switchable =
    !monthUnknown &&
    !otherUnit &&
    !!templates().get(target.template) &&
    periodSchema.safeParse(target.period).success;
  return (
    <MessageBar intent="error" layout="multiline" data-testid="file-mismatch">
      <MessageBarBody>
        <MessageBarTitle>文件与所选不一致，未检查</MessageBarTitle>
        {otherUnit
          ? "这个文件是其他单位的表，不能以本单位的名义报送。请使用本单位下载的空白表。"
          : `这个文件是 ${describe(monthUnknown ? found : target)} 的表，所选的是 ${describe(expected)}。`}
      </MessageBarBody>
      {switchable && props.onSwitch && (
        <MessageBarActions>
          <Button
            data-testid="switch-to-file"
            onClick={() => props.onSwitch!(target.template, target.period)}
          >
            改为 {describe(target)} 并检查
          </Button>
        </MessageBarActions>
      )}
    </MessageBar>
  );
}
