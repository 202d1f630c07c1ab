#!/usr/bin/env node
// In a checkout the TypeScript sources run directly (Node >= 24 strips types); a published
// package runs the compiled dist/ (Node does not strip types under node_modules).
import { existsSync } from 'node:fs';

const fromSource = existsSync(new URL('../core/cli.ts', import.meta.url));
const { runCli } = await import(fromSource ? '../core/cli.ts' : '../dist/core/cli.js');
const code = await runCli(process.argv);
// Servers have closed by now; leftover handles (a stuck socket) must not keep the process up.
process.stdout.write('', () => process.exit(code));
