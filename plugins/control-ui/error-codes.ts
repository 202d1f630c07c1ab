/** The error codes the control-ui plugin raises (docs/errors.md lists every code). */
import { defineErrors } from '../../sdk/core/index.ts';

export const controlUiErrors = defineErrors('control-ui', {
  MOLT_ERR_CONTROL_UI_ASSETS: {
    title: 'The control UI assets are missing',
    fix: 'Reinstall the package (ui/built ships with it), run `npm run build:ui` in a source checkout, or set gateway.controlUi.enabled to false.',
  },
});
