/**
 * Environment variables that override config keys, as the seed's deployment guide documents them
 * (Docker users set `CLAWDBOT_GATEWAY_PASSWORD` and expect it to win over the files). Each key
 * has a `MOLTBOT_*` alias that wins over the seed's `CLAWDBOT_*` name. An empty variable counts
 * as unset, so `FOO=` in an env file never blanks a password.
 */
import { MoltbotError } from '../errors.ts';
import { copyObject, isDataObject, joinPath, setOwn, type ConfigObject } from './merge.ts';

export interface EnvOverride {
  variable: string;
  path: string;
}

interface OverrideRule {
  /** First set variable wins. */
  variables: readonly string[];
  path: readonly string[];
  parse: (raw: string, variable: string, path: string) => unknown;
}

const asString = (raw: string): string => raw;

function asPort(raw: string, variable: string, path: string): number {
  const port = /^[0-9]{1,5}$/.test(raw) ? Number(raw) : Number.NaN;
  if (port >= 1 && port <= 65535) return port;
  throw new MoltbotError('MOLT_ERR_CONFIG_INVALID', {
    message: `${variable} must be an integer from 1 to 65535 (got ${JSON.stringify(raw)}); it overrides ${path}`,
    path,
    fix: `Set ${variable} to a port number such as 18789, or unset it to use the config file's ${path}.`,
    data: { variable },
  });
}

export const ENV_OVERRIDE_RULES: readonly OverrideRule[] = [
  { variables: ['MOLTBOT_GATEWAY_PORT', 'CLAWDBOT_GATEWAY_PORT'], path: ['gateway', 'port'], parse: asPort },
  { variables: ['MOLTBOT_GATEWAY_PASSWORD', 'CLAWDBOT_GATEWAY_PASSWORD'], path: ['gateway', 'auth', 'password'], parse: asString },
  { variables: ['MOLTBOT_GATEWAY_TOKEN', 'CLAWDBOT_GATEWAY_TOKEN'], path: ['gateway', 'auth', 'token'], parse: asString },
  { variables: ['MOLTBOT_AGENT_MODEL', 'CLAWDBOT_AGENT_MODEL'], path: ['agent', 'model'], parse: asString },
];

/** Returns a copy of `config` with the overrides applied, and which variable set which path (never the values). */
export function applyEnvOverrides(
  config: ConfigObject,
  env: Record<string, string | undefined>,
): { config: ConfigObject; applied: EnvOverride[] } {
  const result = copyObject(config);
  const applied: EnvOverride[] = [];
  for (const rule of ENV_OVERRIDE_RULES) {
    const variable = rule.variables.find((name) => env[name] !== undefined && env[name] !== '');
    if (variable === undefined) continue;
    const path = rule.path.reduce<string>(joinPath, '');
    setAtPath(result, rule.path, rule.parse(env[variable] as string, variable, path), variable);
    applied.push({ variable, path });
  }
  return { config: result, applied };
}

function setAtPath(target: ConfigObject, keys: readonly string[], value: unknown, variable: string): void {
  let node = target;
  let path = '';
  for (const key of keys.slice(0, -1)) {
    path = joinPath(path, key);
    const next = Object.hasOwn(node, key) ? node[key] : undefined;
    if (next === undefined) {
      const created: ConfigObject = {};
      setOwn(node, key, created);
      node = created;
    } else if (isDataObject(next)) {
      node = next;
    } else {
      throw new MoltbotError('MOLT_ERR_CONFIG_INVALID', {
        message: `${variable} cannot be applied: ${path} in the config is not an object`,
        path,
        fix: `Make ${path} an object in the config file, or unset ${variable}.`,
        data: { variable },
      });
    }
  }
  setOwn(node, keys[keys.length - 1] as string, value);
}
