/**
 * `control-ui`: the browser dashboard, served on the gateway's own port under `/ui/` when
 * `gateway.controlUi.enabled` (default on). Only static files are public; every figure the
 * pages show comes over the authenticated WebSocket. See README.md beside this file.
 */
import { existsSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { join, resolve } from 'node:path';
import schema from '../../schemas/plugins/control-ui.json' with { type: 'json' };
import validateOptions from '../../schemas/generated/control-ui.validate.ts';
import { MoltbotError } from '../../sdk/core/index.ts';
import { definePlugin } from '../../sdk/core/index.ts';
import { PACKAGE } from '../../sdk/core/index.ts';
import { gatewayServiceRef } from '../../sdk/gateway/index.ts';
import { BASE_PATH, loadAssets, type Asset } from './assets.ts';
import { defineConfigMethods } from './config-rpc.ts';
import { assetHeaders, SECURITY_HEADERS } from './headers.ts';

export { BASE_PATH } from './assets.ts';
export { CONTENT_SECURITY_POLICY } from './headers.ts';
import { controlUiErrors } from './error-codes.ts';

export interface ControlUiOptions {
  assetsDir?: string;
  metricsIntervalMs: number;
}

/** The shipped build (committed; test/plugins/control-ui/build.test.ts fails when it is stale). */
export const SHIPPED_ASSETS = join(PACKAGE.root, 'ui', 'built');

function send(response: ServerResponse, asset: Asset): void {
  response.writeHead(200, assetHeaders(asset));
  response.end(response.req.method === 'HEAD' ? undefined : asset.body);
}

function redirect(response: ServerResponse): void {
  response.writeHead(302, { ...SECURITY_HEADERS, Location: BASE_PATH, 'Cache-Control': 'no-cache', 'Content-Length': '0' });
  response.end();
}

export default definePlugin<ControlUiOptions>({
  name: 'control-ui',
  version: '1.0.0',
  kernel: '^1.0.0',
  description: 'The browser dashboard on the gateway port: overview, chat, sessions, channels, alerts, config, backups',
  sections: ['gateway.controlUi'],
  schema,
  validate: validateOptions,
  defaults: { metricsIntervalMs: 2_000 },
  dependencies: ['gateway'],
  setup(ctx, options) {
    const gateway = (ctx.config.gateway ?? {}) as { controlUi?: { enabled?: boolean } };
    if (gateway.controlUi?.enabled === false) {
      ctx.log.debug({}, 'control UI disabled by gateway.controlUi.enabled=false');
      return;
    }
    defineConfigMethods(ctx);
    const dir = options.assetsDir !== undefined ? resolve(ctx.paths.cwd, options.assetsDir) : SHIPPED_ASSETS;
    if (!existsSync(join(dir, 'index.html'))) {
      throw new MoltbotError(controlUiErrors.MOLT_ERR_CONTROL_UI_ASSETS, { message: `no built control UI in ${dir}`, plugin: ctx.name, path: options.assetsDir !== undefined ? 'options.assetsDir' : 'gateway.controlUi.enabled' });
    }
    const assets = loadAssets(dir);
    const settings = { kind: 'settings', metricsIntervalMs: options.metricsIntervalMs };
    const settingsAsset: Asset = { body: Buffer.from(JSON.stringify(settings)), contentType: 'application/json; charset=utf-8', immutable: false };
    assets.set(`${BASE_PATH}settings.json`, settingsAsset);
    ctx.hooks.httpRoute.tap(ctx.name, (router) => {
      router.route({ method: 'GET', path: '/', public: true, handler: (_request, response) => redirect(response) });
      router.route({ method: 'GET', path: BASE_PATH.slice(0, -1), public: true, handler: (_request, response) => redirect(response) });
      for (const [path, asset] of assets) {
        router.route({ method: 'GET', path, public: true, handler: (_request, response) => send(response, asset) });
      }
    });
    ctx.hooks.ready.tap(ctx.name, () => {
      const where = ctx.use(gatewayServiceRef).address();
      if (where !== undefined) ctx.log.info({ files: assets.size }, `control UI at ${where.httpUrl}${BASE_PATH}`);
    });
  },
});
