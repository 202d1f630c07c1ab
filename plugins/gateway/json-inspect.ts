/**
 * Checks a freshly parsed JSON value before anything else walks it: nesting depth is capped
 * (JSON.parse accepts 100 000-deep arrays, but every recursive walker after it, JSON.stringify
 * and structuredClone included, then throws RangeError) and the keys `__proto__`,
 * `constructor` and `prototype` are refused anywhere, so no later merge can reach a prototype.
 * Iterative, so the check itself cannot overflow the stack.
 */

export type JsonProblem = 'too-deep' | 'forbidden-key';

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export function inspectJson(root: unknown, maxDepth: number): JsonProblem | undefined {
  if (typeof root !== 'object' || root === null) return undefined;
  const values: object[] = [root];
  const depths: number[] = [1];
  while (values.length > 0) {
    const value = values.pop() as object;
    const depth = depths.pop() as number;
    if (depth > maxDepth) return 'too-deep';
    if (Array.isArray(value)) {
      for (const item of value) {
        if (typeof item === 'object' && item !== null) {
          values.push(item);
          depths.push(depth + 1);
        }
      }
      continue;
    }
    for (const key in value) {
      if (FORBIDDEN_KEYS.has(key)) return 'forbidden-key';
      const item = (value as Record<string, unknown>)[key];
      if (typeof item === 'object' && item !== null) {
        values.push(item);
        depths.push(depth + 1);
      }
    }
  }
  return undefined;
}
