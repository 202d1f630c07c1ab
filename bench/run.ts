/** `npm run bench [name...]`: runs the named benches (default: all) and prints their figures. */
import { benchAgent } from './agent.ts';
import { benchCache } from './cache.ts';
import { benchChatTurns } from './chat-turns.ts';
import { benchExec } from './exec.ts';
import { benchGateway } from './gateway.ts';
import { benchKernel } from './kernel.ts';
import { benchMcp } from './mcp.ts';
import { benchOps } from './ops.ts';
import { benchSandbox } from './sandbox.ts';
import { benchSandboxProfile } from './sandbox-profile.ts';
import { benchSandboxSchema } from './sandbox-schema.ts';
import { benchScale } from './scale.ts';
import { benchStart } from './start.ts';

const benches: Record<string, () => Promise<string[]>> = { kernel: benchKernel, cache: benchCache, gateway: benchGateway, start: benchStart, agent: async () => [...await benchAgent(), ...await benchChatTurns()], chat: benchChatTurns, ops: benchOps, sandbox: benchSandbox, 'sandbox-schema': benchSandboxSchema, 'sandbox-profile': benchSandboxProfile, exec: benchExec, scale: benchScale, mcp: benchMcp };
const selected = process.argv.slice(2).length > 0 ? process.argv.slice(2) : Object.keys(benches);
console.log(`node ${process.version}, ${new Date().toISOString()}`);
for (const name of selected) {
  const bench = benches[name];
  if (!bench) {
    console.error(`unknown bench "${name}"; available: ${Object.keys(benches).join(', ')}`);
    process.exit(2);
  }
  for (const line of await bench()) console.log(line);
}
