/** Ground truth of the injected scenarios and benign look-alikes (`labels.json`). */
export type ScenarioKind =
  | 'impossible_travel'
  | 'mfa_fatigue'
  | 'password_spray'
  | 'risky_oauth_consent'
  | 'dormant_privileged_account'
  | 'terminated_user_signin'
  | 'legacy_auth_success'
  | 'admin_role_outside_pim'
  | 'break_glass_signin'
  | 'session_replay';

export type LookalikeKind = 'vpn_hop' | 'carrier_hop' | 'genuine_trip' | 'admin_consent_known_app' | 'password_typos';

export const SCENARIO_KINDS: ScenarioKind[] = [
  'impossible_travel', 'mfa_fatigue', 'password_spray', 'risky_oauth_consent', 'dormant_privileged_account',
  'terminated_user_signin', 'legacy_auth_success', 'admin_role_outside_pim', 'break_glass_signin', 'session_replay',
];
export const LOOKALIKE_KINDS: LookalikeKind[] = ['vpn_hop', 'carrier_hop', 'genuine_trip', 'admin_consent_known_app', 'password_typos'];

/** The detection each look-alike must not trigger. */
export const LOOKALIKE_DETECTION: Record<LookalikeKind, string> = {
  vpn_hop: 'impossible_travel',
  carrier_hop: 'impossible_travel',
  genuine_trip: 'impossible_travel',
  admin_consent_known_app: 'risky_oauth_consent',
  password_typos: 'brute_force',
};

export interface Label {
  id: string;
  kind: ScenarioKind | LookalikeKind;
  benign: boolean;
  detection: string;
  source: 'okta' | 'entra' | 'google_workspace' | 'aws';
  entity: { user?: string; ip?: string; app?: string };
  window: { start: string; end: string };
  native_ids: string[];
  /** What makes it what it is, in numbers (speed, counts, scopes…), for readers and tests. */
  details?: Record<string, unknown>;
}

export interface Labels {
  seed: number;
  generated_at: string;
  window: { start: string; end: string };
  scenarios: Label[];
  /** Facts about the demo organisation that detections are configured with (allowlists). */
  org: {
    okta_org: string;
    entra_tenant_id: string;
    google_customer_id: string;
    aws_account_id: string;
    snapshot_at: string;
    vpn_egress_ips: string[];
    vpn_asn: number;
    carrier_asns: number[];
    known_app_ids: string[];
    break_glass_accounts: string[];
    service_accounts: string[];
  };
}
