/** Reads a generated demo data folder back into indexed vendor events (for the tests). */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import type { Labels } from '../../ingest/synth/index.js';

export type Json = Record<string, any>;

export interface DemoData {
  dir: string;
  labels: Labels;
  okta: Json[];
  signIns: Json[];
  audits: Json[];
  provisioning: Json[];
  workspace: Json[];
  cloudtrail: Json[];
  byId: Map<string, { source: string; event: Json }>;
  inventory: Record<string, any>;
  hris: Record<string, string>[];
  csv: (rel: string) => { header: string[]; rows: Record<string, string>[] };
}

export function ndjson(file: string): Json[] {
  return fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.length > 0).map((l) => JSON.parse(l) as Json);
}

export function parseCsv(text: string): { header: string[]; rows: Record<string, string>[] } {
  const lines: string[][] = [];
  let cur: string[] = [];
  let cell = '';
  let q = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (q) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (c === '"') q = false; else cell += c;
    } else if (c === '"') q = true;
    else if (c === ',') { cur.push(cell); cell = ''; }
    else if (c === '\n') { cur.push(cell); lines.push(cur); cur = []; cell = ''; }
    else cell += c;
  }
  if (cell || cur.length) { cur.push(cell); lines.push(cur); }
  const [header, ...body] = lines;
  return { header, rows: body.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? '']))) };
}

export function loadDemo(dir: string): DemoData {
  const okta = ndjson(path.join(dir, 'okta/system_log.ndjson'));
  const signIns = ndjson(path.join(dir, 'entra/signins.ndjson'));
  const audits = ndjson(path.join(dir, 'entra/directory_audits.ndjson'));
  const provisioning = ndjson(path.join(dir, 'entra/provisioning.ndjson'));
  const workspace = ndjson(path.join(dir, 'google_workspace/activities.ndjson'));
  const ctDir = path.join(dir, 'aws/cloudtrail');
  const cloudtrail = fs.readdirSync(ctDir).sort().flatMap((f) => (JSON.parse(zlib.gunzipSync(fs.readFileSync(path.join(ctDir, f))).toString('utf8')) as { Records: Json[] }).Records);
  const byId = new Map<string, { source: string; event: Json }>();
  for (const e of okta) byId.set(e.uuid, { source: 'okta', event: e });
  for (const e of signIns) byId.set(e.id, { source: 'entra_signin', event: e });
  for (const e of audits) byId.set(e.id, { source: 'entra_audit', event: e });
  for (const e of provisioning) byId.set(e.id, { source: 'entra_provisioning', event: e });
  for (const e of workspace) byId.set(e.id.uniqueQualifier, { source: 'google_workspace', event: e });
  for (const e of cloudtrail) byId.set(e.eventID, { source: 'aws', event: e });
  const inv = (n: string) => JSON.parse(fs.readFileSync(path.join(dir, 'inventory', n), 'utf8'));
  const inventory = {
    oktaUsers: inv('okta_users.json'), oktaFactors: inv('okta_factors.json'), oktaRoles: inv('okta_admin_roles.json'), graphUsers: inv('graph_users.json'),
    registration: inv('graph_user_registration_details.json'), roleAssignments: inv('graph_role_assignments.json'), eligibility: inv('graph_role_eligibility_schedules.json'),
    instances: inv('graph_role_assignment_schedule_instances.json'), snapshot: inv('snapshot.json'),
  };
  const csv = (rel: string) => parseCsv(fs.readFileSync(path.join(dir, rel), 'utf8'));
  return {
    dir, labels: JSON.parse(fs.readFileSync(path.join(dir, 'labels.json'), 'utf8')) as Labels,
    okta, signIns, audits, provisioning, workspace, cloudtrail, byId, inventory, hris: csv('hris/workers.csv').rows, csv,
  };
}

export function km(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const rad = Math.PI / 180;
  const a = Math.sin(((lat2 - lat1) * rad) / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(((lon2 - lon1) * rad) / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.sqrt(a));
}

/** Where and when a sign-in happened, from the vendor's own fields. */
export function signInPoint(src: string, e: Json): { t: number; lat: number; lon: number; ip: string; country: string; asn: number; user: string; success: boolean; interactive: boolean } {
  if (src === 'okta') {
    const g = e.client.geographicalContext;
    return { t: Date.parse(e.published), lat: g.geolocation.lat, lon: g.geolocation.lon, ip: e.client.ipAddress, country: g.country, asn: e.securityContext.asNumber, user: e.actor.alternateId, success: e.outcome.result === 'SUCCESS', interactive: e.eventType === 'user.session.start' };
  }
  if (src === 'entra_signin') {
    return { t: Date.parse(e.createdDateTime), lat: e.location.geoCoordinates.latitude, lon: e.location.geoCoordinates.longitude, ip: e.ipAddress, country: e.location.countryOrRegion, asn: e.autonomousSystemNumber, user: e.userPrincipalName, success: e.status.errorCode === 0, interactive: e.isInteractive };
  }
  throw new Error(`not a sign-in source: ${src}`);
}
