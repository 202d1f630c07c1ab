/**
 * Doctor check `browser.chromium`: the configured Chromium exists, is executable, and really
 * starts headless with the tool's flags (a launch and close, not just a file test).
 */
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import type { CheckReport } from '../../sdk/core/index.ts';
import { CHROMIUM_ARGS, loadChromium } from './settings.ts';

const INSTALL = 'Install Chromium from your distribution (Debian/Ubuntu: `apt-get install chromium`) or set tools.browser.executablePath to a Chromium/Chrome binary; moltbot never downloads a browser.';

export async function checkChromium(executablePath: string, launchTimeoutMs: number, report: CheckReport): Promise<void> {
  const base = { id: 'browser.chromium', title: 'Chromium for the browser tool' };
  try {
    await access(executablePath, constants.X_OK);
  } catch {
    report.add({ ...base, severity: 'critical', description: `${executablePath} (tools.browser.executablePath) is missing or not executable.`, recommendation: INSTALL });
    return;
  }
  const started = performance.now();
  try {
    const browser = await (await loadChromium()).launch({ executablePath, headless: true, chromiumSandbox: false, args: [...CHROMIUM_ARGS], timeout: launchTimeoutMs, handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false });
    const version = browser.version();
    await browser.close();
    report.add({ ...base, severity: 'ok', description: `${executablePath} (Chromium ${version}) started headless and closed in ${Math.round(performance.now() - started)} ms.` });
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0];
    report.add({ ...base, severity: 'critical', description: `${executablePath} did not start: ${reason}`, recommendation: `${INSTALL} In a container, check that its shared libraries are installed (\`ldd ${executablePath}\`).` });
  }
}
