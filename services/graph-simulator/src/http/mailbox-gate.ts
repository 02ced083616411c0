/**
 * Outlook's per-mailbox concurrency limit (Graph throttling limits: 4 concurrent requests per app
 * and mailbox): a request to a mailbox (`/users/{id}/calendarView…`, `/users/{id}/events…`,
 * `/users/{id}/calendar…`) while `limit` others to the same mailbox by the same app are in flight
 * is answered 429 `ApplicationThrottled` ("MailboxConcurrency") with a Retry-After. The gate also
 * records the most requests it saw in flight per mailbox and across all mailboxes together, so
 * tests can check a client stays under.
 */
const MAILBOX_PATH = /^\/v1\.0\/users\/([^/]+)\/(calendarView|events|calendar)(\/|$)/i;

export class MailboxGate {
  private readonly inFlight = new Map<string, number>();
  private readonly peaks = new Map<string, number>();
  private all = 0;
  private allPeak = 0;

  /** The mailbox a path addresses (lower-cased, decoded), or null for other paths. */
  static mailboxOf(path: string): string | null {
    const m = MAILBOX_PATH.exec(path);
    if (!m) return null;
    try {
      return decodeURIComponent(m[1]!).toLowerCase();
    } catch {
      return null;
    }
  }

  /** Enters a request; false when it is over the limit (it then holds no slot). */
  enter(key: string, limit: number): boolean {
    const n = (this.inFlight.get(key) ?? 0) + 1;
    if (n > limit) return false;
    this.inFlight.set(key, n);
    if (n > (this.peaks.get(key) ?? 0)) this.peaks.set(key, n);
    this.allPeak = Math.max(this.allPeak, ++this.all);
    return true;
  }

  leave(key: string): void {
    this.all--;
    const n = (this.inFlight.get(key) ?? 1) - 1;
    if (n <= 0) this.inFlight.delete(key);
    else this.inFlight.set(key, n);
  }

  /** The most concurrent requests seen per mailbox (key: `<appId> <mailbox>`). */
  peakByMailbox(): Record<string, number> {
    return Object.fromEntries(this.peaks);
  }

  /** The most requests seen in flight at once, all mailboxes together. */
  peakAll(): number {
    return this.allPeak;
  }

  reset(): void {
    this.peaks.clear();
    this.allPeak = this.all;
  }
}
