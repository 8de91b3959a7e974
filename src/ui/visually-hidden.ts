/**
 * Present to screen readers (and to a file input's drop path), absent from the screen: one set
 * of properties, usable in a Griffel style (no shorthands) and as an inline style alike.
 */
export const visuallyHidden = {
  position: "absolute",
  width: "1px",
  height: "1px",
  overflow: "hidden",
  clip: "rect(0 0 0 0)",
  whiteSpace: "nowrap",
} as const;
