import type { EsqlForm } from './form.js';
import { and, dayStart, isIn, minDate, is } from './form.js';

/** Sign-ins, successful or failed, of the UTC days the window touches; the account match is made after (directory table). */
export const form: EsqlForm = {
  id: 'break_glass_signin',
  async reads(_p, win) {
    return [{ where: and(is('action', 'logon'), isIn('outcome', ['success', 'failure'])), from: minDate(dayStart(win.from), win.contextFrom), to: win.to }];
  },
};
