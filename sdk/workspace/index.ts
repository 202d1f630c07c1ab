/**
 * `moltbot/plugin-sdk/workspace`: workspace-confined file access and protected paths.
 *
 * - `workspaceFiles(ctx)`: read / atomic write / edit inside the agent workspace (symlink and
 *   hard-link escapes refused, TOCTOU-safe through directory fds), checking the protected-path
 *   rules for the calling session on the file's real location. File tools use it.
 * - `protectPaths(ctx, rule)`: a plugin protects files it owns; the rule applies to every tool
 *   that declares path access (`access.paths` in its definition), whatever its name.
 * - The lower-level primitives (`readWorkspaceFile`, `isInside`, `lexicalPath`...) and the
 *   errors (`FsToolError`, MOLT_ERR_TOOL_* codes).
 */
export { agentWorkspace } from './agent-workspace.ts';
export { FsToolError, quote, workspaceErrors } from './errors.ts';
export type { FsToolErrorCode } from './errors.ts';
export { editWorkspaceFile, readWorkspaceBytes, readWorkspaceFile, writeWorkspaceFile } from './file-ops.ts';
export type { PathGuard } from './file-ops.ts';
export { currentSessionPolicy, protectPaths, protectedPathsRef, protectedRefusal, workspaceRelative } from './protected-paths.ts';
export type { ProtectedPathRule, ProtectedPaths, ProtectedPathsRegistry, SessionPolicy } from './protected-paths.ts';
export { workspaceFiles } from './workspace-files.ts';
export type { FileCaller, FileOptions, WorkspaceFiles, WorkspaceFilesOptions } from './workspace-files.ts';
export { isInside, lexicalPath } from './workspace-path.ts';
