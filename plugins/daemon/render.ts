/**
 * Renders the service definitions in deploy/ (systemd user unit, launchd agent) for this
 * machine: absolute node and moltbot paths, the state dir, and escaping for each format so a
 * path with spaces, `%`, `$` or `&` stays one argument.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE } from '../../sdk/core/index.ts';

// From the package root: a path relative to this module would differ under dist/.
const DEPLOY = join(PACKAGE.root, 'deploy');

export const SYSTEMD_UNIT_NAME = 'moltbot-gateway.service';
export const LAUNCHD_LABEL = 'ai.moltbot.gateway';

export interface ServiceSpec {
  /** Absolute path of the node binary. */
  node: string;
  /** Absolute path of bin/moltbot.js. */
  bin: string;
  stateDir: string;
  /** Working directory of the service (the user's home). */
  workingDirectory: string;
}

function template(name: string): string {
  return readFileSync(join(DEPLOY, name), 'utf8');
}

function fill(text: string, values: Record<string, string>): string {
  return text.replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`template value ${key} missing`);
    return value;
  });
}

/** One systemd ExecStart/Environment word: quoted when needed, `%` and `$` escaped (systemd.service(5), systemd.unit(5)). */
export function systemdWord(value: string): string {
  const escaped = value.replaceAll('%', '%%').replaceAll('$', '$$$$');
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(escaped)) return escaped;
  return `"${escaped.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}

/** A systemd path setting (WorkingDirectory, EnvironmentFile) takes the path as is, specifiers escaped. */
function systemdPath(value: string): string {
  if (/[\n\r]/.test(value)) throw new Error('paths with line breaks cannot go into a unit file');
  return value.replaceAll('%', '%%');
}

export function renderSystemdUnit(spec: ServiceSpec): string {
  return fill(template(SYSTEMD_UNIT_NAME), {
    execStart: [spec.node, spec.bin, 'gateway'].map(systemdWord).join(' '),
    workingDirectory: systemdPath(spec.workingDirectory),
    stateDirEnv: systemdWord(`MOLTBOT_STATE_DIR=${spec.stateDir}`),
    envFile: systemdPath(join(spec.stateDir, 'gateway.env')),
  });
}

export function xmlEscape(value: string): string {
  return value.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&apos;');
}

/** launchd cannot skip restarts for one exit code: this wrapper maps 78 (config error) to 0. */
export const LAUNCHD_WRAPPER = '"$0" "$@"; code=$?; if [ "$code" -eq 78 ]; then exit 0; fi; exit "$code"';

export function renderLaunchdPlist(spec: ServiceSpec): string {
  // launchd has no EnvironmentFile: Node reads the same file the systemd unit does (its secrets).
  const envFile = `--env-file-if-exists=${join(spec.stateDir, 'gateway.env')}`;
  const args = ['/bin/sh', '-c', LAUNCHD_WRAPPER, spec.node, envFile, spec.bin, 'gateway'];
  return fill(template(`${LAUNCHD_LABEL}.plist`), {
    label: LAUNCHD_LABEL,
    programArguments: args.map((a) => `    <string>${xmlEscape(a)}</string>`).join('\n'),
    workingDirectory: xmlEscape(spec.workingDirectory),
    stateDir: xmlEscape(spec.stateDir),
    logFile: xmlEscape(join(spec.stateDir, 'logs', 'gateway.out.log')),
  });
}
