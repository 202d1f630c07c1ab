/**
 * The protocol as JSON Schema (draft-07), for validators and clients in other languages. The
 * files live in schemas/protocol/ (published with the package); tests check they agree with
 * the types in frames.ts and the gateway's own checks.
 */
import connectParams from '../../schemas/protocol/connect-params.json' with { type: 'json' };
import error from '../../schemas/protocol/error.json' with { type: 'json' };
import helloOk from '../../schemas/protocol/hello-ok.json' with { type: 'json' };
import requestFrame from '../../schemas/protocol/request-frame.json' with { type: 'json' };
import serverFrame from '../../schemas/protocol/server-frame.json' with { type: 'json' };

export const PROTOCOL_SCHEMAS = Object.freeze({ requestFrame, serverFrame, error, connectParams, helloOk });
