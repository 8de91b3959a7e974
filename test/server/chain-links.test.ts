import { createHash, createHmac } from "node:crypto";
import fc from "fast-check";
import { canonicalJson } from "../../src/server/canonical-json";
import {
  CHAINED_COLUMNS,
  CHAINED_TABLES,
  canonicalRow,
  GROUP,
  linkAfter,
  linkHeader,
  linksAfter,
  rowsOfLink,
  macOf,
  written,
} from "../../src/server/db/chain-links";

describe("the links of the audit chain", () => {
  it("SM3 is GB/T 32905's: the standard's example digest of 'abc'", () => {
    expect(createHash("sm3").update("abc").digest("hex")).toBe(
      "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    );
  });

  it("a row's canonical content is canonicalJson of its table's columns, whatever else the row holds", () => {
    const value = fc.oneof(
      fc.string(),
      fc.integer(),
      fc.double({ noNaN: true }),
      fc.constant(null)
    );
    fc.assert(
      fc.property(
        fc.constantFrom(...CHAINED_TABLES),
        fc.dictionary(fc.string(), value),
        fc.array(value, { minLength: 13, maxLength: 13 }),
        (tbl, extra, values) => {
          const row: Record<string, unknown> = { ...extra };
          CHAINED_COLUMNS[tbl].forEach((c, i) => (row[c] = values[i]));
          const picked = Object.fromEntries(CHAINED_COLUMNS[tbl].map((c) => [c, row[c] ?? null]));
          expect(canonicalRow(tbl, row)).toBe(canonicalJson(picked));
        }
      )
    );
  });

  it("a link's header is canonicalJson of its fields", () => {
    fc.assert(
      fc.property(
        fc.nat(),
        fc.string(),
        fc.string(),
        fc.string(),
        fc.string(),
        fc.string(),
        (seq, prev, tbl, row_key, content, at) => {
          const l = { seq, prev, tbl, row_key, content, at };
          expect(linkHeader(l)).toBe(canonicalJson([seq, prev, tbl, row_key, content, at]));
        }
      )
    );
  });

  it("a link's MAC is HMAC-SM3 under the key of its fields and the previous link's MAC", () => {
    const key = Buffer.alloc(32, 7);
    const audit = {
      id: "a1",
      at: "t",
      token_id: null,
      unit: "H1",
      remote_addr: null,
      action: "x",
      detail: "{}",
    };
    const [one, two] = linksAfter(
      key,
      { seq: 4, mac: "f".repeat(64) },
      [written("audit", audit), written("audit", { ...audit, id: "a2" })],
      "2021-08-01T00:00:00.000Z"
    );
    expect(one!.seq).toBe(5);
    expect(two!.prev).toBe(one!.mac);
    const header = canonicalJson([
      5,
      "f".repeat(64),
      "audit",
      "a1",
      one!.content,
      "2021-08-01T00:00:00.000Z",
    ]);
    expect(one!.mac).toBe(createHmac("sm3", key).update(header).digest("hex"));
    expect(macOf(Buffer.alloc(32, 8), one!)).not.toBe(one!.mac);
  });

  it("one transaction is one link: a row alone as before, several rows as one group link listing each", () => {
    const key = Buffer.alloc(32, 7);
    const at = "2021-08-01T00:00:00.000Z";
    const head = { seq: 9, mac: "e".repeat(64) };
    const audit = (id: string) =>
      written("audit", {
        id,
        at,
        token_id: null,
        unit: "H1",
        remote_addr: null,
        action: "x",
        detail: "{}",
      });
    expect(linkAfter(key, head, [audit("a1")], at)).toEqual(
      linksAfter(key, head, [audit("a1")], at)[0]
    );
    const rows = [
      audit("a1"),
      audit("a2"),
      { tbl: "locks", rowKey: '["H1","stat-3","2021-07"]', content: "" },
    ];
    const group = linkAfter(key, head, rows, at);
    expect([group.seq, group.prev, group.tbl, group.row_key]).toEqual([10, head.mac, GROUP, ""]);
    expect(group.content).toBe(canonicalJson(rows.map((r) => [r.tbl, r.rowKey, r.content])));
    expect(rowsOfLink(group)).toEqual(rows);
    expect(group.mac).toBe(
      createHmac("sm3", key)
        .update(canonicalJson([10, head.mac, GROUP, "", group.content, at]))
        .digest("hex")
    );
    // A group's content edited into something else lists no row (and its MAC fails).
    expect(rowsOfLink({ ...group, content: "not json" })).toEqual([]);
    expect(rowsOfLink({ ...group, content: '[["audit","a1"]]' })).toEqual([]);
  });
});
