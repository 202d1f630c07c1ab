/** The error codes the tools-browser plugin raises (docs/errors.md lists every code). */
import { defineErrors } from '../../sdk/core/index.ts';

export const browserErrors = defineErrors('tools-browser', {
  MOLT_ERR_TOOL_BROWSER_BUSY: {
    title: 'Too many browsers open',
    fix: 'tools.browser.maxInstances browsers are open; close one (browser action "close") or wait for an idle one to be closed (tools.browser.idleTtlMs).',
  },
  MOLT_ERR_TOOL_BROWSER_BLOCKED: {
    title: 'Destination blocked by the browser egress policy',
    fix: 'Private, loopback, link-local and metadata addresses and the gateway port are blocked; add the exact host[:port] to tools.browser.allowedHosts if the page must be reached (the gateway port stays blocked).',
  },
  MOLT_ERR_TOOL_BROWSER_TIMEOUT: {
    title: 'Browser action timed out',
    fix: 'The page did not answer within tools.browser.timeout; retry, or raise the timeout.',
  },
  MOLT_ERR_TOOL_BROWSER_CRASHED: {
    title: 'The browser process ended during the action',
    fix: 'Chromium crashed or was killed; the session\'s browser was discarded and the next call starts a new one.',
  },
  MOLT_ERR_TOOL_BROWSER_MEMORY: {
    title: 'Browser page over its memory limit',
    fix: 'The page\'s renderer used more than tools.browser.memoryLimit MB and was closed; open a lighter page or raise the limit.',
  },
  MOLT_ERR_TOOL_BROWSER_UNKNOWN_REF: {
    title: 'Element ref not in the latest snapshot',
    fix: 'Take a new snapshot (action "snapshot") and use a ref from it.',
  },
  MOLT_ERR_TOOL_BROWSER_NOT_OPEN: {
    title: 'No browser open for this session',
    fix: 'Call the browser tool with action "open" and a url first.',
  },
  MOLT_ERR_TOOL_BROWSER_LAUNCH: {
    title: 'Chromium could not be started',
    fix: 'Install Chromium (apt-get install chromium) or set tools.browser.executablePath; run `moltbot doctor` for details.',
  },
});
