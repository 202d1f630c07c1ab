/**
 * Refs of the services around the agent whose contracts live in types.ts: the session store
 * (one provider: `session-store-file` or `session-store-redis`) and one model API per wire
 * protocol (`provider-anthropic`, `provider-openai`, or a third-party provider).
 */
import { createServiceRef, type ServiceRef } from '../core/index.ts';
import type { ModelApi, SessionStore } from './types.ts';

export const sessionStoreRef = createServiceRef<SessionStore>({
  id: 'session-store',
  description: 'Durable session transcripts (append, load with repair, list, inspect, traces)',
});

const API = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const modelApis = new Map<string, ServiceRef<ModelApi>>();

/**
 * The service of the wire protocol `api` (`providers.<id>.api` in the config names it):
 * id `model-api.<api>`. The same ref object comes back for the same api, so a provider can
 * list it in `provides` and the agent find it by name.
 */
export function modelApiRef(api: string): ServiceRef<ModelApi> {
  if (!API.test(api)) throw new TypeError(`modelApiRef: api must be lower-case words joined by "-" (got ${JSON.stringify(api)})`);
  let ref = modelApis.get(api);
  if (ref === undefined) {
    ref = createServiceRef<ModelApi>({ id: `model-api.${api}`, description: `Model calls over the "${api}" wire protocol` });
    modelApis.set(api, ref);
  }
  return ref;
}
