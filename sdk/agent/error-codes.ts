/** The error codes any tool raises through the SDK's tool helpers (docs/errors.md lists every code). */
import { defineErrors } from '../../core/errors.ts';

export const toolErrors = defineErrors('sdk/agent', {
  MOLT_ERR_TOOL_INVALID_ARGS: {
    title: "Invalid tool arguments",
    fix: "Call the tool with arguments matching its parameters schema.",
  },
});
