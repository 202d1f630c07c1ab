/** The file codes belong to sdk/workspace in the open catalogue, with the strings they always had. */
import { describe, expect, it } from 'vitest';
import { errorCatalogue, isMoltbotError } from 'moltbot/plugin-sdk/core';
import { FsToolError, workspaceErrors } from 'moltbot/plugin-sdk/workspace';

describe('sdk/workspace error codes', () => {
  it('are registered with owner sdk/workspace, a title and a fix', () => {
    const own = errorCatalogue().filter((entry) => entry.owner === 'sdk/workspace').map((entry) => entry.code).sort();
    expect(own).toEqual(Object.keys(workspaceErrors).sort());
    expect(own).toEqual(expect.arrayContaining(['MOLT_ERR_TOOL_PATH_OUTSIDE_WORKSPACE', 'MOLT_ERR_TOOL_NOT_FOUND', 'MOLT_ERR_TOOL_PATH_PROTECTED']));
  });

  it('FsToolError carries the code, its fix and the message given', () => {
    const error = new FsToolError('MOLT_ERR_TOOL_PATH_OUTSIDE_WORKSPACE', 'path "../x" is outside the workspace');
    expect(error).toMatchObject({ code: 'MOLT_ERR_TOOL_PATH_OUTSIDE_WORKSPACE', message: 'path "../x" is outside the workspace', fix: expect.stringContaining('inside the workspace') });
    expect(isMoltbotError(error, workspaceErrors.MOLT_ERR_TOOL_PATH_OUTSIDE_WORKSPACE)).toBe(true);
    expect(new FsToolError('MOLT_ERR_TOOL_INVALID_ARGS', 'bad').code).toBe('MOLT_ERR_TOOL_INVALID_ARGS');
  });
});
