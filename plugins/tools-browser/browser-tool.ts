/**
 * The `browser` tool: one tool, one `action` per call. Pages are read through Playwright's
 * ARIA snapshot in "ai" mode (an accessible text tree whose elements carry refs like `e5`),
 * and click/type/select act on those refs. Results stay small: snapshots are cut at
 * `maxSnapshotChars`, screenshots go to a workspace file whose path is returned.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, realpath } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { writeFileAtomic } from '../../sdk/core/index.ts';
import { compileOnFirstUse } from '../../sdk/core/index.ts';
import type { ToolDefinition } from '../../sdk/agent/index.ts';
import type { BrowserPool, Instance } from './browser-pool.ts';
import type { EgressPolicy } from './egress-policy.ts';
import { FsToolError } from '../../sdk/workspace/index.ts';
import { isInside } from '../../sdk/workspace/index.ts';
import { BrowserToolError } from './errors.ts';
import { browserErrors } from './error-codes.ts';
import { toolErrors } from '../../sdk/agent/index.ts';

export const ACTIONS = ['open', 'navigate', 'snapshot', 'click', 'type', 'select', 'screenshot', 'close'] as const;
export type BrowserAction = (typeof ACTIONS)[number];

const PARAMETERS = {
  type: 'object', additionalProperties: false, required: ['action'],
  properties: {
    action: { enum: ACTIONS, description: 'open (start this session\'s browser at url), navigate (go to url), snapshot (read the page), click/type/select (act on an element ref), screenshot (PNG into the workspace), close.' },
    url: { type: 'string', minLength: 1, maxLength: 8192, description: 'http(s) URL for open and navigate.' },
    ref: { type: 'string', pattern: '^(f\\d+)?e\\d+$', description: 'Element ref from the latest snapshot, e.g. e5 (click, type, select).' },
    text: { type: 'string', maxLength: 100000, description: 'Text typed into the element (type); replaces its value.' },
    submit: { type: 'boolean', description: 'Press Enter after typing (type).' },
    values: { type: 'array', minItems: 1, maxItems: 100, items: { type: 'string', maxLength: 1000 }, description: 'Option values or labels to select (select).' },
    fullPage: { type: 'boolean', description: 'Capture the whole scrollable page (screenshot).' },
  },
};

interface BrowserArgs {
  action: BrowserAction;
  url?: string;
  ref?: string;
  text?: string;
  submit?: boolean;
  values?: string[];
  fullPage?: boolean;
}

const NEEDS: Partial<Record<BrowserAction, readonly (keyof BrowserArgs)[]>> = {
  open: ['url'], navigate: ['url'], click: ['ref'], type: ['ref', 'text'], select: ['ref', 'values'],
};

export interface BrowserToolDeps {
  pool: BrowserPool;
  policy: EgressPolicy;
  workspace: () => string;
  maxSnapshotChars: number;
  /** Called once per action with the error code when it failed. */
  count(action: BrowserAction, errorCode: string | undefined): void;
}

export function createBrowserTool(deps: BrowserToolDeps): ToolDefinition {
  const validate = compileOnFirstUse(PARAMETERS);
  const { pool, policy } = deps;

  const state = async (instance: Instance) => {
    const raw = await instance.page.ariaSnapshot({ mode: 'ai' });
    const { text, truncated } = cut(raw, deps.maxSnapshotChars);
    const blocked = instance.blocked.splice(0);
    return { url: instance.page.url(), title: await instance.page.title(), snapshot: text, truncated, ...(blocked.length > 0 ? { blocked } : {}) };
  };
  const goto = (sessionKey: string, url: string, create: boolean) => pool.act(sessionKey, create, async (instance) => {
    const response = await instance.page.goto(url, { waitUntil: 'load' });
    return { status: response?.status() ?? null, ...(await state(instance)) };
  });
  const element = async (instance: Instance, ref: string) => {
    const locator = instance.page.getByRef(ref);
    if (await locator.count() === 0) {
      throw new BrowserToolError(browserErrors.MOLT_ERR_TOOL_BROWSER_UNKNOWN_REF, `ref "${ref}" is not in the latest snapshot of ${instance.page.url()}; take a new snapshot and use a ref from it`);
    }
    return locator;
  };
  const settle = (instance: Instance) => instance.page.waitForLoadState('load').catch(() => undefined);

  const run = async (args: BrowserArgs, sessionKey: string): Promise<unknown> => {
    switch (args.action) {
      case 'open':
      case 'navigate': {
        const verdict = await policy.checkUrl(args.url!);
        if (!verdict.ok) throw new BrowserToolError(browserErrors.MOLT_ERR_TOOL_BROWSER_BLOCKED, `blocked by the egress policy: ${verdict.reason}`);
        return goto(sessionKey, args.url!, args.action === 'open');
      }
      case 'snapshot':
        return pool.act(sessionKey, false, state);
      case 'click':
        return pool.act(sessionKey, false, async (instance) => {
          const locator = await element(instance, args.ref!);
          // A link into a new tab: wait for the tab (the pool moves to it) so the result shows it.
          const target = await locator.evaluate((node) => node.closest('a[href][target]')?.getAttribute('target') ?? '');
          const opensTab = target !== '' && !['_self', '_top', '_parent'].includes(target.toLowerCase());
          const popup = opensTab ? instance.page.waitForEvent('popup') : undefined;
          await locator.click();
          if (popup !== undefined) await popup;
          await settle(instance);
          return state(instance);
        });
      case 'type':
        return pool.act(sessionKey, false, async (instance) => {
          const locator = await element(instance, args.ref!);
          await locator.fill(args.text!);
          if (args.submit === true) await locator.press('Enter');
          await settle(instance);
          return state(instance);
        });
      case 'select':
        return pool.act(sessionKey, false, async (instance) => {
          const selected = await (await element(instance, args.ref!)).selectOption(args.values!);
          return { selected, ...(await state(instance)) };
        });
      case 'screenshot':
        return pool.act(sessionKey, false, async (instance) => {
          const png = await instance.page.screenshot({ type: 'png', fullPage: args.fullPage === true });
          const stamp = new Date().toISOString().replace(/[:.]/g, '-');
          const path = join(SCREENSHOT_DIR, `browser-${stamp}-${randomBytes(3).toString('hex')}.png`);
          await writeFileAtomic(join(await screenshotDir(deps.workspace()), basename(path)), png);
          return { path, bytes: png.length, url: instance.page.url() };
        });
      case 'close':
        return { closed: await pool.close(sessionKey) };
    }
  };

  return {
    name: 'browser',
    description: 'Drive a headless Chromium for this session: open a URL, read the page as an accessible text snapshot with element refs, click/type/select by ref, save a screenshot, close. Private and local network addresses are blocked.',
    parameters: PARAMETERS,
    async handler(raw: unknown, context) {
      if (!validate(raw)) {
        const first = validate.errors?.[0];
        throw new BrowserToolError(toolErrors.MOLT_ERR_TOOL_INVALID_ARGS, `browser: ${first?.instancePath || 'arguments'} ${first?.message ?? 'are invalid'}`);
      }
      const args = raw as BrowserArgs;
      const missing = (NEEDS[args.action] ?? []).filter((key) => args[key] === undefined);
      if (missing.length > 0) throw new BrowserToolError(toolErrors.MOLT_ERR_TOOL_INVALID_ARGS, `browser: action "${args.action}" needs ${missing.join(' and ')}`);
      try {
        const result = await run(args, context.sessionKey);
        deps.count(args.action, undefined);
        return result;
      } catch (error) {
        deps.count(args.action, (error as { code?: string }).code ?? 'MOLT_ERR_TOOL_BROWSER_OTHER');
        throw error;
      }
    },
  };
}

const SCREENSHOT_DIR = 'screenshots';

/** `<workspace>/screenshots`, created when missing; refused when a symlink leads it out of the workspace. */
async function screenshotDir(workspace: string): Promise<string> {
  await mkdir(join(workspace, SCREENSHOT_DIR), { recursive: true, mode: 0o700 });
  const root = await realpath(workspace);
  const dir = await realpath(join(root, SCREENSHOT_DIR));
  if (!isInside(root, dir)) throw new FsToolError('MOLT_ERR_TOOL_PATH_OUTSIDE_WORKSPACE', `${SCREENSHOT_DIR}/ leads outside the workspace (a symlink); remove it`);
  return dir;
}

/** At most `max` characters, cut at a line end, with a closing note when cut. */
function cut(text: string, max: number): { text: string; truncated: boolean } {
  if (text.length <= max) return { text, truncated: false };
  const end = text.lastIndexOf('\n', max);
  const kept = text.slice(0, end > 0 ? end : max);
  return { text: `${kept}\n… (${text.length - kept.length} more characters cut at tools.browser.maxSnapshotChars)`, truncated: true };
}
