import { newIdempotencyKey } from "./queue";

/**
 * The idempotency key of a page that sends without a queue (the web page): the same body sent
 * again after a failure goes under the same key, so a request that was stored although its
 * answer was lost (a connection cut at the commit) is answered from what was stored, never
 * stored a second time. A changed body, or any body after a success, gets a new key.
 */
export class RetryKey {
  private last: { text: string; key: string } | null = null;

  for(body: unknown): string {
    const text = JSON.stringify(body);
    if (this.last?.text !== text) this.last = { text, key: newIdempotencyKey() };
    return this.last.key;
  }

  /** The body was stored: the next one is a new request. */
  done(): void {
    this.last = null;
  }
}
