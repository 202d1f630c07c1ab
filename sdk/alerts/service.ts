/** The `alerts` service (plugin `alerts`): raise and resolve deduplicated alerts, run a check, subscribe. */
import type { Alert, Severity } from '../core/index.ts';

export interface AlertInput {
  id: string;
  severity: Severity;
  message: string;
  source: string;
  data?: Record<string, unknown>;
}

export type AlertListener = (alert: Alert) => void;

export interface AlertsService {
  /** Fires an alert through every sink unless the same id and severity was sent within the dedup window; resolves to the event sent, if any. */
  raise(alert: Omit<AlertInput, 'source'> & { source?: string }): Promise<Alert | undefined>;
  /** Sends the `resolved` event of a firing alert; undefined when it was not firing. */
  resolve(id: string, message?: string): Promise<Alert | undefined>;
  /** Reads the metrics now and applies every threshold; resolves to the events sent. */
  check(): Promise<Alert[]>;
  /** Alerts firing now. */
  active(): Alert[];
  /** Every alert event (firing and resolved, whoever raised it); returns the unsubscribe function. */
  subscribe(listener: AlertListener): () => void;
}
