import type { EsqlForm } from './form.js';
import { and, is } from './form.js';

/**
 * Every successful consent grant, unbounded in time: an alert goes to the first consent of a user
 * to an app ever seen, and one consent writes several audit events under one correlation id, the
 * preferred one of which may come later. The vendor records of these events are read too (the
 * client ids the normalized row does not carry).
 */
export const form: EsqlForm = {
  id: 'risky_oauth_consent',
  rawRecords: true,
  async reads() {
    return [{ where: and(is('action', 'consent_grant'), is('outcome', 'success')), from: null, to: null }];
  },
};
