import type { EsqlForm } from './form.js';
import { and, is, isIn } from './form.js';

/** Successful federation and domain changes in the window. */
export const form: EsqlForm = {
  id: 'new_federated_domain_or_idp',
  async reads(_p, win) {
    return [{ where: and(is('outcome', 'success'), isIn('action', ['federation_change', 'domain_change'])), from: win.from, to: win.to }];
  },
};
