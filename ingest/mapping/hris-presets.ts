import { z } from 'zod';
import { FieldSpecSchema } from './column-mapping.js';

/**
 * HRIS worker exports → `hris_workers`. Statuses are normalised to `active`, `terminated`, `leave`;
 * worker types to `employee`, `contractor`, `intern` (others kept, lower-cased).
 *
 * `managerRef`: when the manager field holds the manager's record id rather than an employee number
 * (SCIM `manager.value` is the manager's SCIM resource id; BambooHR `supervisorEId` its internal
 * id), the path of that id in each record, so the loader can translate it to the employee number.
 */
export const HRIS_COLUMNS = [
  'employee_id',
  'email',
  'display_name',
  'status',
  'worker_type',
  'hire_date',
  'termination_date',
  'termination_recorded_at',
  'manager_employee_id',
  'department',
  'job_title',
  'location',
  'updated_at',
] as const;

export type HrisColumn = (typeof HRIS_COLUMNS)[number];

export const HrisMappingSchema = z
  .object({
    name: z.string().min(1),
    fields: z.partialRecord(z.enum(HRIS_COLUMNS), FieldSpecSchema),
    managerRef: z.string().optional(),
    required: z.array(z.enum(HRIS_COLUMNS)).optional(),
  })
  .strict()
  .refine((m) => m.fields.employee_id !== undefined && m.fields.status !== undefined, {
    message: 'an HRIS mapping needs at least fields.employee_id and fields.status',
  });

export type HrisMapping = z.infer<typeof HrisMappingSchema>;

const WORKER_STATUS: Record<string, string> = {
  active: 'active',
  'active - regular': 'active',
  employed: 'active',
  hired: 'active',
  terminated: 'terminated',
  inactive: 'terminated',
  separated: 'terminated',
  retired: 'terminated',
  deceased: 'terminated',
  'leave of absence': 'leave',
  'on leave': 'leave',
  leave: 'leave',
  loa: 'leave',
  'paid leave': 'leave',
  'unpaid leave': 'leave',
  suspended: 'leave',
};

const WORKER_TYPE: Record<string, string> = {
  employee: 'employee',
  regular: 'employee',
  'full-time': 'employee',
  'part-time': 'employee',
  'full time': 'employee',
  'part time': 'employee',
  'contingent worker': 'contractor',
  contingent: 'contractor',
  contractor: 'contractor',
  contract: 'contractor',
  consultant: 'contractor',
  freelance: 'contractor',
  vendor: 'contractor',
  temporary: 'contractor',
  intern: 'intern',
  // BambooHR's employment status list mixes in states that are not a type of worker
  terminated: '',
  'leave of absence': '',
};

const SCIM_ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

export const HRIS_PRESETS: Record<string, HrisMapping> = {
  /** Workday worker history report (the columns of a custom report on Worker, one row per version). */
  workday: {
    name: 'workday',
    fields: {
      employee_id: ['Employee_ID', 'Worker_ID'],
      email: ['Work_Email', 'Email_Address'],
      display_name: ['Legal_Name', 'Preferred_Name', 'Worker'],
      status: { from: 'Worker_Status', map: WORKER_STATUS },
      worker_type: { from: 'Worker_Type', map: WORKER_TYPE, unmapped: 'keep' },
      hire_date: ['Hire_Date', 'Original_Hire_Date'],
      termination_date: 'Termination_Date',
      termination_recorded_at: ['Termination_Entered_On', 'Termination_Completed_On'],
      manager_employee_id: ['Manager_Employee_ID', 'Manager_ID'],
      department: ['Supervisory_Organization', 'Department', 'Cost_Center'],
      job_title: ['Business_Title', 'Job_Profile'],
      location: ['Location', 'Work_Location'],
      updated_at: ['Last_Updated', 'Last_Functionally_Updated'],
    },
  },
  /**
   * BambooHR: a custom report or the employees directory (`{"employees": [...]}`, field ids as keys)
   * or its CSV export (field names as headers). BambooHR writes `0000-00-00` for an empty date.
   * `status` is the account status (Active/Inactive); `employmentHistoryStatus` the employment type.
   */
  bamboohr: {
    name: 'bamboohr',
    fields: {
      employee_id: ['employeeNumber', 'Employee #', 'id', 'EEID'],
      email: ['workEmail', 'Work Email', 'email'],
      display_name: ['displayName', 'fullName1', 'Name', 'Display Name'],
      status: { from: ['status', 'Status', 'Employment Status'], map: WORKER_STATUS },
      worker_type: { from: ['employmentHistoryStatus', 'Employment Status'], map: WORKER_TYPE, unmapped: 'keep' },
      hire_date: ['hireDate', 'Hire Date'],
      termination_date: ['terminationDate', 'Termination Date'],
      manager_employee_id: ['supervisorEId', 'supervisorId', 'Supervisor EID'],
      department: ['department', 'Department'],
      job_title: ['jobTitle', 'Job Title'],
      location: ['location', 'Location'],
      updated_at: ['lastChanged', 'Last Changed'],
    },
    managerRef: 'id',
  },
  /**
   * SCIM 2.0 Users (RFC 7643) with the enterprise extension, as a ListResponse (`Resources`) from an
   * HR-driven provisioning source. `active: false` is a leaver; `meta.lastModified` versions a row.
   */
  scim: {
    name: 'scim',
    fields: {
      employee_id: [`${SCIM_ENTERPRISE}.employeeNumber`, 'externalId'],
      email: ['emails[primary=true].value', 'emails[type=work].value', 'emails[0].value', 'userName'],
      display_name: ['displayName', 'name.formatted'],
      status: { from: 'active', map: { true: 'active', false: 'terminated' } },
      worker_type: { from: 'userType', map: WORKER_TYPE, unmapped: 'keep' },
      manager_employee_id: `${SCIM_ENTERPRISE}.manager.value`,
      department: [`${SCIM_ENTERPRISE}.department`, `${SCIM_ENTERPRISE}.division`],
      job_title: 'title',
      location: ['addresses[primary=true].locality', 'addresses[type=work].locality', 'addresses[0].locality'],
      updated_at: 'meta.lastModified',
    },
    managerRef: 'id',
  },
};

/** Picks a preset from the shape of the export when none is named. */
export function detectHrisPreset(header: string[] | undefined, envelopeKey: string | undefined, first: unknown): string | null {
  if (envelopeKey === 'Resources') return 'scim';
  if (envelopeKey === 'employees') return 'bamboohr';
  const keys = header ?? (first && typeof first === 'object' ? Object.keys(first as object) : []);
  const has = (k: string) => keys.includes(k);
  if (has('Employee_ID') && has('Worker_Status')) return 'workday';
  if (has('schemas') || has(SCIM_ENTERPRISE) || has('userName')) return 'scim';
  if (has('employeeNumber') || has('Employee #') || has('workEmail') || has('supervisorEId')) return 'bamboohr';
  return null;
}
