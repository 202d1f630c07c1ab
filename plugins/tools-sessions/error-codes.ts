/** The error codes the tools-sessions plugin raises (docs/errors.md lists every code). */
import { defineErrors } from '../../sdk/core/index.ts';

export const sessionToolErrors = defineErrors('tools-sessions', {
  MOLT_ERR_TOOL_SESSION_FORBIDDEN: {
    title: "Session not reachable from here",
    fix: "A sandboxed session only reaches itself, and no session sends to itself; use the main session.",
  },
  MOLT_ERR_TOOL_SPAWN_REFUSED: {
    title: "Sub-agent spawn refused",
    fix: "A bound of sessions_spawn was reached (depth, children per run, children at once) or the agent is not allowed: raise the tools-sessions spawn option the message names, or do the task in this session.",
  },
  MOLT_ERR_TOOL_SESSION_RATE_LIMITED: {
    title: "Too many session sends",
    fix: "sessions_send is rate-limited per session; wait before sending again.",
  },
});
