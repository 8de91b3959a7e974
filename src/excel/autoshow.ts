/**
 * The document setting that makes Office open the pane with this workbook: Office reads it with
 * the manifest's ShowTaskpane action whose TaskpaneId is "Office.AutoShowTaskpaneWithDocument"
 * (AddInCommands 1.1; Microsoft's "Automatically open a task pane with a document").
 */
export const AUTO_SHOW_SETTING = "Office.AutoShowTaskpaneWithDocument";

const call = <T>(f: (cb: (r: Office.AsyncResult<T>) => void) => void): Promise<T> =>
  new Promise((resolve, reject) =>
    f((r) => (r.status === Office.AsyncResultStatus.Failed ? reject(r.error) : resolve(r.value)))
  );

/**
 * Marks the workbook to open with the pane from now on (once a sheet is bound, the file is a
 * report the pane keeps live). The Common API's settings are an in-memory copy saved whole, and
 * the bindings live in the same per-add-in settings through the Excel API: the copy is read
 * again first so the save does not write an older bag over a binding just stored.
 *
 * Resolves false where the host has no document settings (some WPS versions) or the save
 * fails: the pane then opens from the ribbon as before, which is no reason to fail an insert.
 */
export async function openPaneWithWorkbook(): Promise<boolean> {
  const settings = typeof Office === "undefined" ? undefined : Office.context?.document?.settings;
  if (!settings || typeof settings.saveAsync !== "function") return false;
  try {
    await call<Office.Settings>((cb) => settings.refreshAsync(cb));
    if (settings.get(AUTO_SHOW_SETTING) === true) return true;
    settings.set(AUTO_SHOW_SETTING, true);
    await call<void>((cb) => settings.saveAsync(cb));
    return true;
  } catch {
    return false;
  }
}
