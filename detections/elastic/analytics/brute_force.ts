import type { EsqlForm } from './form.js';
import { FAILED_LOGON, SUCCESS_LOGON, USER, candidates, daysBefore, is, or, restrict } from './form.js';
import { num } from '../../analytics/types.js';

/**
 * Narrowing: a burst needs `min_failures` failed sign-ins of one user inside the read span, so only
 * users with that many failures, or with any lockout, are candidates (STATS … BY user in the
 * cluster). Their failures and lockouts over the context span are read, and their successful
 * sign-ins from 30 days before it (the "address used before" test and the success after a burst).
 */
const FAILURE_OR_LOCK = or(FAILED_LOGON, is('action', 'account_lock'));

export const form: EsqlForm = {
  id: 'brute_force',
  async reads(p, win, cx) {
    const users = await candidates(cx, {
      where: FAILURE_OR_LOCK,
      from: win.contextFrom,
      to: win.to,
      key: USER,
      stats: `EVAL f = CASE(${is('action', 'logon')}, 1, 0), l = CASE(${is('action', 'account_lock')}, 1, 0)\n| STATS fails = SUM(f), locks = SUM(l) BY k`,
      having: `fails >= ${num(p, 'min_failures')} OR locks > 0`,
    });
    return [
      { where: restrict(FAILURE_OR_LOCK, USER, users), from: win.contextFrom, to: win.to },
      { where: restrict(SUCCESS_LOGON, USER, users), from: daysBefore(win.contextFrom, 30), to: win.to },
    ];
  },
};
