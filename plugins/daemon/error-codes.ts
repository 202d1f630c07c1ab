/** The error codes the daemon plugin raises (docs/errors.md lists every code). */
import { defineErrors } from '../../sdk/core/index.ts';

export const daemonErrors = defineErrors('daemon', {
  MOLT_ERR_DAEMON_USER_BUS: {
    title: 'No systemd user session to install the service into',
    fix: 'Run `loginctl enable-linger $USER` (once, as a user allowed to; it starts your user manager at boot), then log in again (ssh or a console login, not `su`/`sudo -u`) and retry; or run `moltbot gateway` under another supervisor.',
  },
  MOLT_ERR_DAEMON_INSTALL: {
    title: 'The service manager refused to install the gateway service',
    fix: 'Read the service manager\'s message above, fix its cause and run `moltbot daemon install` again; nothing was left installed.',
  },
});
