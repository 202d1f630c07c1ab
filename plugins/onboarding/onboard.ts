/**
 * Writes what onboarding decided: `<stateDir>/clawdbot.json` (0600, temp + fsync + rename, in
 * a 0700 folder), the gateway token for auth "token" (the auth-token plugin's own file, so the
 * gateway accepts it), and the workspace folder.
 */
import { chmod, mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../sdk/core/index.ts';
import { ensureTokenFile } from '../../sdk/gateway/index.ts';
import { buildConfig, type OnboardAnswers } from './answers.ts';

export const CONFIG_NAME = 'clawdbot.json';

export interface OnboardResult {
  configFile: string;
  workspace: string;
  /** Where the generated gateway token is (auth "token"). */
  tokenFile?: string;
  tokenCreated?: boolean;
}

export class OnboardExistsError extends Error {
  override name = 'OnboardExistsError';
}

export async function writeOnboarding(stateDir: string, answers: OnboardAnswers, options: { force?: boolean } = {}): Promise<OnboardResult> {
  const configFile = join(stateDir, CONFIG_NAME);
  if (!options.force && (await stat(configFile).then(() => true, () => false))) {
    throw new OnboardExistsError(`${configFile} already exists; run with --force to replace it`);
  }
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  await chmod(stateDir, 0o700);
  await writeFileAtomic(configFile, `${JSON.stringify(buildConfig(answers), null, 2)}\n`);
  await mkdir(answers.workspace, { recursive: true, mode: 0o700 });
  const result: OnboardResult = { configFile, workspace: answers.workspace };
  if (answers.auth === 'token') {
    const token = await ensureTokenFile(stateDir);
    result.tokenFile = token.path;
    result.tokenCreated = token.created;
  }
  return result;
}

