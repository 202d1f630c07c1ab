/**
 * Arrival order per session for callers that prepare a message before `agent.run` (downloading
 * or transcribing its files): the agent queues a session's runs in the order `run` is called,
 * so a plain text sent after a voice note must not call `run` while the voice note is still
 * being transcribed. Each message takes a turn, waits for `previous` (the hand-over of the one
 * before it in the same session), calls `run`, then `done()` — also when it fails.
 */
export interface SessionTurn {
  /** Settles once the session's previous message was handed to the agent; undefined when none is pending (go at once). */
  previous: Promise<void> | undefined;
  done(): void;
}

export interface SessionTurns {
  take(sessionKey: string): SessionTurn;
}

export function createSessionTurns(): SessionTurns {
  const last = new Map<string, Promise<void>>();
  return {
    take(sessionKey) {
      const previous = last.get(sessionKey);
      let done!: () => void;
      const mine = new Promise<void>((resolve) => { done = resolve; });
      const chained = previous === undefined ? mine : previous.then(() => mine);
      last.set(sessionKey, chained);
      void chained.then(() => { if (last.get(sessionKey) === chained) last.delete(sessionKey); });
      return { previous, done };
    },
  };
}
