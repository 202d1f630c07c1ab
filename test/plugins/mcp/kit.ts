/**
 * MCP test kit: the real published servers installed as devDependencies (started with the
 * test's own Node, never downloaded at run time), a fake agent that provides the `tools`
 * registry, and /proc scans for the children a kernel leaves behind.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { definePlugin } from '../../../core/plugin.ts';
import { createToolRegistry, toolRegistryRef } from '../../../sdk/agent/tool-registry.ts';

const modules = fileURLToPath(new URL('../../../node_modules/@modelcontextprotocol/', import.meta.url));

export const SERVERS = {
  everything: `${modules}server-everything/dist/index.js`,
  filesystem: `${modules}server-filesystem/dist/index.js`,
  memory: `${modules}server-memory/dist/index.js`,
};

/** A stdio server entry of `mcp.servers` running one of the published servers. */
export function stdio(script: string, args: string[] = [], extra: Record<string, unknown> = {}) {
  return { command: process.execPath, args: [script, ...args], ...extra };
}

/** Provides the agent's `tools` registry without the agent (no provider needed). */
export const registryOnly = definePlugin({
  name: 'agent', version: '1.0.0',
  provides: [toolRegistryRef],
  setup(ctx) {
    ctx.provide(toolRegistryRef, createToolRegistry());
  },
});

export const signal = () => new AbortController().signal;
export const context = (sessionKey = 'agent:main:main', abort: AbortSignal = signal()) => ({ runId: 'r1', sessionKey, signal: abort });

/** Pids of every live process whose process group is `pgid` (zombies excluded). */
export function groupMembers(pgid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the parenthesised command: state ppid pgrp ...
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] !== 'Z' && Number(fields[2]) === pgid) out.push(Number(entry));
    } catch {
      // The process ended while scanning.
    }
  }
  return out;
}

/** Live processes whose environment holds `marker` (a canary set in config env). */
export function processesWithEnv(marker: string): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/environ`, 'latin1').includes(marker)) {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        if (stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z') out.push(Number(entry));
      }
    } catch {
      // Gone, or not ours to read.
    }
  }
  return out;
}
