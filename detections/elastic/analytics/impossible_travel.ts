import type { EsqlForm } from './form.js';
import { INTERACTIVE, SUCCESS_LOGON, and, daysBefore, minDate } from './form.js';
import { num } from '../../analytics/types.js';

/**
 * Successful interactive sign-ins over the context span, the familiar-places span before it and
 * the shared-egress span before the window end. No narrowing: shared egress addresses are counted
 * over every user, and the hop itself (consecutive sign-ins, haversine distance over elapsed time,
 * bordering countries, carriers) is computed after, over these rows.
 */
export const form: EsqlForm = {
  id: 'impossible_travel',
  async reads(p, win) {
    const from = minDate(daysBefore(win.contextFrom, num(p, 'familiar_days')), daysBefore(win.to, num(p, 'shared_egress_days')));
    return [{ where: and(SUCCESS_LOGON, INTERACTIVE), from, to: win.to }];
  },
};
