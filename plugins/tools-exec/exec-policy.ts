/**
 * Programs that can run other programs. Allowlisting `find` must not mean allowlisting
 * everything `find -exec` can start: for each such program the arguments that make it run (or
 * load) another program are refused, naming the program and the argument. Programs whose only
 * job is to run another one (xargs, nohup, setsid, …) are refused outright; interpreters and
 * shells run whatever they are given, so their arguments cannot be policed — allowlisting one
 * is the operator's explicit choice, and the security audit says what it means. Containment
 * (containment.ts) holds for all of them: nothing they start outlives the call.
 */

export type ExecCapability =
  /** Runs a command given in its arguments: every call is refused. */
  | { kind: 'runner' }
  /** Some arguments run or load other programs: those are refused. */
  | { kind: 'arguments'; check(args: readonly string[]): string | undefined; note: string }
  /** Runs arbitrary code by design (shells, interpreters): allowed, flagged by the audit. */
  | { kind: 'interpreter' };

const RUNNERS = ['xargs', 'nohup', 'setsid', 'nice', 'ionice', 'chrt', 'taskset', 'timeout', 'stdbuf', 'flock', 'watch', 'time', 'chroot', 'sudo', 'su', 'doas', 'runuser', 'setpriv', 'unshare', 'nsenter', 'strace', 'ltrace', 'gdb', 'script', 'parallel', 'run-parts', 'start-stop-daemon', 'systemd-run', 'busybox', 'expect', 'sshpass', 'at', 'batch', 'dbus-launch', 'fakeroot', 'firejail', 'bwrap', 'proot'];
const INTERPRETERS = ['sh', 'bash', 'dash', 'zsh', 'ksh', 'mksh', 'fish', 'csh', 'tcsh', 'python', 'python3', 'perl', 'ruby', 'node', 'nodejs', 'deno', 'bun', 'php', 'lua', 'tclsh', 'wish', 'Rscript', 'make', 'vim', 'vi', 'nvim', 'emacs', 'ed', 'ex', 'less', 'more', 'man', 'ssh', 'npm', 'npx', 'pip', 'pip3'];

/** `-opt` or `--opt` / `--opt=value` equal to one of `names`. */
const optionIs = (arg: string, names: readonly string[]) => names.some((name) => arg === name || (name.startsWith('--') && arg.startsWith(`${name}=`)));

const findCheck = (args: readonly string[]) => args.find((arg) => ['-exec', '-execdir', '-ok', '-okdir', '-delete', '-fprint', '-fprint0', '-fprintf', '-fls'].includes(arg));

/** env runs its first non-option, non-assignment argument as a command; `-S` splits one. */
function envCheck(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '-u' || arg === '--unset') {
      i++;
      continue;
    }
    if (['-i', '-0', '--null', '--ignore-environment', '-'].includes(arg) || arg.startsWith('--unset=') || /^[A-Za-z_][A-Za-z0-9_]*=/.test(arg)) continue;
    return arg;
  }
  return undefined;
}

/** awk: `system()`, pipes to or from commands, `@load`/`-l` (shared objects), program files (unread here). */
function awkCheck(args: readonly string[]): string | undefined {
  for (const arg of args) {
    if (optionIs(arg, ['-f', '--file', '-E', '--exec', '-i', '--include', '-l', '--load']) || /^-[fEil]./.test(arg)) return arg;
    if (/\bsystem\s*\(|\||@load|@include|\bgetline\b/.test(arg)) return arg;
  }
  return undefined;
}

/**
 * git: `-c`/`--config-env` set core.pager, core.sshCommand, core.fsmonitor, `alias.x=!cmd`…;
 * transport and tool options name programs to run. A repository's own `.git/config` can still
 * name programs (the agent can write it): see the README and the audit finding.
 */
function gitCheck(args: readonly string[]): string | undefined {
  const sub = args.findIndex((arg) => !arg.startsWith('-'));
  for (const [i, arg] of args.entries()) {
    if (optionIs(arg, ['-c', '--config-env', '--exec-path', '--upload-pack', '--receive-pack', '--exec', '--extcmd', '--template']) || (i < sub && /^-c./.test(arg))) return arg;
    if (i > sub && sub !== -1 && args[sub] === 'rebase' && (arg === '-x' || /^-[a-zA-Z]*x/.test(arg))) return arg;
    if (i === sub && ['difftool', 'mergetool', 'bisect', 'submodule', 'filter-branch', 'filter-repo', 'daemon', 'web--browse', 'instaweb', 'credential', 'upload-pack', 'receive-pack', 'shell', 'remote-ext', 'archimport', 'cvsimport', 'svn', 'p4', 'send-email', 'imap-send', 'config'].includes(arg)) return arg;
    if (arg.startsWith('ext::') || arg.includes('::')) return arg;
    if (i > sub && sub !== -1 && arg === '-u' && ['clone', 'fetch', 'pull', 'ls-remote', 'archive'].includes(args[sub] as string)) return arg;
  }
  return undefined;
}

/** GNU sed runs commands with `e` and the `s///e` flag: `--sandbox` (always added) makes sed refuse them, and nothing lifts it. */
const sedCheck = (): string | undefined => undefined;

/** tar runs programs for compression, checkpoints, volume scripts, remote archives (`host:file`) and `--to-command`. */
function tarCheck(args: readonly string[]): string | undefined {
  for (const [i, arg] of args.entries()) {
    if (optionIs(arg, ['--to-command', '--checkpoint-action', '--use-compress-program', '--rsh-command', '--info-script', '--new-volume-script', '--rmt-command'])) return arg;
    // Short option clusters (and the old dashless first argument): -I program, -F script.
    if ((/^-[^-]/.test(arg) || (i === 0 && /^[A-Za-z]+$/.test(arg))) && /[IF]/.test(arg)) return arg;
  }
  return undefined;
}

/** rsync `-e`/`--rsh`, `--rsync-path`; zip `-T`/`-TT`/`--unzip-command`; ssh-based transports. */
function rsyncCheck(args: readonly string[]): string | undefined {
  return args.find((arg) => optionIs(arg, ['-e', '--rsh', '--rsync-path']) || /^-[a-zA-Z]*e/.test(arg) && !arg.startsWith('--'));
}
function zipCheck(args: readonly string[]): string | undefined {
  return args.find((arg) => optionIs(arg, ['-TT', '--unzip-command', '-T', '--test']) || /^-[A-Za-z]*T/.test(arg));
}

const ARGUMENT_CHECKS: Record<string, { check(args: readonly string[]): string | undefined; note: string }> = {
  find: { check: findCheck, note: '-exec, -execdir, -ok, -okdir run programs; -delete, -fprint*, -fls write or remove files anywhere' },
  env: { check: envCheck, note: 'env runs its first non-assignment argument as a command' },
  awk: { check: awkCheck, note: 'system(), command pipes, getline, @load/-l and program files (-f) run or load programs' },
  git: { check: gitCheck, note: '-c, --config-env, --exec-path, --upload-pack, --exec, difftool/mergetool/bisect/submodule…; a repository config can still name programs (core.fsmonitor, hooks)' },
  sed: { check: sedCheck, note: 'runs with --sandbox (the e command, s///e and w are refused by sed itself)' },
  tar: { check: tarCheck, note: '--to-command, --checkpoint-action, -I/--use-compress-program, -F, --rsh-command run programs; runs with TAR_OPTIONS=--force-local (host:file never starts rsh)' },
  rsync: { check: rsyncCheck, note: '-e/--rsh and --rsync-path run programs' },
  zip: { check: zipCheck, note: '-T/-TT/--unzip-command run programs' },
};
for (const alias of ['gawk', 'mawk', 'nawk', 'busybox-awk']) ARGUMENT_CHECKS[alias] = ARGUMENT_CHECKS.awk as (typeof ARGUMENT_CHECKS)[string];

/** What `command` can run, or undefined for a program that runs nothing else. */
export function execCapability(command: string): ExecCapability | undefined {
  const name = command.replace(/\.exe$/, '');
  if (RUNNERS.includes(name)) return { kind: 'runner' };
  if (INTERPRETERS.includes(name) || /^(python|perl|ruby|php|lua)[0-9.]*$/.test(name)) return { kind: 'interpreter' };
  const entry = ARGUMENT_CHECKS[name];
  return entry === undefined ? undefined : { kind: 'arguments', ...entry };
}

/** Arguments the program is run with: sed always gets `--sandbox` first. */
export function effectiveArgs(command: string, args: readonly string[]): string[] {
  return command === 'sed' ? ['--sandbox', ...args] : [...args];
}

/**
 * Environment added for some programs: tar reads `--force-local` from TAR_OPTIONS (a `host:file`
 * archive never starts rsh); git ignores system and user config and gets, with command-line
 * precedence over the repository's own config, no fsmonitor, no hooks, no pager, no ext:: transport.
 */
export function extraEnv(command: string): Record<string, string> {
  if (command === 'tar') return { TAR_OPTIONS: '--force-local' };
  if (command !== 'git') return {};
  const config: [string, string][] = [['core.fsmonitor', 'false'], ['core.hooksPath', '/dev/null'], ['core.pager', 'cat'], ['protocol.ext.allow', 'never'], ['core.editor', 'true'], ['sequence.editor', 'true']];
  const env: Record<string, string> = { GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_TERMINAL_PROMPT: '0', GIT_PAGER: 'cat', GIT_CONFIG_COUNT: String(config.length) };
  for (const [i, [key, value]] of config.entries()) {
    env[`GIT_CONFIG_KEY_${i}`] = key;
    env[`GIT_CONFIG_VALUE_${i}`] = value;
  }
  return env;
}

/** A refusal message naming the program and the argument, or undefined when the call may run. */
export function refusal(command: string, args: readonly string[]): string | undefined {
  const capability = execCapability(command);
  if (capability === undefined || capability.kind === 'interpreter') return undefined;
  if (capability.kind === 'runner') return `"${command}" runs other programs and is refused even when allowlisted (its whole job is to start the command it is given)`;
  const bad = capability.check(args);
  if (bad === undefined) return undefined;
  return `"${command}" argument ${JSON.stringify(bad.slice(0, 80))} is refused: it can run other programs (${capability.note})`;
}
