/**
 * Workspace identity files (`AGENTS.md`, `SOUL.md`, `USER.md`, `IDENTITY.md`, as OpenClaw
 * injects them) appended to an agent's system prompt, each capped, the whole capped too.
 *
 * A turn does no disk I/O for them: the built prompt is cached per workspace and revalidated
 * at most once per `checkIntervalMs` by a stat of each file; a file is read again only when
 * its mtime or size changed. So an edit shows up in the agent's prompt within that interval.
 */
import { constants } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { join } from 'node:path';

export const IDENTITY_FILES = Object.freeze(['AGENTS.md', 'SOUL.md', 'USER.md', 'IDENTITY.md']);

export interface IdentityFileOptions {
  /** Per file (characters); the rest is cut with a marker. */
  maxFileChars: number;
  /** All files together (characters). */
  maxTotalChars: number;
  /** How often a workspace's files are stat'ed again (ms). */
  checkIntervalMs: number;
  now?: () => number;
}

export const IDENTITY_DEFAULTS: IdentityFileOptions = { maxFileChars: 20_000, maxTotalChars: 60_000, checkIntervalMs: 1000 };

interface FileState {
  mtimeMs: number;
  size: number;
  text: string;
}

interface WorkspaceState {
  checkedAt: number;
  files: Map<string, FileState>;
  prompt: string | undefined;
  checking?: Promise<string | undefined>;
}

export interface IdentityFiles {
  /** The identity section of `workspace`'s prompt (undefined: no identity file there). */
  section(workspace: string): Promise<string | undefined>;
  /** File reads so far (a test proves turns do not re-read unchanged files). */
  readonly reads: number;
}

export function createIdentityFiles(options: IdentityFileOptions = IDENTITY_DEFAULTS): IdentityFiles {
  const now = options.now ?? Date.now;
  const workspaces = new Map<string, WorkspaceState>();
  let reads = 0;

  async function readCapped(path: string): Promise<string> {
    reads++;
    // O_NOFOLLOW: an identity file is the workspace's own, not a link to somewhere else.
    const handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
    try {
      // UTF-8 is at most 4 bytes a character: this many bytes always hold the cap and one more.
      const limit = options.maxFileChars * 4 + 4;
      const buffer = Buffer.alloc(limit);
      const { bytesRead } = await handle.read(buffer, 0, limit, 0);
      return buffer.subarray(0, bytesRead).toString('utf8');
    } finally {
      await handle.close();
    }
  }

  async function refresh(workspace: string, state: WorkspaceState): Promise<string | undefined> {
    let changed = false;
    await Promise.all(IDENTITY_FILES.map(async (name) => {
      const path = join(workspace, name);
      const info = await stat(path).catch(() => undefined);
      const known = state.files.get(name);
      if (info === undefined || !info.isFile()) {
        if (known !== undefined) {
          state.files.delete(name);
          changed = true;
        }
        return;
      }
      if (known !== undefined && known.mtimeMs === info.mtimeMs && known.size === info.size) return;
      const text = await readCapped(path).catch(() => undefined);
      if (text === undefined) state.files.delete(name);
      else state.files.set(name, { mtimeMs: info.mtimeMs, size: info.size, text });
      changed = true;
    }));
    if (changed || state.checkedAt === 0) state.prompt = build(state.files, options);
    state.checkedAt = now();
    return state.prompt;
  }

  return {
    get reads() {
      return reads;
    },
    async section(workspace) {
      let state = workspaces.get(workspace);
      if (state === undefined) {
        state = { checkedAt: 0, files: new Map(), prompt: undefined };
        workspaces.set(workspace, state);
      }
      if (state.checkedAt !== 0 && now() - state.checkedAt < options.checkIntervalMs) return state.prompt;
      // Concurrent turns share one check.
      const current = state;
      current.checking ??= refresh(workspace, current).finally(() => { current.checking = undefined; });
      return current.checking;
    },
  };
}

function cap(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}\n…[truncated at ${max} characters]`;
}

function build(files: Map<string, FileState>, options: IdentityFileOptions): string | undefined {
  const parts: string[] = [];
  let left = options.maxTotalChars;
  for (const name of IDENTITY_FILES) {
    const file = files.get(name);
    if (file === undefined || left <= 0) continue;
    const body = cap(cap(file.text.trim(), options.maxFileChars), left);
    left -= body.length;
    parts.push(`## ${name}\n${body}`);
  }
  return parts.length === 0 ? undefined : `# Workspace files\n\n${parts.join('\n\n')}`;
}
