import type { EsqlForm } from './form.js';
import { F, FAILED_LOGON, SUCCESS_LOGON, USER, and, candidates, restrict } from './form.js';
import { num } from '../../analytics/types.js';

/**
 * Narrowing: a spray needs `min_users` distinct users failing from one address inside the read
 * span. The distinct count is exact — two STATS in a row (one row per address and user, then a
 * count per address) — because COUNT_DISTINCT is an approximation (HyperLogLog++).
 */
const FAILED_FROM_IP = and(FAILED_LOGON, `${F('src_ip')} IS NOT NULL`);

export const form: EsqlForm = {
  id: 'password_spray',
  async reads(p, win, cx) {
    const ips = await candidates(cx, {
      where: FAILED_FROM_IP,
      from: win.contextFrom,
      to: win.to,
      key: F('src_ip'),
      stats: `EVAL u = ${USER}\n| STATS BY k, u\n| STATS users = COUNT(*) BY k`,
      having: `users >= ${num(p, 'min_users')}`,
    });
    return [
      { where: restrict(FAILED_FROM_IP, F('src_ip'), ips), from: win.contextFrom, to: win.to },
      { where: restrict(SUCCESS_LOGON, F('src_ip'), ips), from: win.contextFrom, to: win.to },
    ];
  },
};
