import type { EsqlForm } from './form.js';
import { F, and, is } from './form.js';

/** Impersonation events that did not fail. */
export const form: EsqlForm = {
  id: 'support_impersonation',
  async reads(_p, win) {
    return [{ where: and(is('action', 'impersonation'), `${F('outcome')} != "failure"`), from: win.from, to: win.to }];
  },
};
