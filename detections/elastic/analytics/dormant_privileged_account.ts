import type { EsqlForm } from './form.js';
import { F, SUCCESS_LOGON, and, is } from './form.js';
import { lit } from '../esql.js';

/**
 * Every successful sign-in up to the window end (the last sign-in of a privileged account may be
 * years old), factor enrolments up to the window end (the analytic walks each user's history in
 * order), and the earliest event of each source (how far back
 * the store's coverage goes, found with STATS MIN(@timestamp) BY source in the cluster). Role
 * holders come from the directory tables.
 */
export const form: EsqlForm = {
  id: 'dormant_privileged_account',
  async reads(_p, win, cx) {
    const firsts = await cx.query([`FROM ${cx.index}`, `| STATS t = MIN(@timestamp) BY ${F('source')}`, `| SORT ${F('source')}`, '| LIMIT 1000'].join('\n'));
    return [
      { where: SUCCESS_LOGON, from: null, to: win.to },
      { where: and(is('action', 'factor_enroll'), is('outcome', 'success')), from: null, to: win.to },
      ...firsts
        .filter((r) => r.t !== null && r[F('source')] !== null)
        .map((r) => ({ where: `${F('source')} == ${lit(String(r[F('source')]))}`, from: new Date(String(r.t)), to: new Date(String(r.t)) })),
    ];
  },
};
