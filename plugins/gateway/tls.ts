/**
 * TLS from `gateway.ssl.{enabled,certPath,keyPath}`: wss and https on the same port. The files
 * are read once at start; a path that cannot be read is a config error naming the key (the
 * file content, a private key, never appears in a message).
 */
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { expandHome } from '../../sdk/core/index.ts';
import { MoltbotError } from '../../sdk/core/index.ts';

export interface TlsMaterial {
  cert: Buffer;
  key: Buffer;
}

export async function loadTls(ssl: { enabled: boolean; certPath?: string; keyPath?: string }, cwd: string): Promise<TlsMaterial | undefined> {
  if (!ssl.enabled) return undefined;
  // Both read at once, but a failure is reported in a fixed order (certificate first), so
  // the same broken config always gives the same message.
  const [cert, key] = await Promise.allSettled([
    readPem(ssl.certPath, 'gateway.ssl.certPath', cwd),
    readPem(ssl.keyPath, 'gateway.ssl.keyPath', cwd),
  ]);
  if (cert.status === 'rejected') throw cert.reason;
  if (key.status === 'rejected') throw key.reason;
  return { cert: cert.value, key: key.value };
}

async function readPem(path: string | undefined, configPath: string, cwd: string): Promise<Buffer> {
  if (path === undefined || path === '') {
    throw new MoltbotError('MOLT_ERR_CONFIG_INVALID', {
      message: `gateway.ssl.enabled is true but ${configPath} is not set`,
      path: configPath,
      fix: `Set ${configPath} to a PEM file, or set gateway.ssl.enabled to false.`,
    });
  }
  const file = resolve(cwd, expandHome(path, homedir()));
  let content: Buffer;
  try {
    content = await readFile(file);
  } catch (error) {
    throw new MoltbotError('MOLT_ERR_CONFIG_INVALID', {
      message: `${configPath} (${file}) cannot be read: ${(error as NodeJS.ErrnoException).code ?? 'error'}`,
      path: configPath,
      fix: `Point ${configPath} at a readable PEM file.`,
    });
  }
  if (!content.includes('-----BEGIN ')) {
    throw new MoltbotError('MOLT_ERR_CONFIG_INVALID', {
      message: `${configPath} (${file}) is not a PEM file`,
      path: configPath,
      fix: `Point ${configPath} at a PEM file (text starting with "-----BEGIN").`,
    });
  }
  return content;
}
