import type { EsqlForm } from './form.js';
import { F, SUCCESS_LOGON, USER, and, candidates, daysBefore, is, isIn, or, restrict } from './form.js';
import { num } from '../../analytics/types.js';

/**
 * MFA resets and removals over the context span; narrowing: only the users they concern (the
 * target user, else the actor) are candidates, and only their sign-ins and factor enrolments are
 * read — from the history span before the earliest reset to the window end.
 */
const RESET = and(isIn('action', ['factor_reset', 'factor_remove']), is('outcome', 'success'));
const RESET_USER = `TO_LOWER(COALESCE(${F('target_user_name')}, ${F('actor_name')}))`;

export const form: EsqlForm = {
  id: 'mfa_method_reset_then_used_from_new_place',
  async reads(p, win, cx) {
    const users = await candidates(cx, { where: RESET, from: win.contextFrom, to: win.to, key: RESET_USER, stats: 'STATS n = COUNT(*) BY k', having: 'n > 0' });
    const use = or(SUCCESS_LOGON, and(is('action', 'factor_enroll'), is('outcome', 'success')));
    return [
      { where: RESET, from: win.contextFrom, to: win.to },
      { where: restrict(use, USER, users), from: daysBefore(win.contextFrom, num(p, 'history_days')), to: win.to },
    ];
  },
};
