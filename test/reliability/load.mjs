// A second process that loads the server with submissions while the test kills it. Each request
// keeps its idempotency key until the server answers for good: a request cut by a crash is sent
// again with the same key, so a submission the server stored before dying comes back with its
// first answer instead of a second version. Every 201 is appended to a file at once.
import { appendFileSync } from "node:fs";
import { randomUUID } from "node:crypto";

const [base, token, out, concurrency = "8", periodsArg = "2026-01,2026-02"] = process.argv.slice(2);
const periods = periodsArg.split(",");
let stopping = false;
process.on("SIGTERM", () => (stopping = true));

const doc = (period, n) => ({
  template: "stat-3",
  templateVersion: 1,
  period,
  unit: "DEMO-H02",
  header: {
    reportingUnit: "示例县中医医院",
    filledOn: `${period}-20`,
    head: "张某",
    preparer: "李某",
    phone: "0772-6815093",
  },
  rows: [
    {
      key: "public.g2",
      cells: Object.fromEntries(
        Array.from({ length: 13 }, (_, i) => [`c${i + 1}`, i === 0 ? n : 0])
      ),
    },
  ],
  // c1 goes up and down between the months at random: a decrease needs its 说明 at submission
  // (kept only where the warning is, dropped elsewhere), so none is refused for want of one.
  explanations: [
    { rule: "period.cumulative-decrease", row: "public.g2", col: "c1", text: "负载测试，数字随机" },
  ],
});

let sent = 0;
let retried = 0;
async function worker(w) {
  let n = 0;
  while (!stopping) {
    const key = randomUUID();
    const body = JSON.stringify(doc(periods[(w + n) % periods.length], n++));
    for (;;) {
      try {
        const res = await fetch(`${base}/api/v1/submissions`, {
          method: "POST",
          headers: {
            authorization: `Bearer ${token}`,
            "content-type": "application/json",
            "idempotency-key": key,
          },
          body,
        });
        const json = await res.json().catch(() => null);
        if (res.status === 201) {
          appendFileSync(
            out,
            `${JSON.stringify({ key, id: json.id, version: json.version, period: json.period })}\n`
          );
          sent++;
          break;
        }
        if (res.status >= 500) throw new Error(`server error ${res.status}`);
        if (res.status === 409 || res.status === 429) throw new Error(`retry ${res.status}`);
        appendFileSync(out, `${JSON.stringify({ key, refused: res.status, body: json })}\n`);
        break;
      } catch {
        retried++;
        await new Promise((r) => setTimeout(r, 50));
        if (stopping) return;
      }
    }
  }
}

await Promise.all(Array.from({ length: Number(concurrency) }, (_, w) => worker(w)));
process.stdout.write(JSON.stringify({ sent, retried }) + "\n");
