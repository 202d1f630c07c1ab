/**
 * The code the worker runs inside a tool's context after evaluating its module, as closures
 * (`evalClosure`): the module namespace, the arguments, the output limit and the capability
 * callback arrive as `$0..$3`, never through the global object, so tool code can neither see
 * the raw callback nor intercept these values with accessors. The result is always one JSON
 * envelope string: it crosses the boundary
 * as a primitive, bounded inside the isolate before it is copied out (security-tests §3.6 #6).
 * Thrown values are turned into text inside the isolate, so no getter ever runs on the host.
 */

const PRELUDE = `
  'use strict';
  const g = globalThis;
  const ns = $0, argsJson = $1, max = $2, cap = $3;
  const fail = (code, message) => JSON.stringify({ ok: false, code, message: String(message).slice(0, 1000) });
  const text = (e) => {
    try {
      if (typeof e === 'symbol') return 'a Symbol was thrown';
      if (e instanceof Error) return String(e.name) + ': ' + String(e.message);
      if (e === null || (typeof e !== 'object' && typeof e !== 'function')) return 'thrown: ' + String(e);
      return 'a non-Error ' + typeof e + ' was thrown';
    } catch (inner) {
      return 'an unprintable value was thrown';
    }
  };
  const seal = (value) => {
    const s = JSON.stringify({ ok: true, value: value === undefined ? null : value });
    if (typeof s !== 'string') return fail('MOLT_ERR_SANDBOX_TOOL_ERROR', 'result is not JSON data');
    if (s.length > max) return fail('MOLT_ERR_SANDBOX_OUTPUT_TOO_LARGE', 'result is ' + s.length + ' characters; the limit is ' + max);
    return s;
  };
  const tool = ns.default;
`;

/**
 * Sets up a run and returns its control function, which the worker holds as a Reference (tool
 * code never reaches it; nothing is put on the global object). `control(START)` starts the tool
 * once; `control(RESULT)` is its envelope if it has settled (the microtasks after the starting
 * entry ran), else undefined; `control(AWAIT)` is the promise of the envelope;
 * `control(id, ok, payload)` with id ≥ 1 settles host call `id`. The capability callback and
 * the tool stay in this closure.
 */
export const CONTROL = { START: 0, RESULT: -1, AWAIT: -2 } as const;

export const RUN_SETUP = `${PRELUDE}
  const pending = new Map();
  let seq = 0;
  const call = (name, args) => new Promise((resolve, reject) => {
    const id = ++seq;
    pending.set(id, { resolve, reject });
    cap(id, name, JSON.stringify(args));
  });
  const settle = (id, ok, payload) => {
    const p = pending.get(id);
    if (p === undefined) return;
    pending.delete(id);
    if (ok) p.resolve(JSON.parse(payload)); else p.reject(new Error(payload));
  };
  const host = Object.freeze({
    kv: Object.freeze({
      get: (key) => call('kv.get', [key]),
      set: (key, value) => call('kv.set', [key, value === undefined ? null : value]),
      delete: (key) => call('kv.delete', [key]),
    }),
    fetch: (url, init) => call('fetch', [url, init === undefined ? null : init]),
  });
  const start = async () => {
    if (tool === null || typeof tool !== 'object' || typeof tool.run !== 'function') {
      return fail('MOLT_ERR_SANDBOX_INVALID_TOOL', 'the default export has no run(args, host) function');
    }
    try {
      return seal(await tool.run(JSON.parse(argsJson), host));
    } catch (e) {
      try { return fail('MOLT_ERR_SANDBOX_TOOL_ERROR', text(e)); } catch (inner) { return fail('MOLT_ERR_SANDBOX_TOOL_ERROR', 'tool failed'); }
    }
  };
  let running;
  let done;
  return (id, ok, payload) => {
    if (id > 0) return void settle(id, ok, payload);
    if (id === ${CONTROL.RESULT}) return done;
    if (id === ${CONTROL.AWAIT}) return running;
    if (running === undefined) {
      running = start();
      running.then((envelope) => { done = envelope; });
    }
    return undefined;
  };
`;

export const DESCRIBE_GLUE = `${PRELUDE}
  try {
    if (tool === null || typeof tool !== 'object') return fail('MOLT_ERR_SANDBOX_INVALID_TOOL', 'no default export object');
    if (typeof tool.run !== 'function') return fail('MOLT_ERR_SANDBOX_INVALID_TOOL', 'the default export has no run(args, host) function');
    if (typeof tool.description !== 'string') return fail('MOLT_ERR_SANDBOX_INVALID_TOOL', 'description must be a string');
    const parameters = tool.parameters === undefined ? { type: 'object' } : tool.parameters;
    if (parameters === null || typeof parameters !== 'object' || Array.isArray(parameters)) return fail('MOLT_ERR_SANDBOX_INVALID_TOOL', 'parameters must be a JSON Schema object');
    return seal({ description: tool.description, parameters: JSON.parse(JSON.stringify(parameters)) });
  } catch (e) {
    return fail('MOLT_ERR_SANDBOX_INVALID_TOOL', text(e));
  }
`;
