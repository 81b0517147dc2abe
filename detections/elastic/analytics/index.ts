import type { EsqlForm } from './form.js';
import { form as impossible_travel } from './impossible_travel.js';
import { form as mfa_fatigue } from './mfa_fatigue.js';
import { form as risky_oauth_consent } from './risky_oauth_consent.js';
import { form as dormant_privileged_account } from './dormant_privileged_account.js';
import { form as password_spray } from './password_spray.js';
import { form as brute_force } from './brute_force.js';
import { form as legacy_auth_success } from './legacy_auth_success.js';
import { form as mfa_method_reset_then_used_from_new_place } from './mfa_method_reset_then_used_from_new_place.js';
import { form as admin_role_outside_pim } from './admin_role_outside_pim.js';
import { form as break_glass_signin } from './break_glass_signin.js';
import { form as terminated_user_signin } from './terminated_user_signin.js';
import { form as session_replay } from './session_replay.js';
import { form as support_impersonation } from './support_impersonation.js';
import { form as new_federated_domain_or_idp } from './new_federated_domain_or_idp.js';
import { form as service_principal_credential_added } from './service_principal_credential_added.js';
import { form as idp_risk_passthrough } from './idp_risk_passthrough.js';

/** The ES|QL form of every built-in analytic, keyed by the analytic's id. */
export const ESQL_FORMS: Record<string, EsqlForm> = {
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
