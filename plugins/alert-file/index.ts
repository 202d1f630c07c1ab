/**
 * `alert-file`: alert events appended as JSON lines to a file only its owner can read (0600,
 * folder 0700): alerts carry figures and host details. Appends go through the core AppendFile:
 * each line is whole and fsynced, or (disk full) cut back off and reported by the sink as
 * MOLT_ERR_STORE_NO_SPACE — never a torn line that the next alert would be glued onto.
 */
import { chmod, mkdir, open } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import schema from '../../schemas/plugins/alert-file.json' with { type: 'json' };
import validateOptions from '../../schemas/generated/alert-file.validate.ts';
import { AppendFile } from '../../sdk/core/index.ts';
import { definePlugin } from '../../sdk/core/index.ts';
import { tapAlertSink } from '../../sdk/alerts/index.ts';

export interface AlertFileOptions {
  /** Relative paths resolve from the state dir; default `<state>/plugins/alert-file/alerts.jsonl`. */
  path?: string;
}

async function prepare(file: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const handle = await open(file, 'a', 0o600);
  await handle.close();
  // A file created earlier with a looser mode (or by hand) is narrowed, never widened.
  await chmod(file, 0o600);
}

export default definePlugin<AlertFileOptions>({
  name: 'alert-file',
  version: '1.0.0',
  kernel: '^1.0.0',
  description: 'Alert sink "file": alert events as JSON lines in a 0600 file',
  schema,
  validate: validateOptions,
  setup(ctx, options) {
    const file = options.path === undefined
      ? join(ctx.paths.data, 'alerts.jsonl')
      : isAbsolute(options.path) ? options.path : resolve(ctx.paths.stateDir, options.path);
    let ready: Promise<void> | undefined;
    // One appender: lines never interleave and keep the order the events came in.
    const appender = new AppendFile(file);
    ctx.onClose(() => appender.close());
    tapAlertSink(ctx, 'file', async (alert) => {
      // A failed prepare (e.g. disk full) is retried by the next alert.
      ready ??= prepare(file).catch((error: unknown) => {
        ready = undefined;
        throw error;
      });
      await ready;
      await appender.append(`${JSON.stringify(alert)}\n`);
    });
  },
});
