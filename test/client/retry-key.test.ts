import { RetryKey } from "../../src/client/retry-key";

/** The web page's key: one per body until it is stored, so a retry is the same request. */
it("keeps the key of an unchanged body across failures, and gives a new one after a change or a success", () => {
  const keys = new RetryKey();
  const body = { template: "stat-3", rows: [{ key: "public.g2", cells: { c1: 1 } }] };
  const first = keys.for(body);
  expect(first).toMatch(/^[0-9a-f]{32}$/);
  expect(keys.for(structuredClone(body))).toBe(first);
  const changed = keys.for({ ...body, rows: [{ key: "public.g2", cells: { c1: 2 } }] });
  expect(changed).not.toBe(first);
  expect(keys.for(body)).not.toBe(changed);
  const sent = keys.for(body);
  keys.done();
  expect(keys.for(body)).not.toBe(sent);
});
