/**
 * The workforce: people with HR records (employees and contingent workers), their managers,
 * homes, devices, MFA methods and admin roles; plus the accounts without an HR record (service
 * accounts, break-glass accounts, orphans) and one person's second (admin) account.
 */
import { CITY_BY_KEY, type City, type IpInfo, officeIps, pickCity, residentialIp } from './geo.js';
import { desktopDevice, type Device, mobileDevice } from './devices.js';
import { DEPARTMENTS, DOMAIN, type EntraRoleKey, FIRST_NAMES, LAST_NAMES, type OktaRoleType, titleCase } from './org.js';
import type { Rng } from './prng.js';
import { DAY, HOUR } from './time.js';

export type MfaKind = 'push' | 'fastpass' | 'totp' | 'sms' | 'fido2' | 'passkey' | 'whfb' | 'none';
export const PHISHING_RESISTANT: ReadonlySet<MfaKind> = new Set(['fastpass', 'fido2', 'passkey', 'whfb']);

export type AccountKind = 'employee' | 'contractor' | 'service' | 'breakglass' | 'orphan' | 'secondary';
export type DisableTiming = 'ontime' | 'late' | 'never';

export interface EntraRoleGrant {
  role: EntraRoleKey;
  kind: 'permanent' | 'eligible';
  since: number;
  assignmentId: string;
  scheduleId: string;
}

export interface Person {
  idx: number;
  kind: AccountKind;
  hr: boolean;
  first: string;
  last: string;
  displayName: string;
  login: string;
  employeeId: string;
  dept: string;
  title: string;
  managerId: string;
  city: City;
  officeBased: boolean;
  homeIp: IpInfo;
  officeIp?: IpInfo;
  desktop: Device;
  mobile: Device;
  mfa: MfaKind;
  /** Has a mobile-carrier data plan that some sign-ins go through. */
  carrier: boolean;
  /** Probability that on a work day part of the session goes through the corporate VPN. */
  vpnRate: number;
  /** A legacy-protocol mail client that keeps trying (and is blocked by Conditional Access). */
  legacyClient?: string;
  engineer: boolean;
  oktaId: string;
  entraId: string;
  googleId: string;
  inOkta: boolean;
  inEntra: boolean;
  inGoogle: boolean;
  aws: boolean;
  /** When the accounts were created, and when the person was hired (start of the hire day, UTC). */
  created: number;
  hire: number;
  /** The worker's first hire when this is a rehire. */
  rehireOf?: { hire: number; termination: number; enteredAt: number };
  termination?: { date: number; enteredAt: number; timing: DisableTiming; disableAt?: number; backdated: boolean };
  mover?: { at: number; fromDept: string; fromTitle: string; groupChangeAt?: number };
  joiner: boolean;
  entraRoles: EntraRoleGrant[];
  oktaRoles: OktaRoleType[];
  /** Last successful sign-in before the window (drives inventory for the quiet accounts). */
  lastSignInBefore: number;
  /** No routine activity at all (dormant, break-glass, orphans that nobody uses). */
  quiet: boolean;
  dormant: boolean;
  /** Owner (manager) of a non-human account. */
  owner?: string;
  hrStatus: 'Active' | 'Terminated' | 'Leave of Absence';
  factorRegisteredAt: number;
  /** Time ranges without routine activity (a scenario owns the person's sign-ins then). */
  blackout?: [number, number][];
  /** Marks the person as reserved by a scenario (kept out of other scenarios' victim pools). */
  reservedFor?: string;
}

export interface Window {
  start: number;
  end: number;
  days: number;
  /** When the inventory snapshot was taken (the start of the window's last day). */
  snapshotAt: number;
}

export interface Population {
  people: Person[];
  humans: Person[];
  byLogin: Map<string, Person>;
}

function loginOf(first: string, last: string, used: Set<string>): string {
  let base = `${first}.${last}`.replace(/[^a-z.-]/g, '');
  let login = `${base}@${DOMAIN}`;
  let n = 2;
  while (used.has(login)) login = `${base}${n++}@${DOMAIN}`;
  used.add(login);
  return login;
}

function pickMfa(rng: Rng, admin: boolean): MfaKind {
  if (admin) {
    // Most admins hold a phishing-resistant method; a few still use push or TOTP.
    return rng.weighted<MfaKind>([['fido2', 30], ['passkey', 20], ['whfb', 20], ['fastpass', 12], ['push', 12], ['totp', 6]]);
  }
  return rng.weighted<MfaKind>([['push', 44], ['fastpass', 10], ['totp', 12], ['sms', 8], ['fido2', 5], ['whfb', 10], ['passkey', 8], ['none', 3]]);
}

const LEGACY_CLIENTS = ['IMAP4', 'Exchange ActiveSync', 'POP3', 'Authenticated SMTP', 'MAPI Over HTTP', 'Other clients'];

export function buildPopulation(rng: Rng, n: number, win: Window): Population {
  const used = new Set<string>();
  const people: Person[] = [];
  let empSeq = 100;
  let conSeq = 100;

  const mkBase = (idx: number, kind: AccountKind, first: string, last: string, city: City): Person => {
    const r = rng;
    const login = loginOf(first, last, used);
    const officeBased = city.office && r.chance(0.55);
    const engineer = false;
    const p: Person = {
      idx,
      kind,
      hr: kind === 'employee' || kind === 'contractor',
      first,
      last,
      displayName: `${titleCase(first)} ${titleCase(last)}`,
      login,
      employeeId: '',
      dept: '',
      title: '',
      managerId: '',
      city,
      officeBased,
      homeIp: residentialIp(r, city.key),
      officeIp: city.office ? r.pick(officeIps(city.key)) : undefined,
      desktop: desktopDevice(r, 'ACME'),
      mobile: mobileDevice(r),
      mfa: 'push',
      carrier: ['US', 'DE', 'IN', 'AU'].includes(city.iso2) && r.chance(0.25),
      vpnRate: r.chance(0.2) ? r.float(0.2, 0.6) : 0.03,
      engineer,
      oktaId: `00u${r.base62(17)}`,
      entraId: r.uuid(),
      googleId: r.digits(21),
      inOkta: true,
      inEntra: true,
      inGoogle: true,
      aws: false,
      created: win.start - r.int(60, 2400) * DAY,
      hire: 0,
      joiner: false,
      entraRoles: [],
      oktaRoles: [],
      lastSignInBefore: win.start - r.int(1, 3) * DAY,
      quiet: false,
      dormant: false,
      hrStatus: 'Active',
      factorRegisteredAt: 0,
    };
    p.hire = Math.floor((p.created + r.int(1, 6) * DAY) / DAY) * DAY;
    p.factorRegisteredAt = p.created + r.int(1, 30) * DAY;
    return p;
  };

  // Humans with HR records.
  const deptMembers = new Map<string, Person[]>();
  for (let i = 0; i < n; i++) {
    const first = rng.pick(FIRST_NAMES);
    const last = rng.pick(LAST_NAMES);
    const contractor = i > 0 && rng.chance(0.1);
    const p = mkBase(i, contractor ? 'contractor' : 'employee', first, last, pickCity(rng));
    p.employeeId = contractor ? `C${String(conSeq++).padStart(6, '0')}` : `E${String(empSeq++).padStart(6, '0')}`;
    const dept = i === 0 ? DEPARTMENTS[10] : rng.weighted(DEPARTMENTS.map((d) => [d, d.weight] as const));
    p.dept = dept.name;
    p.title = i === 0 ? 'Chief Executive Officer' : rng.pick(dept.titles);
    p.engineer = dept.engineering === true;
    p.aws = p.engineer && rng.chance(0.45);
    p.legacyClient = rng.chance(0.03) ? rng.pick(LEGACY_CLIENTS) : undefined;
    people.push(p);
    if (i > 0) {
      let list = deptMembers.get(p.dept);
      if (!list) deptMembers.set(p.dept, (list = []));
      list.push(p);
    }
  }

  // Reporting lines: a department head reports to the CEO, managers to the head, the rest to a manager.
  const ceo = people[0];
  for (const [dept, members] of deptMembers) {
    const head = members[0];
    head.title = `VP ${dept}`;
    head.managerId = ceo.employeeId;
    const managers = members.slice(1, Math.max(2, Math.ceil(members.length * 0.08)));
    for (const m of managers) {
      m.managerId = head.employeeId;
      if (!/Manager|Director/.test(m.title)) m.title = `${dept} Manager`;
    }
    for (const m of members.slice(1 + managers.length)) m.managerId = (managers.length ? rng.pick(managers) : head).employeeId;
  }

  // Administrators: IT and Security first, then engineers.
  const humans = people.slice();
  const itSec = humans.filter((p) => p.dept === 'IT' || p.dept === 'Security');
  const eng = humans.filter((p) => p.dept === 'Engineering');
  const nAdmins = Math.max(8, Math.round(n * 0.02));
  const admins = [...rng.shuffle(itSec.slice()), ...rng.shuffle(eng.slice())].filter((p) => p.kind === 'employee').slice(0, nAdmins);
  const roleKeys: EntraRoleKey[] = ['globalAdmin', 'privRoleAdmin', 'securityAdmin', 'userAdmin', 'exchangeAdmin', 'appAdmin', 'cloudAppAdmin', 'helpdeskAdmin', 'authAdmin', 'caAdmin', 'intuneAdmin', 'globalReader', 'reportsReader'];
  admins.forEach((a, k) => {
    const nRoles = rng.int(1, 3);
    const roles = new Set<EntraRoleKey>();
    roles.add(k < 3 ? 'globalAdmin' : k < 5 ? 'privRoleAdmin' : rng.pick(roleKeys.slice(2)));
    while (roles.size < nRoles) roles.add(rng.pick(roleKeys.slice(2)));
    for (const role of roles) {
      a.entraRoles.push({ role, kind: rng.chance(0.25) || k === 3 ? 'permanent' : 'eligible', since: win.start - rng.int(30, 700) * DAY, assignmentId: '', scheduleId: rng.uuid() });
    }
    a.mfa = pickMfa(rng, true);
  });
  const oktaAdmins = admins.slice(0, Math.max(6, Math.round(n * 0.005)));
  const oktaTypes: OktaRoleType[] = ['SUPER_ADMIN', 'SUPER_ADMIN', 'ORG_ADMIN', 'HELP_DESK_ADMIN', 'HELP_DESK_ADMIN', 'APP_ADMIN', 'READ_ONLY_ADMIN', 'REPORT_ADMIN', 'USER_ADMIN'];
  oktaAdmins.forEach((a, k) => a.oktaRoles.push(oktaTypes[k % oktaTypes.length]));
  for (const p of humans) if (p.entraRoles.length === 0) p.mfa = pickMfa(rng, false);

  // Non-human accounts.
  let idx = people.length;
  const owner = () => rng.pick(itSec.length ? itSec : humans).login;
  const services = ['terraform', 'jenkins', 'backup', 'scanner', 'okta-sync', 'salesforce-int', 'github-actions', 'monitoring', 'reporting', 'hr-sync', 'print', 'mailer', 'splunk', 'servicenow-int'];
  for (const s of services.slice(0, n >= 500 ? services.length : 8)) {
    const p = mkBase(idx++, 'service', 'svc', s, CITY_BY_KEY.new_york);
    used.delete(p.login);
    p.login = `svc-${s}@${DOMAIN}`;
    used.add(p.login);
    p.displayName = `svc-${s}`;
    p.dept = 'IT';
    p.title = 'Service Account';
    p.mfa = 'none';
    p.inGoogle = false;
    p.owner = owner();
    p.vpnRate = 0;
    p.carrier = false;
    p.legacyClient = undefined;
    people.push(p);
  }
  for (const k of ['01', '02']) {
    const p = mkBase(idx++, 'breakglass', 'breakglass', k, CITY_BY_KEY.berlin);
    used.delete(p.login);
    p.login = `breakglass-${k}@${DOMAIN}`;
    p.displayName = `Break Glass ${k}`;
    p.dept = 'IT';
    p.title = 'Emergency Access Account';
    p.mfa = 'fido2';
    p.inOkta = false;
    p.inGoogle = false;
    p.quiet = true;
    p.owner = itSec[0]?.login ?? humans[1].login;
    // Exercised on schedule (quarterly test), last time before the window: kept out of the window.
    p.lastSignInBefore = win.start - 12 * DAY - (k === '01' ? 0 : 2 * HOUR);
    p.entraRoles.push({ role: 'globalAdmin', kind: 'permanent', since: win.start - 600 * DAY, assignmentId: '', scheduleId: rng.uuid() });
    p.legacyClient = undefined;
    p.carrier = false;
    p.vpnRate = 0;
    people.push(p);
  }
  // Orphans: enabled accounts with no HR record (a test account, a migrated account, a vendor login).
  for (const [first, last] of [['test', 'user01'], ['temp', 'contractor'], ['migration', 'batch'], ['vendor', 'support'], ['training', 'room'], ['j', 'smith-old']].slice(0, n >= 500 ? 6 : 3)) {
    const p = mkBase(idx++, 'orphan', first, last, CITY_BY_KEY.london);
    p.dept = '';
    p.title = '';
    p.mfa = rng.chance(0.5) ? 'none' : 'push';
    p.quiet = rng.chance(0.5);
    p.lastSignInBefore = win.start - rng.int(5, 200) * DAY;
    p.legacyClient = undefined;
    p.inGoogle = rng.chance(0.5);
    people.push(p);
  }
  // One person with a second, administrative account (same employee id).
  const dual = admins[admins.length - 1];
  if (dual) {
    const p = mkBase(idx++, 'secondary', dual.first, `${dual.last}.admin`, dual.city);
    Object.assign(p, { employeeId: dual.employeeId, dept: dual.dept, title: dual.title, managerId: dual.managerId, homeIp: dual.homeIp, officeIp: dual.officeIp, officeBased: dual.officeBased, desktop: dual.desktop, mobile: dual.mobile, mfa: 'fido2', inGoogle: false, legacyClient: undefined, carrier: false, vpnRate: 0 });
    p.displayName = `${dual.displayName} (Admin)`;
    p.entraRoles.push({ role: 'userAdmin', kind: 'eligible', since: win.start - 200 * DAY, assignmentId: '', scheduleId: rng.uuid() });
    p.oktaRoles.push('HELP_DESK_ADMIN');
    people.push(p);
  }

  for (const p of people) for (const g of p.entraRoles) g.assignmentId = rng.base62(43).replace(/[^A-Za-z0-9]/g, 'x');

  const byLogin = new Map(people.map((p) => [p.login, p]));
  return { people, humans, byLogin };
}
