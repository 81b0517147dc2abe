import type { EsqlForm } from './form.js';
import { F, and, dayStart, is, or } from './form.js';
import { inList } from '../esql.js';
import { list } from '../../analytics/types.js';

/** Risk detections, and sign-ins carrying one of the configured risk levels (compared lower-cased, as the SQL does). */
export const form: EsqlForm = {
  id: 'idp_risk_passthrough',
  async reads(p, win) {
    const levels = list(p, 'risk_levels').map((s) => s.toLowerCase());
    return [{ where: or(is('action', 'risk_detected'), and(is('action', 'logon'), inList(`TO_LOWER(${F('risk_level')})`, levels))), from: dayStart(win.from), to: win.to }];
  },
};
