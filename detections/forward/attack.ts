/**
 * MITRE ATT&CK (Enterprise) names and references for the tactics and the identity/cloud techniques
 * our detections carry, so that ECS `threat.*`, OCSF `attacks[]` and CEF carry names and links and not
 * only ids. An id missing from the table still forwards, with its id as its name.
 * Source: https://attack.mitre.org/ (Enterprise matrix, v15+ names).
 */
export interface AttackRef {
  id: string;
  name: string;
  reference: string;
}

const TACTICS: Record<string, [id: string, name: string]> = {
  reconnaissance: ['TA0043', 'Reconnaissance'],
  resource_development: ['TA0042', 'Resource Development'],
  initial_access: ['TA0001', 'Initial Access'],
  execution: ['TA0002', 'Execution'],
  persistence: ['TA0003', 'Persistence'],
  privilege_escalation: ['TA0004', 'Privilege Escalation'],
  defense_evasion: ['TA0005', 'Defense Evasion'],
  credential_access: ['TA0006', 'Credential Access'],
  discovery: ['TA0007', 'Discovery'],
  lateral_movement: ['TA0008', 'Lateral Movement'],
  collection: ['TA0009', 'Collection'],
  command_and_control: ['TA0011', 'Command and Control'],
  exfiltration: ['TA0010', 'Exfiltration'],
  impact: ['TA0040', 'Impact'],
};

const TECHNIQUES: Record<string, string> = {
  T1059: 'Command and Scripting Interpreter',
  'T1059.009': 'Cloud API',
  T1069: 'Permission Groups Discovery',
  'T1069.003': 'Cloud Groups',
  T1078: 'Valid Accounts',
  'T1078.001': 'Default Accounts',
  'T1078.002': 'Domain Accounts',
  'T1078.003': 'Local Accounts',
  'T1078.004': 'Cloud Accounts',
  T1087: 'Account Discovery',
  'T1087.004': 'Cloud Account',
  T1090: 'Proxy',
  'T1090.003': 'Multi-hop Proxy',
  T1098: 'Account Manipulation',
  'T1098.001': 'Additional Cloud Credentials',
  'T1098.002': 'Additional Email Delegate Permissions',
  'T1098.003': 'Additional Cloud Roles',
  'T1098.005': 'Device Registration',
  T1110: 'Brute Force',
  'T1110.001': 'Password Guessing',
  'T1110.002': 'Password Cracking',
  'T1110.003': 'Password Spraying',
  'T1110.004': 'Credential Stuffing',
  T1111: 'Multi-Factor Authentication Interception',
  T1114: 'Email Collection',
  'T1114.002': 'Remote Email Collection',
  'T1114.003': 'Email Forwarding Rule',
  T1133: 'External Remote Services',
  T1136: 'Create Account',
  'T1136.003': 'Cloud Account',
  T1199: 'Trusted Relationship',
  T1213: 'Data from Information Repositories',
  T1484: 'Domain or Tenant Policy Modification',
  'T1484.002': 'Trust Modification',
  T1526: 'Cloud Service Discovery',
  T1528: 'Steal Application Access Token',
  T1530: 'Data from Cloud Storage',
  T1531: 'Account Access Removal',
  T1537: 'Transfer Data to Cloud Account',
  T1538: 'Cloud Service Dashboard',
  T1539: 'Steal Web Session Cookie',
  T1548: 'Abuse Elevation Control Mechanism',
  'T1548.005': 'Temporary Elevated Cloud Access',
  T1550: 'Use Alternate Authentication Material',
  'T1550.001': 'Application Access Token',
  'T1550.004': 'Web Session Cookie',
  T1552: 'Unsecured Credentials',
  'T1552.001': 'Credentials In Files',
  T1556: 'Modify Authentication Process',
  'T1556.006': 'Multi-Factor Authentication',
  'T1556.007': 'Hybrid Identity',
  'T1556.009': 'Conditional Access Policies',
  T1562: 'Impair Defenses',
  'T1562.001': 'Disable or Modify Tools',
  'T1562.008': 'Disable or Modify Cloud Logs',
  T1564: 'Hide Artifacts',
  'T1564.008': 'Email Hiding Rules',
  T1566: 'Phishing',
  'T1566.002': 'Spearphishing Link',
  T1585: 'Establish Accounts',
  T1586: 'Compromise Accounts',
  'T1586.003': 'Cloud Accounts',
  T1606: 'Forge Web Credentials',
  'T1606.002': 'SAML Tokens',
  T1621: 'Multi-Factor Authentication Request Generation',
};

const TACTIC_BY_ID = new Map(Object.values(TACTICS).map(([id, name]) => [id, name]));

/** Accepts `credential_access`, `credential-access`, `Credential Access`, `attack.credential_access` or `TA0006`. */
export function tactic(value: string): AttackRef | null {
  const v = value.trim().replace(/^attack\./i, '');
  const upper = v.toUpperCase();
  if (/^TA\d{4}$/.test(upper)) {
    const name = TACTIC_BY_ID.get(upper);
    return { id: upper, name: name ?? upper, reference: `https://attack.mitre.org/tactics/${upper}/` };
  }
  const key = v.toLowerCase().replace(/[\s-]+/g, '_');
  const hit = TACTICS[key];
  return hit ? { id: hit[0], name: hit[1], reference: `https://attack.mitre.org/tactics/${hit[0]}/` } : null;
}

/** Accepts `T1078.004`, `t1078.004` or `attack.t1078.004`; null when it is not a technique id. */
export function technique(value: string): AttackRef | null {
  const id = value.trim().replace(/^attack\./i, '').toUpperCase();
  const m = /^T(\d{4})(?:\.(\d{3}))?$/.exec(id);
  if (!m) return null;
  return {
    id,
    name: TECHNIQUES[id] ?? id,
    reference: `https://attack.mitre.org/techniques/T${m[1]}/${m[2] ? `${m[2]}/` : ''}`,
  };
}

export function parentTechnique(t: AttackRef): AttackRef | null {
  const dot = t.id.indexOf('.');
  return dot < 0 ? null : technique(t.id.slice(0, dot));
}

export function tactics(values: string[]): AttackRef[] {
  return dedupe(values.map(tactic).filter((t): t is AttackRef => t !== null));
}

export function techniques(values: string[]): AttackRef[] {
  return dedupe(values.map(technique).filter((t): t is AttackRef => t !== null));
}

function dedupe(list: AttackRef[]): AttackRef[] {
  const seen = new Set<string>();
  return list.filter((r) => (seen.has(r.id) ? false : (seen.add(r.id), true)));
}
