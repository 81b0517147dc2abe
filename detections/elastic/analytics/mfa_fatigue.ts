import type { EsqlForm } from './form.js';
import { USER, and, candidates, is, isIn, or, restrict } from './form.js';
import { num } from '../../analytics/types.js';

/**
 * Denial-like events (a superset: every MFA denial, every failed MFA verification or challenge and
 * every failed sign-in; the exact wording test runs after). Narrowing: a burst needs `min_denials`
 * of them for one user, so only such users are read, with their MFA approvals and MFA-satisfied
 * sign-ins (the acceptance after a burst).
 */
const DENIAL_LIKE = or(is('action', 'mfa_deny'), and(isIn('action', ['mfa_verify', 'mfa_challenge', 'logon']), is('outcome', 'failure')));
const ACCEPT = and(isIn('action', ['mfa_verify', 'logon']), is('outcome', 'success'));

export const form: EsqlForm = {
  id: 'mfa_fatigue',
  async reads(p, win, cx) {
    const users = await candidates(cx, {
      where: DENIAL_LIKE,
      from: win.contextFrom,
      to: win.to,
      key: USER,
      stats: 'STATS n = COUNT(*) BY k',
      having: `n >= ${num(p, 'min_denials')}`,
    });
    return [
      { where: restrict(DENIAL_LIKE, USER, users), from: win.contextFrom, to: win.to },
      { where: restrict(ACCEPT, USER, users), from: win.contextFrom, to: win.to },
    ];
  },
};
