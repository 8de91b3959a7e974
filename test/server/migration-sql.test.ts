import { createHash } from "node:crypto";
import { TIANBAO_SUBMIT_0004 } from "../../src/server/db/migration-sql/0004-tianbao-submit";
import { TIANBAO_SUBMIT_GROUP_0005 } from "../../src/server/db/migration-sql/0005-tianbao-submit-group";
import { TIANBAO_SUBMIT_GROUP_0006 } from "../../src/server/db/migration-sql/0006-tianbao-submit-group";
import { TIANBAO_SUBMIT_0007 } from "../../src/server/db/migration-sql/0007-tianbao-submit";
import { provider } from "../../src/server/db/migrations";

const sha = (s: string) => createHash("sha256").update(s).digest("hex").slice(0, 16);

/**
 * A migration that has shipped runs, on every database it meets later, exactly the SQL it ran
 * then: a change to a function is a new migration, never an edit of an old one's text. The
 * digests below are those of the texts as they shipped.
 */
describe("migrations keep the SQL they shipped with", () => {
  it("holds each shipped function text to its digest", () => {
    expect({
      "0004": sha(TIANBAO_SUBMIT_0004),
      "0005": sha(TIANBAO_SUBMIT_GROUP_0005),
      "0006": sha(TIANBAO_SUBMIT_GROUP_0006),
      "0007": sha(TIANBAO_SUBMIT_0007),
    }).toEqual(SHIPPED);
  });

  it("has the migrations that shipped, in order, and appends new ones after them", async () => {
    const names = Object.keys(await provider.getMigrations());
    expect(names.slice(0, 9)).toEqual([
      "0001-initial",
      "0002-review",
      "0002-submissions-explained",
      "0003-templates",
      "0004-perf",
      "0005-group-submit",
      "0006-group-submit-probes",
      "0007-submit-sqlstate",
      "0008-audit-chain",
    ]);
    expect([...names].sort()).toEqual(names);
  });
});

const SHIPPED = {
  "0004": "1d00ff948a4f4361",
  "0005": "b2ca9cf16d047b4f",
  "0006": "ac4b9a9fec27eb86",
  "0007": "410b70212a20aaf8",
};
