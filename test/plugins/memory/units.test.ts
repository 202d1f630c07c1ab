/** Memory file names and Markdown chunking. */
import { describe, expect, it } from 'vitest';
import { chunkMarkdown } from '../../../plugins/memory/chunks.ts';
import { dailyFile, memoryPath } from '../../../plugins/memory/memory-files.ts';

describe('memoryPath', () => {
  it.each(['MEMORY.md', 'memory/2026-01-31.md', './memory/notes.md', 'memory/work-log.v2.md'])('accepts %s', (file) => {
    expect(memoryPath(file)).toBe(file.replace(/^\.\//, ''));
  });
  it.each(['secret.txt', '../MEMORY.md', 'memory/../MEMORY.md', '/etc/passwd', 'memory/sub/x.md', 'memory/.hidden.md', 'MEMORY.md\0', 'memory/x.txt', 42])('refuses %s', (file) => {
    expect(() => memoryPath(file)).toThrow(expect.objectContaining({ code: 'MOLT_ERR_MEMORY_PATH' }));
  });
  it('names the daily file by local date', () => {
    expect(dailyFile(new Date(2026, 0, 5, 23, 59))).toBe('memory/2026-01-05.md');
  });
});

describe('chunkMarkdown', () => {
  it('splits at blank lines and headings, remembers lines and the heading above', () => {
    const text = '# Pets\nDog: Rex\nCat: Tom\n\n## Work\nCodename BLUEBIRD\n\n\nlast line';
    expect(chunkMarkdown('MEMORY.md', text).map((c) => [c.line, c.endLine, c.heading, c.text])).toEqual([
      [1, 1, 'Pets', '# Pets'],
      [2, 3, 'Pets', 'Dog: Rex\nCat: Tom'],
      [5, 5, 'Work', '## Work'],
      [6, 6, 'Work', 'Codename BLUEBIRD'],
      [9, 9, 'Work', 'last line'],
    ]);
  });
  it('cuts long paragraphs at maxLines', () => {
    const text = Array.from({ length: 25 }, (_, i) => `line ${i + 1}`).join('\n');
    expect(chunkMarkdown('m', text, 10).map((c) => [c.line, c.endLine])).toEqual([[1, 10], [11, 20], [21, 25]]);
  });
});
