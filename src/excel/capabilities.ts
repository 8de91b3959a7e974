/**
 * What the running Excel offers above the manifest's minimum (ExcelApi 1.8), asked once; every
 * feature used from a higher set has a fallback that still works.
 */
export interface Capabilities {
  /** ExcelApi 1.9: a change event carries the single changed cell's value (no read needed). */
  details: boolean;
  /** ExcelApi 1.12: sheet custom properties hold the binding (else workbook settings only). */
  customProperties: boolean;
  /** ExcelApi 1.14: a change event says whether this add-in caused it (else events are switched off around our writes). */
  triggerSource: boolean;
}

export function detectCapabilities(): Capabilities {
  const req = Office.context.requirements;
  return {
    details: req.isSetSupported("ExcelApi", "1.9"),
    customProperties: req.isSetSupported("ExcelApi", "1.12"),
    triggerSource: req.isSetSupported("ExcelApi", "1.14"),
  };
}

/** The requirement set the add-in cannot work without (the manifest's minimum). */
export const REQUIRED_SET = "1.8";

/**
 * The missing requirement set, if the running Excel lacks the core one (ExcelApi 1.8: events'
 * getRange, data validation, Runtime.enableEvents): Office 2016 and 2019 without updates.
 */
export function missingRequirement(): string | null {
  const req = typeof Office === "undefined" ? undefined : Office.context?.requirements;
  if (!req) return null;
  return req.isSetSupported("ExcelApi", REQUIRED_SET) ? null : `ExcelApi ${REQUIRED_SET}`;
}
