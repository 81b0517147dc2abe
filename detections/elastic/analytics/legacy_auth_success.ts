import type { EsqlForm } from './form.js';
import { SUCCESS_LOGON, dayStart } from './form.js';

/** Successful sign-ins of the UTC days the window touches; the legacy-protocol test is made after. */
export const form: EsqlForm = {
  id: 'legacy_auth_success',
  async reads(_p, win) {
    return [{ where: SUCCESS_LOGON, from: dayStart(win.from), to: win.to }];
  },
};
