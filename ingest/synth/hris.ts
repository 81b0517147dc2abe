/**
 * The Workday-style worker history export: one row per worker version (hire, job change,
 * termination, rehire), dates as YYYY-MM-DD and timestamps as ISO-8601 UTC.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Ctx } from './ctx.js';
import { csvLine } from './csv.js';
import type { Person } from './population.js';
import { DAY, HOUR, isoSec, ymd } from './time.js';

export const HRIS_HEADER = ['Employee_ID', 'Worker_Type', 'Legal_Name', 'Work_Email', 'Worker_Status', 'Hire_Date', 'Termination_Date', 'Termination_Entered_On', 'Manager_Employee_ID', 'Supervisory_Organization', 'Business_Title', 'Location', 'Last_Updated'];

export function writeHris(ctx: Ctx, outDir: string): { file: string; rows: number } {
  const rows: { t: number; cells: string[] }[] = [];
  const row = (p: Person, o: { status: string; hire: number; term?: number; entered?: number; dept: string; title: string; updated: number }) =>
    rows.push({
      t: o.updated,
      cells: [p.employeeId, p.kind === 'contractor' ? 'Contingent Worker' : 'Employee', p.displayName, p.login, o.status, ymd(o.hire), o.term !== undefined ? ymd(o.term) : '', o.entered !== undefined ? isoSec(o.entered) : '', p.managerId, o.dept, o.title, p.city.name, isoSec(o.updated)],
    });
  for (const p of ctx.pop.humans) {
    if (p.rehireOf) {
      row(p, { status: 'Active', hire: p.rehireOf.hire, dept: p.dept, title: p.title, updated: p.rehireOf.hire - 10 * DAY });
      row(p, { status: 'Terminated', hire: p.rehireOf.hire, term: p.rehireOf.termination, entered: p.rehireOf.enteredAt, dept: p.dept, title: p.title, updated: p.rehireOf.enteredAt });
      row(p, { status: 'Active', hire: p.hire, dept: p.dept, title: p.title, updated: p.hire - 6 * DAY + 10 * HOUR });
      continue;
    }
    const entered = p.joiner ? p.created - 2 * DAY : Math.min(p.created, p.hire) - 7 * DAY;
    const dept0 = p.mover ? p.mover.fromDept : p.dept;
    const title0 = p.mover ? p.mover.fromTitle : p.title;
    row(p, { status: 'Active', hire: p.hire, dept: dept0, title: title0, updated: entered });
    if (p.hrStatus === 'Leave of Absence') row(p, { status: 'Leave of Absence', hire: p.hire, dept: dept0, title: title0, updated: p.lastSignInBefore + DAY });
    if (p.mover) row(p, { status: 'Active', hire: p.hire, dept: p.dept, title: p.title, updated: p.mover.at + 8 * HOUR });
    if (p.termination && p.termination.enteredAt < ctx.win.end) {
      row(p, { status: 'Terminated', hire: p.hire, term: p.termination.date, entered: p.termination.enteredAt, dept: p.dept, title: p.title, updated: p.termination.enteredAt });
    }
  }
  rows.sort((a, b) => a.t - b.t || (a.cells[0] < b.cells[0] ? -1 : a.cells[0] > b.cells[0] ? 1 : 0));
  const file = path.join(outDir, 'hris', 'workers.csv');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, csvLine(HRIS_HEADER) + rows.map((r) => csvLine(r.cells)).join(''));
  return { file: 'hris/workers.csv', rows: rows.length };
}
