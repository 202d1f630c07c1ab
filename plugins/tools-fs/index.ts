/** `tools-fs`: the `read`, `write` and `edit` tools, confined to the agent workspace. */
import schema from '../../schemas/plugins/tools-fs.json' with { type: 'json' };
import validate from '../../schemas/generated/tools-fs.validate.ts';
import { definePlugin } from '../../sdk/core/index.ts';
import { toolRegistryRef } from '../../sdk/agent/index.ts';
import { workspaceFiles } from '../../sdk/workspace/index.ts';
import { createFsTools, type FsToolOptions } from './tools.ts';

export { createFsTools, type FsToolOptions };

export default definePlugin<FsToolOptions>({
  name: 'tools-fs',
  version: '1.0.0',
  kernel: '^1.0.0',
  description: 'read/write/edit tools confined to the workspace',
  schema,
  validate,
  dependencies: ['agent'],
  consumes: [toolRegistryRef],
  setup(ctx, options) {
    const registry = ctx.use(toolRegistryRef);
    for (const tool of createFsTools(workspaceFiles(ctx, options), options)) ctx.onClose(registry.register(tool));
  },
});
