/**
 * Turns readings into alert events: an alert fires when a level is crossed, is not sent again
 * while it keeps firing at the same severity within the dedup window, is sent again at once
 * when its severity changes, and sends one `resolved` event when the reading recovers.
 */
import type { Alert } from '../../sdk/core/index.ts';
import type { AlertInput } from '../../sdk/alerts/index.ts';

export type { AlertInput } from '../../sdk/alerts/index.ts';

interface Active {
  alert: Alert;
  sentAt: number;
}

export class AlertState {
  readonly #active = new Map<string, Active>();
  readonly #windowMs: number;
  readonly #now: () => number;

  constructor(dedupWindowMs: number, now: () => number = () => Date.now()) {
    this.#windowMs = dedupWindowMs;
    this.#now = now;
  }

  /** The firing event to send, or undefined when it is a duplicate inside the window. */
  fire(input: AlertInput): Alert | undefined {
    const now = this.#now();
    const previous = this.#active.get(input.id);
    const alert: Alert = { id: input.id, severity: input.severity, source: input.source, message: input.message, state: 'firing', at: now, ...(input.data ? { data: input.data } : {}) };
    if (previous && previous.alert.severity === input.severity && now - previous.sentAt < this.#windowMs) {
      previous.alert = { ...alert, at: previous.alert.at };
      return undefined;
    }
    this.#active.set(input.id, { alert, sentAt: now });
    return alert;
  }

  /** The resolved event to send, or undefined when the alert was not firing. */
  resolve(id: string, message?: string, data?: Record<string, unknown>): Alert | undefined {
    const previous = this.#active.get(id);
    if (previous === undefined) return undefined;
    this.#active.delete(id);
    return {
      ...previous.alert,
      state: 'resolved',
      at: this.#now(),
      message: message ?? `resolved: ${previous.alert.message}`,
      ...(data ? { data } : {}),
    };
  }

  active(): Alert[] {
    return [...this.#active.values()].map((entry) => entry.alert);
  }
}
