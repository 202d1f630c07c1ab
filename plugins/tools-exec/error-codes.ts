/** The error codes the tools-exec plugin raises (docs/errors.md lists every code). */
import { defineErrors } from '../../sdk/core/index.ts';

export const execErrors = defineErrors('tools-exec', {
  MOLT_ERR_TOOL_EXEC_DENIED: {
    title: "Binary not allowed",
    fix: "Only binaries named in the tools-exec `allow` option, found in its `trustedDirs`, can run; give a bare name, not a path.",
  },
  MOLT_ERR_TOOL_EXEC_BUSY: {
    title: "Too many commands running",
    fix: "tools.exec.maxProcesses commands are already running; wait for one to finish.",
  },
});
