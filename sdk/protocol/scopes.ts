/**
 * Scopes are ranked: admin includes write, write includes read. The server grants them from
 * the credential; a client may only ask for fewer.
 */

/**
 * What a credential may do. The same union as the kernel's `Scope` (core/hook-types.ts), restated
 * so this entry imports nothing and loads in a browser; test/sdk/protocol keeps the two equal.
 */
export type Scope = 'read' | 'write' | 'admin';

export const SCOPES: readonly Scope[] = Object.freeze(['read', 'write', 'admin']);

const RANK: Readonly<Record<Scope, number>> = Object.freeze({ read: 1, write: 2, admin: 3 });

export function isScope(value: unknown): value is Scope {
  return value === 'read' || value === 'write' || value === 'admin';
}

/** Highest rank among the granted scopes (0: none). */
export function scopeRank(granted: readonly Scope[]): number {
  let rank = 0;
  for (const scope of granted) if (RANK[scope] > rank) rank = RANK[scope];
  return rank;
}

export function allows(rank: number, required: Scope): boolean {
  return rank >= RANK[required];
}

const IMPLIED: readonly (readonly Scope[])[] = Object.freeze([0, 1, 2, 3].map((rank) => Object.freeze(SCOPES.filter((scope) => RANK[scope] <= rank))));

/** Every scope the rank implies, lowest first (what hello-ok shows); one shared frozen array per rank. */
export function impliedScopes(rank: number): readonly Scope[] {
  return IMPLIED[Math.max(0, Math.min(3, rank))] as readonly Scope[];
}

/** What the client asked for, never more than the credential's rank. */
export function narrowScopes(rank: number, requested: readonly Scope[] | undefined): number {
  if (requested === undefined) return rank;
  return Math.min(rank, scopeRank(requested));
}
