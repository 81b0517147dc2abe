import type { DuckDb } from '../../store/duckdb/db.js';

/**
 * SQL shared by the analytics: macros (DuckDB has no haversine) and the expressions every analytic
 * uses the same way. Temp macros live on the connection, so `ensureMacros` runs before each run.
 */
const MACROS = [
  // Great-circle distance in km on the mean Earth radius (IUGG 6371.0088 km).
  `CREATE OR REPLACE TEMP MACRO idt_haversine_km(lat1, lon1, lat2, lon2) AS
     2 * 6371.0088 * asin(least(1.0, sqrt(
       pow(sin(radians(lat2 - lat1) / 2), 2)
       + cos(radians(lat1)) * cos(radians(lat2)) * pow(sin(radians(lon2 - lon1) / 2), 2))))`,
  // The person an event is about. For sign-in, MFA and session events that is the actor (the user
  // signing in); for changes made by an admin it is the target user. Logins are case-insensitive
  // in every IdP we read, so they are compared lower-cased.
  `CREATE OR REPLACE TEMP MACRO idt_user(event_class, actor_name, actor_type, target_user_name) AS
     lower(CASE
       WHEN event_class IN ('authentication', 'mfa', 'session')
            AND actor_name IS NOT NULL AND actor_name <> ''
            AND coalesce(lower(actor_type), 'user') IN ('user', 'person', 'account', '')
         THEN actor_name
       ELSE coalesce(nullif(target_user_name, ''), actor_name)
     END)`,
  // An IPv4 address as a number (NULL for IPv6 or junk), for range checks.
  `CREATE OR REPLACE TEMP MACRO idt_ipv4_num(ip) AS
     CASE WHEN regexp_full_match(ip, '\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}') THEN
       (CAST(split_part(ip, '.', 1) AS BIGINT) * 16777216 + CAST(split_part(ip, '.', 2) AS BIGINT) * 65536
        + CAST(split_part(ip, '.', 3) AS BIGINT) * 256 + CAST(split_part(ip, '.', 4) AS BIGINT))
     END`,
  // RFC 1918 / loopback / CGNAT / link-local: no meaningful geolocation.
  `CREATE OR REPLACE TEMP MACRO idt_is_private_ip(ip) AS
     coalesce(
       idt_ipv4_num(ip) BETWEEN 167772160 AND 184549375        -- 10.0.0.0/8
       OR idt_ipv4_num(ip) BETWEEN 2886729728 AND 2887778303   -- 172.16.0.0/12
       OR idt_ipv4_num(ip) BETWEEN 3232235520 AND 3232301055   -- 192.168.0.0/16
       OR idt_ipv4_num(ip) BETWEEN 2130706432 AND 2147483647   -- 127.0.0.0/8
       OR idt_ipv4_num(ip) BETWEEN 1681915904 AND 1686110207   -- 100.64.0.0/10
       OR idt_ipv4_num(ip) BETWEEN 2851995648 AND 2852061183   -- 169.254.0.0/16
       OR lower(ip) LIKE 'fe80:%' OR lower(ip) LIKE 'fc%:%' OR lower(ip) LIKE 'fd%:%' OR ip = '::1',
       false)`,
];

export async function ensureMacros(db: DuckDb): Promise<void> {
  for (const m of MACROS) await db.run(m);
}

/** The subject user of an `identity_events` row (alias `e`). */
export const USER = `idt_user(e.event_class, e.actor_name, e.actor_type, e.target_user_name)`;

/** A successful interactive sign-in: the event impossible travel and dormancy reason about. */
export const INTERACTIVE_SUCCESS = `e.action = 'logon' AND e.outcome = 'success' AND coalesce(e.is_interactive, true)`;

/** Any successful sign-in, interactive or not (token refreshes are not sign-ins). */
export const ANY_SUCCESS_LOGON = `e.action = 'logon' AND e.outcome = 'success'`;

export const ts = (d: Date): string => d.toISOString().replace('T', ' ').replace('Z', '');
