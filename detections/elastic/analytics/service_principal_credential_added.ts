import type { EsqlForm } from './form.js';
import { and, dayStart, is } from './form.js';

/** Successful credential additions to applications, over the UTC days the window touches. */
export const form: EsqlForm = {
  id: 'service_principal_credential_added',
  async reads(_p, win) {
    return [{ where: and(is('action', 'app_credential_add'), is('outcome', 'success')), from: dayStart(win.from), to: win.to }];
  },
};
