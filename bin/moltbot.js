#!/usr/bin/env node
// In a checkout the TypeScript sources run directly (Node >= 24 strips types); a published
// package runs the compiled dist/ (Node does not strip types under node_modules).
import { existsSync, readFileSync } from 'node:fs';
import module from 'node:module';

const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  process.stderr.write(`moltbot needs Node.js >= 24 (this is ${process.version}). In a checkout, run it through npm (\`npm start\`, \`npm run moltbot -- <command>\`), which puts the project's Node 24 on the PATH.\n`);
  process.exit(1);
}
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  // Scripts and health checks ask for the version often: the manifest answers it without
  // loading the CLI's modules (2.5× the time of `node -e 0` otherwise).
  process.stdout.write(`${JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version}\n`);
} else {
  // Caches compiled (and type-stripped) modules on disk: later starts skip most of that work.
  module.enableCompileCache?.();

  const fromSource = existsSync(new URL('../app/cli.ts', import.meta.url));
  const { resolveOwnPackage } = await import('./own-package.js');
  resolveOwnPackage({ fromSource });
  const { runCli } = await import(fromSource ? '../app/cli.ts' : '../dist/app/cli.js');
  const code = await runCli(process.argv);
  // Servers have closed by now; leftover handles (a stuck socket) must not keep the process up.
  process.stdout.write('', () => process.exit(code));
}
