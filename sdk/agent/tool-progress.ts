/**
 * Tool progress: a tool handler calls `context.progress({ progress, total?, message? })` while it
 * works; whoever runs the tool (the agent's tool runner, `tools.invoke`) turns the updates into
 * events. `createProgressReporter` is the throttle every runner shares: at most one update per
 * interval (the newest one of a busy window wins, sent when the window closes), the update held
 * at `finish()` is sent then (so the last one always arrives, before the call's result), and
 * nothing at all after `finish()` (a tool that reports after returning, or after its call timed
 * out, is ignored).
 */

/** One progress update of a tool call (the shape of MCP `notifications/progress`). */
export interface ToolProgress {
  /** Work done so far; should grow with each update. */
  progress: number;
  /** Total work, when known. */
  total?: number;
  /** What is happening now (at most `MAX_PROGRESS_MESSAGE` characters are kept). */
  message?: string;
}

export interface ProgressReporter {
  /** Hand this to the tool as `context.progress`. */
  report(update: ToolProgress): void;
  /** The call ended: sends the held update, if any, and drops every later one. */
  finish(): void;
}

/** Default interval between two progress events of one call. */
export const PROGRESS_INTERVAL_MS = 100;
/** Longer progress messages are cut (an event per update must stay small). */
export const MAX_PROGRESS_MESSAGE = 500;

/** Checks and normalizes one update; a malformed one is the tool's bug, so it throws. */
function normalize(update: ToolProgress): ToolProgress {
  const { progress, total, message } = (update ?? {}) as Partial<ToolProgress>;
  if (typeof progress !== 'number' || !Number.isFinite(progress)) {
    throw new TypeError(`context.progress(): progress must be a finite number (got ${JSON.stringify(progress)})`);
  }
  if (total !== undefined && (typeof total !== 'number' || !Number.isFinite(total))) {
    throw new TypeError(`context.progress(): total must be a finite number when given (got ${JSON.stringify(total)})`);
  }
  if (message !== undefined && typeof message !== 'string') {
    throw new TypeError(`context.progress(): message must be a string when given (got ${typeof message})`);
  }
  return { progress, ...(total !== undefined ? { total } : {}), ...(message !== undefined ? { message: message.slice(0, MAX_PROGRESS_MESSAGE) } : {}) };
}

/** A throttled progress channel for one tool call; `emit` gets the updates that pass. */
export function createProgressReporter(emit: (update: ToolProgress) => void, intervalMs = PROGRESS_INTERVAL_MS): ProgressReporter {
  let done = false;
  let lastSent = Number.NEGATIVE_INFINITY;
  let held: ToolProgress | undefined;
  let timer: NodeJS.Timeout | undefined;
  const send = (update: ToolProgress) => {
    lastSent = performance.now();
    emit(update);
  };
  const flush = () => {
    timer = undefined;
    const update = held;
    held = undefined;
    if (update !== undefined && !done) send(update);
  };
  return {
    report(update) {
      const checked = normalize(update);
      if (done) return;
      const wait = lastSent + intervalMs - performance.now();
      if (wait <= 0 && timer === undefined) return send(checked);
      held = checked;
      if (timer === undefined) {
        timer = setTimeout(flush, Math.max(0, wait));
        timer.unref();
      }
    },
    finish() {
      if (done) return;
      clearTimeout(timer);
      flush();
      done = true;
    },
  };
}
