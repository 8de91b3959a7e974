/**
 * Errors as Office.js raises them (OfficeExtension.Error): a code and a message; the codes are
 * those of Excel's documentation, so code written against the host handles Excel's errors too.
 */
export type HostErrorCode =
  | "PropertyNotLoaded"
  | "ItemNotFound"
  | "ItemAlreadyExists"
  | "InvalidArgument"
  | "InvalidReference"
  | "InvalidOperation"
  | "AccessDenied"
  | "ApiNotFound"
  | "InvalidObjectPath"
  | "InvalidOperationInCellEditMode"
  | "RequestPayloadSizeLimitExceeded"
  | "RangeExceedsLimit"
  | "UndoNotSupported";

export class HostError extends Error {
  override readonly name = "RichApi.Error";
  constructor(
    readonly code: HostErrorCode,
    message: string,
    readonly debugInfo: { code: HostErrorCode; message: string; errorLocation?: string } = {
      code,
      message,
    }
  ) {
    super(message);
  }
}

export const notLoaded = (property: string): HostError =>
  new HostError(
    "PropertyNotLoaded",
    `The property '${property}' is not available. Before reading the property's value, call the load method on the containing object and call "context.sync()" on the associated request context.`
  );

export const protectedSheet = (): HostError =>
  new HostError(
    "AccessDenied",
    "The cell or chart you're trying to change is on a protected sheet. To make a change, unprotect the sheet."
  );

export const apiNotFound = (member: string, set: string): HostError =>
  new HostError(
    "ApiNotFound",
    `The API you are trying to use could not be found (${member}, ExcelApi ${set}). It may be available in a newer version of Excel.`
  );

/** The words of Excel.ErrorCodes.invalidOperationInCellEditMode (office-js issues 625, 3388). */
export const cellEditMode = (): HostError =>
  new HostError(
    "InvalidOperationInCellEditMode",
    "Excel is in cell-editing mode. Please exit the edit mode by pressing ENTER or TAB or selecting another cell, and then try again."
  );
