import { makeStyles, tokens } from "@fluentui/react-components";

/** The reporter page's layout, shared by its sections. */
export const useReporterStyles = makeStyles({
  section: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalL, minWidth: 0 },
  row: { display: "flex", flexWrap: "wrap", gap: tokens.spacingHorizontalM, alignItems: "end" },
  picker: { minWidth: "min(100%, 320px)", maxWidth: "100%" },
  block: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalS, minWidth: 0 },
  list: { margin: 0, paddingLeft: tokens.spacingHorizontalXL },
  // Headings and paragraphs keep their distance by the section's gap, not by browser margins.
  flat: { margin: 0 },
  reason: { flexBasis: "100%", overflowWrap: "anywhere" },
});
