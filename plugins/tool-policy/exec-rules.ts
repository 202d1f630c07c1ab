/**
 * Exec approval rules: which `exec` calls run without asking (allow) or never run (deny).
 * A pattern is the program's bare name, then one glob per argument (`*` any run of characters,
 * `?` one character, within that argument), and a last `**` for any further arguments:
 * `git status **`, `ls *`, `cat *.md`. `git` alone means git with no arguments. An `always` /
 * `never` answer stores the exact argv instead, so an argument holding spaces or glob characters
 * is matched literally.
 */

/** The parts of an `exec` call a rule looks at. */
export interface ExecCommand {
  command: string;
  args: readonly string[];
}

export type ExecRule =
  | { kind: 'pattern'; source: string; command: string; args: readonly string[]; rest: boolean }
  | { kind: 'exact'; command: string; args: readonly string[] };

const PROGRAM = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,127}$/;

/** Parses a config or CLI pattern; throws with the reason (the caller adds the config path). */
export function parseExecPattern(source: string): ExecRule {
  const tokens = source.trim().split(/\s+/).filter((token) => token !== '');
  const [command, ...args] = tokens;
  if (command === undefined) throw new Error('empty pattern: write the program name first, e.g. "git status **"');
  if (!PROGRAM.test(command)) throw new Error(`"${command}" is not a bare program name (no path, no glob), as the exec tool's command is`);
  const rest = args.at(-1) === '**';
  if (rest) args.pop();
  if (args.includes('**')) throw new Error('"**" may only be the last token (any further arguments)');
  return { kind: 'pattern', source: tokens.join(' '), command, args, rest };
}

/** The rule an `always` / `never` answer stores: this argv exactly. */
export function exactRule(call: ExecCommand): ExecRule {
  return { kind: 'exact', command: call.command, args: [...call.args] };
}

export function matchesExecRule(rule: ExecRule, call: ExecCommand): boolean {
  if (rule.command !== call.command) return false;
  if (rule.kind === 'exact') return rule.args.length === call.args.length && rule.args.every((arg, i) => arg === call.args[i]);
  if (rule.rest ? call.args.length < rule.args.length : call.args.length !== rule.args.length) return false;
  return rule.args.every((glob, i) => globMatch(glob, call.args[i]!));
}

/** How a rule reads in messages and files. */
export function describeRule(rule: ExecRule): string {
  return rule.kind === 'pattern' ? rule.source : [rule.command, ...rule.args.map((arg) => JSON.stringify(arg))].join(' ');
}

/** The command of an `exec` call's arguments; undefined when they are not the exec tool's shape. */
export function execCommand(args: unknown): ExecCommand | undefined {
  if (typeof args !== 'object' || args === null) return undefined;
  const { command, args: argv } = args as { command?: unknown; args?: unknown };
  if (typeof command !== 'string') return undefined;
  if (argv === undefined) return { command, args: [] };
  if (!Array.isArray(argv) || !argv.every((arg) => typeof arg === 'string')) return undefined;
  return { command, args: argv };
}

const globCache = new Map<string, RegExp>();

function globMatch(glob: string, value: string): boolean {
  let regex = globCache.get(glob);
  if (regex === undefined) {
    const body = [...glob].map((char) => (char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[.+^${}()|[\]\\]/g, '\\$&'))).join('');
    regex = new RegExp(`^${body}$`, 's');
    globCache.set(glob, regex);
  }
  return regex.test(value);
}
