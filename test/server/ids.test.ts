import { timeOrderedId } from "../../src/server/ids";

const UUID7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const msOf = (id: string): number => parseInt(id.replace(/-/g, "").slice(0, 12), 16);

describe("timeOrderedId", () => {
  it("is a version-7 UUID whose first 48 bits are the time in milliseconds", () => {
    const at = Date.UTC(2026, 11, 5, 8, 0, 0, 123) + 1_000_000;
    const id = timeOrderedId(at);
    expect(id).toMatch(UUID7);
    expect(msOf(id)).toBe(at);
  });

  it("sorts in the order the ids were made, within a millisecond and across a clock set back", () => {
    const at = Date.UTC(2026, 11, 5, 9) + 2_000_000;
    const ids = [
      ...Array.from({ length: 5000 }, () => timeOrderedId(at)),
      ...Array.from({ length: 10 }, () => timeOrderedId(at - 60_000)),
      timeOrderedId(at + 1),
    ];
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    ids.forEach((id) => expect(id).toMatch(UUID7));
    // 4096 a millisecond at most: the 5000 made "at once" spill into the next millisecond.
    expect(msOf(ids[4999]!)).toBe(at + 1);
  });

  it("keeps 62 random bits: two ids of one millisecond share the time, not the rest", () => {
    const at = Date.UTC(2026, 11, 5, 10) + 3_000_000;
    const a = timeOrderedId(at).slice(19);
    const b = timeOrderedId(at).slice(19);
    expect(a).not.toBe(b);
  });
});
