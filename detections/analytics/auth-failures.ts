/**
 * A failed password sign-in: a `logon` failure that is neither an interrupt (Entra 50074/50076
 * "MFA required", 50140 KMSI, 50058 session info — `is_interrupt`) nor an MFA denial. These are the
 * events brute force and password spray count.
 */
export const PASSWORD_FAILURE = `(
  e.action = 'logon' AND e.outcome = 'failure' AND NOT coalesce(e.is_interrupt, false)
  AND coalesce(e.status_code, '') NOT IN ('50074', '50076', '50079', '50140', '50058', '500121', '50158', '50072')
  AND NOT regexp_matches(lower(coalesce(e.outcome_reason, '')), '(mfa|multi-factor|strong authentication|push|verify)')
)`;
