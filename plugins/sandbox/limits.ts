/** Room for `{"ok":true,"value":…}` around a result the glue already measured. */
export const ENVELOPE_OVERHEAD = 64;
