/**
 * RPC request and error rates from the gateway's own totals (every request frame of an
 * authenticated client and every error answer, refusals such as rate limits included): each
 * sync adds what the totals grew by since the last one to sliding windows.
 */
import { SlidingCounter } from './window.ts';

export class RequestCounter {
  readonly requests: SlidingCounter;
  readonly errors: SlidingCounter;
  requestsTotal = 0;
  errorsTotal = 0;

  constructor(windowSeconds: number, now: () => number = Date.now) {
    this.requests = new SlidingCounter(windowSeconds, now);
    this.errors = new SlidingCounter(windowSeconds, now);
  }

  /** Adds the growth of the gateway's totals since the previous sync. */
  sync(totals: { requests: number; errors: number }): void {
    const requests = totals.requests - this.requestsTotal;
    const errors = totals.errors - this.errorsTotal;
    if (requests > 0) this.requests.add(requests);
    if (errors > 0) this.errors.add(errors);
    this.requestsTotal = totals.requests;
    this.errorsTotal = totals.errors;
  }

  /** `windowRequests`: how many requests the rates stand on (alerts judge an error rate only over enough of them). */
  rates(): { requestsPerSecond: number; errorRate: number; windowRequests: number } {
    const requests = this.requests.total();
    return {
      requestsPerSecond: requests / this.requests.seconds,
      errorRate: requests > 0 ? Math.min(1, this.errors.total() / requests) : 0,
      windowRequests: requests,
    };
  }
}
