/**
 * The `connect` request's params checked against schemas/protocol/connect-params.json by a
 * validator precompiled from it (npm run build:schemas): a gateway checks every handshake with
 * it without loading ajv or compiling on its first handshake. Node only (the generated code
 * loads ajv's runtime helpers), hence here and not in `moltbot/protocol`.
 */
import precompiled from '../../schemas/generated/protocol.connect-params.validate.ts';
import type { Validator } from '../core/index.ts';

export const validateConnectParams: Validator = precompiled;
