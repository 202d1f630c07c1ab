/**
 * Files the agent attached during a channel run (`send_file`), keyed by run id: the runtime
 * opens a slot when the run is accepted and takes the files when the run ends, to send them
 * with the reply. A run not started by a channel message has no slot (the tool says so).
 */
import type { OutboundAttachment } from '../../sdk/channels/index.ts';

export interface RunMediaSlot {
  channel: string;
  /** The channel's `maxMediaBytes`. */
  maxBytes: number;
  attachments: OutboundAttachment[];
}

export class RunMedia {
  readonly #slots = new Map<string, RunMediaSlot>();

  open(runId: string, channel: string, maxBytes: number): void {
    this.#slots.set(runId, { channel, maxBytes, attachments: [] });
  }

  get(runId: string): RunMediaSlot | undefined {
    return this.#slots.get(runId);
  }

  /** The run's files, and the slot is gone (a late tool call finds none). */
  take(runId: string | undefined): OutboundAttachment[] {
    if (runId === undefined) return [];
    const slot = this.#slots.get(runId);
    this.#slots.delete(runId);
    return slot?.attachments ?? [];
  }
}
