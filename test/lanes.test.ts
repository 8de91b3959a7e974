import { laneOf, testFiles } from "./lanes";
const config = require("../jest.config.js") as {
  projects: { displayName: string; testMatch: string[] }[];
};

const root = `${__dirname}/..`;

describe("test lanes", () => {
  it("runs every test file in exactly one lane", () => {
    const listed = config.projects.flatMap((p) =>
      p.testMatch.map((m) => m.replace("<rootDir>/", ""))
    );
    expect(listed.length).toBe(new Set(listed).size);
    expect([...listed].sort()).toEqual(testFiles(root));
  });

  it("has the three lanes npm test runs, in order", () => {
    expect(config.projects.map((p) => p.displayName)).toEqual(["unit", "integration", "e2e"]);
  });

  it("keeps servers, databases, browsers and LibreOffice out of the unit lane", () => {
    expect(laneOf(root, "test/core/expr.test.ts")).toBe("unit");
    expect(laneOf(root, "test/excel/live.test.ts")).toBe("unit");
    expect(laneOf(root, "test/excel/submit.test.ts")).toBe("integration");
    expect(laneOf(root, "test/server/api.test.ts")).toBe("integration");
    expect(laneOf(root, "test/cli/validate-cli.test.ts")).toBe("integration");
    expect(laneOf(root, "test/browser/web.test.ts")).toBe("e2e");
    expect(laneOf(root, "test/xlsx/print-libreoffice.test.ts")).toBe("e2e");
    expect(laneOf(root, "test/reliability/crash.test.ts")).toBe("e2e");
    expect(laneOf(root, "test/xlsx/read-pool.test.ts")).toBe("integration");
    expect(laneOf(root, "test/build/es2017.test.ts")).toBe("e2e");
  });
});
