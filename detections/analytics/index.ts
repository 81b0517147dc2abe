import type { Analytic } from './types.js';
import { analytic as impossible_travel } from './impossible_travel.js';
import { analytic as mfa_fatigue } from './mfa_fatigue.js';
import { analytic as risky_oauth_consent } from './risky_oauth_consent.js';
import { analytic as dormant_privileged_account } from './dormant_privileged_account.js';
import { analytic as password_spray } from './password_spray.js';
import { analytic as brute_force } from './brute_force.js';
import { analytic as legacy_auth_success } from './legacy_auth_success.js';
import { analytic as mfa_method_reset_then_used_from_new_place } from './mfa_method_reset_then_used_from_new_place.js';
import { analytic as admin_role_outside_pim } from './admin_role_outside_pim.js';
import { analytic as break_glass_signin } from './break_glass_signin.js';
import { analytic as terminated_user_signin } from './terminated_user_signin.js';
import { analytic as session_replay } from './session_replay.js';
import { analytic as support_impersonation } from './support_impersonation.js';
import { analytic as new_federated_domain_or_idp } from './new_federated_domain_or_idp.js';
import { analytic as service_principal_credential_added } from './service_principal_credential_added.js';
import { analytic as idp_risk_passthrough } from './idp_risk_passthrough.js';

/** Every built-in analytic, keyed by id (= file name). */
export const ANALYTICS: Record<string, Analytic> = {
  impossible_travel,
  mfa_fatigue,
  risky_oauth_consent,
  dormant_privileged_account,
  password_spray,
  brute_force,
  legacy_auth_success,
  mfa_method_reset_then_used_from_new_place,
  admin_role_outside_pim,
  break_glass_signin,
  terminated_user_signin,
  session_replay,
  support_impersonation,
  new_federated_domain_or_idp,
  service_principal_credential_added,
  idp_risk_passthrough,
};
