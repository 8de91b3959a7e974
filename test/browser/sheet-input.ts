import type { Page } from "playwright-core";

/** Types a value into a cell of the harness's drawn workbook and presses Enter, as a clerk does. */
export async function typeCell(page: Page, address: string, value: string): Promise<void> {
  const input = page.locator(`input[data-address="${address}"]`);
  await input.fill(value);
  await input.press("Enter");
}
