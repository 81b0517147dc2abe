import type { EsqlForm } from './form.js';
import { and, is } from './form.js';

/** Successful grants of a role; whether it is an admin role and who granted it is decided after. */
export const form: EsqlForm = {
  id: 'admin_role_outside_pim',
  async reads(_p, win) {
    return [{ where: and(is('action', 'role_grant'), is('outcome', 'success')), from: win.from, to: win.to }];
  },
};
