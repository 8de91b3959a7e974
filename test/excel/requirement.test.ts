import { renderToStaticMarkup } from "react-dom/server";
import { createElement } from "react";
import { missingRequirement } from "../../src/excel/capabilities";
import { RequirementNotice } from "../../src/taskpane/components/RequirementNotice";
import { ExcelHost } from "../excel-host/host";
import { LEVELS } from "./setup";

/** An Excel below the manifest's minimum (Office 2016/2019 without updates): the pane says so. */
describe("the requirement the add-in needs at run time", () => {
  let undo: (() => void) | null = null;
  afterEach(() => undo?.());

  it("ExcelApi 1.7: missing, and the pane's notice names it and sends the user to the web page and the .xlsx", () => {
    undo = new ExcelHost({ apiLevel: "1.7" }).install();
    expect(missingRequirement()).toBe("ExcelApi 1.8");
    const html = renderToStaticMarkup(createElement(RequirementNotice, { locale: "zh-CN" }));
    expect(html).toContain("ExcelApi 1.8".replace("ExcelApi", "Excel JavaScript API"));
    expect(html).toContain("网页填报");
    expect(html).toContain(".xlsx");
  });

  it.each(LEVELS)("ExcelApi %s: nothing missing", (level) => {
    undo = new ExcelHost({ apiLevel: level }).install();
    expect(missingRequirement()).toBeNull();
  });
});
