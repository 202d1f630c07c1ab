/**
 * `moltbot/protocol`: the gateway's WebSocket protocol for every client — the control UI, the
 * CLI's gateway client and programs outside Moltbot. Frame and handshake types, the wire error
 * and close codes, scopes, and the same contract as JSON Schema. Runs anywhere (browser
 * included): nothing here imports Node or the kernel.
 *
 *   → {"type":"req","id":1,"method":"connect","params":{minProtocol:1,maxProtocol:1,client,auth}}
 *   ← {"type":"res","id":1,"ok":true,"payload":{"type":"hello-ok",scopes,methods,policy,...}}
 *   → {"type":"req","id":2,"method":"ping"}     ← {"type":"res","id":2,"ok":true,"payload":{...}}
 *   ← {"type":"event","event":"shutdown","payload":{...},"seq":3}
 */
export { METHOD_PATTERN, PROTOCOL_VERSION, SUPPORTED_PROTOCOLS } from './frames.ts';
export type { ConnectParams, ErrorResponseFrame, EventFrame, HelloOk, OkResponseFrame, RequestFrame, RequestId, ResponseFrame, ServerFrame } from './frames.ts';
export { CLOSE_CODES, RPC_ERRORS, RpcError, wireError } from './error-codes.ts';
export type { RpcErrorCode, WireError } from './error-codes.ts';
export { SCOPES, allows, impliedScopes, isScope, narrowScopes, scopeRank } from './scopes.ts';
export type { Scope } from './scopes.ts';
export { PROTOCOL_SCHEMAS } from './schemas.ts';
