import { createHash } from 'node:crypto';
import type { AlertEntity } from './model.js';

/**
 * The stable alert id: SHA-256 over rule id, entity and time bucket (or correlation group key),
 * cut to 128 bits and written as 32 hex characters. Re-running a detection over the same window
 * yields the same id, so the store updates the alert instead of creating a second one, and SIEM
 * receivers deduplicate on it. 32 characters also fit CEF's `externalId` (40 characters at most).
 */
export function stableAlertId(ruleId: string, entity: AlertEntity, bucket: string | number): string {
  const key = JSON.stringify([ruleId, entity.user ?? null, entity.ip ?? null, entity.app ?? null, String(bucket)]);
  return createHash('sha256').update(key, 'utf8').digest('hex').slice(0, 32);
}
