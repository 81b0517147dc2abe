import type { EsqlForm } from './form.js';
import { F, SUCCESS_LOGON, and, daysBefore } from './form.js';

/**
 * Events that carry a session id and a source address and did not fail, over the context span,
 * and successful sign-ins with an address over the 30 days before the window end (shared egress
 * addresses are counted over every user, so there is no narrowing).
 */
export const form: EsqlForm = {
  id: 'session_replay',
  async reads(_p, win) {
    return [
      { where: and(`${F('session_id')} IS NOT NULL`, `${F('src_ip')} IS NOT NULL`, `${F('outcome')} != "failure"`), from: win.contextFrom, to: win.to },
      { where: and(SUCCESS_LOGON, `${F('src_ip')} IS NOT NULL`), from: daysBefore(win.to, 30), to: win.to },
    ];
  },
};
