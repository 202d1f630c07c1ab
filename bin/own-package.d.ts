/** Declarations of own-package.js (plain JavaScript: bin/ runs before any build). */
export function bundleImport(specifier: string, parentURL: string | undefined, dist: string | undefined): string | undefined;
export function resolveOwnPackage(options: { fromSource: boolean }): void;
