import { Badge } from "@fluentui/react-components";
import type { ReactElement } from "react";
import type { ReviewState } from "../../core/schema/api";
import { STATE_COLORS } from "./board";
import type { ReviewStrings } from "./reviewStrings";

/** A report's review state as a tinted badge: 未报送 / 已报送待审核 / 已退回 / 已审核. */
export function StateBadge(props: {
  state: ReviewState;
  late?: boolean;
  r: ReviewStrings;
  lateLabel?: string;
}): ReactElement {
  return (
    <span style={{ display: "inline-flex", gap: 4, flexWrap: "wrap" }}>
      <Badge appearance="tint" color={STATE_COLORS[props.state]} style={{ whiteSpace: "nowrap" }}>
        {props.r.states[props.state]}
      </Badge>
      {props.late && props.lateLabel && (
        <Badge appearance="outline" color="warning" style={{ whiteSpace: "nowrap" }}>
          {props.lateLabel}
        </Badge>
      )}
    </span>
  );
}
