/**
 * Crash-test child: appends to a few sessions as fast as it can (user message, assistant tool
 * call, tool result, reply) and prints `ack <key> <id>` once each append is durable. The parent
 * SIGKILLs it at a random moment.
 */
import { createFileStore } from '../../../plugins/session-store-file/file-store.ts';
import type { TranscriptEntry } from '../../../sdk/agent/types.ts';

const root = process.argv[2]!;
const store = createFileStore({ root, indexDelayMs: 2, maxOpenFiles: 8 });
const keys = ['agent:main:main', 'agent:main:web:dm:a', 'agent:main:web:group:b'];
let n = 0;

async function session(key: string): Promise<void> {
  for (;;) {
    const id = `${process.pid}-${++n}`;
    const call = `call-${id}`;
    const steps: TranscriptEntry[][] = [
      [{ kind: 'message', id: `u${id}`, at: Date.now(), role: 'user', content: 'x'.repeat(200 + (n % 50)) }],
      [{ kind: 'message', id: `a${id}`, at: Date.now(), role: 'assistant', content: '', toolCalls: [{ id: call, name: 't', args: { n } }] }],
      [{ kind: 'message', id: `t${id}`, at: Date.now(), role: 'tool', toolCallId: call, name: 't', content: 'y'.repeat(500) },
        { kind: 'message', id: `r${id}`, at: Date.now(), role: 'assistant', content: 'done', usage: { input: 1, output: 1 } }],
    ];
    for (const entries of steps) {
      await store.append('main', key, entries);
      for (const entry of entries) process.stdout.write(`ack ${key} ${entry.id}\n`);
    }
  }
}

await Promise.all(keys.map(session));
