/** Brings a sheet to the front (one round trip): "go to the sheet you already have". */
export async function activateSheet(sheetId: string): Promise<void> {
  await Excel.run(async (context) => {
    context.workbook.worksheets.getItem(sheetId).activate();
    await context.sync();
  });
}
