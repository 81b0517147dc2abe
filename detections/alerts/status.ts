import { IdtrailError } from '../../lib/errors.js';
import { ALERT_RESOLUTIONS, type AlertResolution, type AlertStatus } from './model.js';

/**
 * The triage lifecycle: new → acknowledged → closed, or new → closed directly. Closing needs a
 * resolution; a closed alert stays closed (a new occurrence after the bucket raises a new alert).
 */
const ALLOWED: Record<AlertStatus, readonly AlertStatus[]> = {
  new: ['acknowledged', 'closed'],
  acknowledged: ['closed'],
  closed: [],
};

export function checkTransition(
  alertId: string,
  from: AlertStatus,
  to: AlertStatus,
  resolution: AlertResolution | null,
): IdtrailError | null {
  if (from === to) {
    return new IdtrailError('input_invalid', `alert ${alertId} is already ${from}`, {
      hint: from === 'closed' ? 'a closed alert cannot be changed' : 'nothing to do',
    });
  }
  if (!ALLOWED[from].includes(to)) {
    const allowed = ALLOWED[from];
    return new IdtrailError('input_invalid', `alert ${alertId} cannot go from ${from} to ${to}`, {
      hint: allowed.length ? `from ${from} it can only become ${allowed.join(' or ')}` : `a ${from} alert cannot be changed`,
    });
  }
  if (to === 'closed') {
    if (!resolution) {
      return new IdtrailError('usage', `closing alert ${alertId} needs a resolution`, {
        hint: `pass --resolution ${ALERT_RESOLUTIONS.join('|')}`,
      });
    }
    if (!ALERT_RESOLUTIONS.includes(resolution)) {
      return new IdtrailError('usage', `unknown resolution ${JSON.stringify(resolution)}`, {
        hint: `use one of ${ALERT_RESOLUTIONS.join(', ')}`,
      });
    }
  } else if (resolution) {
    return new IdtrailError('usage', `a resolution is only recorded when an alert is closed (got ${resolution} for ${to})`);
  }
  return null;
}
