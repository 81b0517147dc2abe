import { oktaNormalizer } from './okta.js';
import { entraAuditNormalizer, entraProvisioningNormalizer, entraSigninNormalizer } from './entra.js';
import { googleWorkspaceAdminNormalizer, googleWorkspaceNormalizer, googleWorkspaceTokenNormalizer } from './google_workspace.js';
import { awsNormalizer } from './aws.js';
import type { Normalizer } from './mapping.js';

/** Raw stream → its normalizer. Streams without one (raw-only) are stored but not normalized. */
export const NORMALIZERS: Record<string, Normalizer> = Object.fromEntries(
  [
    oktaNormalizer,
    entraSigninNormalizer,
    entraAuditNormalizer,
    entraProvisioningNormalizer,
    googleWorkspaceNormalizer,
    googleWorkspaceAdminNormalizer,
    googleWorkspaceTokenNormalizer,
    awsNormalizer,
  ].map((n) => [n.stream, n]),
);

export function normalizerFor(stream: string): Normalizer | undefined {
  return NORMALIZERS[stream];
}
