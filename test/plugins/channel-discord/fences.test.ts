/** Code fences across chunks (pure). */
import { describe, expect, it } from 'vitest';
import { openFence, repairFences } from '../../../plugins/channel-discord/fences.ts';

describe('channel-discord: fences', () => {
  it('finds the block a text ends inside, with its language', () => {
    expect(openFence('plain text')).toBeUndefined();
    expect(openFence('```js\nx()\n```\nafter')).toBeUndefined();
    expect(openFence('before\n```python\nprint(1)')).toBe('python');
    expect(openFence('```\nno language')).toBe('');
    // Inline triple backticks in a sentence are not a fence.
    expect(openFence('use ```code``` inline')).toBeUndefined();
  });

  it('closes a chunk ending inside a block and reopens the next one; a retried chunk is repaired the same way', () => {
    const first = repairFences('intro\n```ts\nconst a = 1;', undefined);
    expect(first).toEqual({ text: 'intro\n```ts\nconst a = 1;\n```', open: 'ts' });
    const second = repairFences('const b = 2;\n```\ndone', first.open);
    expect(second).toEqual({ text: '```ts\nconst b = 2;\n```\ndone', open: undefined });
    expect(repairFences('const b = 2;\n```\ndone', first.open)).toEqual(second);
    // A language too long for the room reserved is cut, so the chunk still fits.
    expect(openFence(`\`\`\`${'x'.repeat(100)}\ncode`)!.length).toBeLessThanOrEqual(32);
  });
});
