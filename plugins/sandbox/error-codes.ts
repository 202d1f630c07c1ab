/** The error codes the sandbox plugin raises (docs/errors.md lists every code). */
import { defineErrors } from '../../sdk/core/index.ts';

export const sandboxErrors = defineErrors('sandbox', {
  MOLT_ERR_SANDBOX_CRASHED: {
    title: "Sandbox worker died during the call",
    fix: "The sandbox worker process died during the call; it is respawned, retry the call.",
  },
  MOLT_ERR_SANDBOX_TIMEOUT: {
    title: "Sandboxed tool ran out of time",
    fix: "The tool ran past its time limit; make it do less per call or raise `sandbox.timeout`.",
  },
  MOLT_ERR_SANDBOX_MEMORY: {
    title: "Sandboxed tool ran out of memory",
    fix: "The tool went over its memory limit; make it allocate less or raise `sandbox.memoryLimit`.",
  },
  MOLT_ERR_SANDBOX_OUTPUT_TOO_LARGE: {
    title: "Sandboxed tool returned too much",
    fix: "The tool returned more than `sandbox.maxOutputBytes`; return less data.",
  },
  MOLT_ERR_SANDBOX_SOURCE_TOO_LARGE: {
    title: "Sandboxed tool source too large",
    fix: "The tool source is over `sandbox.maxSourceBytes`; split it or raise the limit.",
  },
  MOLT_ERR_SANDBOX_BUSY: {
    title: "Sandbox is busy",
    fix: "Every sandbox worker is busy and the queue is full; retry later or raise `sandbox.maxQueue`.",
  },
  MOLT_ERR_SANDBOX_CPU_BUDGET: {
    title: "Session sandbox CPU budget used up",
    fix: "This session used its sandbox CPU budget; start a new session or raise `sandbox.cpuBudgetMs`.",
  },
  MOLT_ERR_SANDBOX_UNAVAILABLE: {
    title: "Sandbox unavailable",
    fix: "The sandbox is unavailable (worker crashing repeatedly or closed); see the alert and the worker log.",
  },
  MOLT_ERR_SANDBOX_TOOL_ERROR: {
    title: "Sandboxed tool threw",
    fix: "The tool threw; the message is the tool's own.",
  },
  MOLT_ERR_SANDBOX_INVALID_TOOL: {
    title: "Not a sandboxed tool module",
    fix: "A sandboxed tool must `export default { description, parameters, run(args, host) }` and import nothing.",
  },
  MOLT_ERR_SANDBOX_CAPABILITY: {
    title: "Host capability refused the call",
    fix: "A host capability refused the call (arguments, egress allowlist or limits).",
  },
});
