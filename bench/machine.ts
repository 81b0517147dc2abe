import os from 'node:os';
import { DuckDb } from '../store/duckdb/db.js';

export interface MachineInfo {
  cpu: string;
  cores: number;
  memory_gb: number;
  os: string;
  node: string;
  duckdb: string;
  /** 1-minute load average when the run started: other work on the machine skews every figure. */
  load_avg_1m: number;
}

export async function machineInfo(): Promise<MachineInfo> {
  const db = await DuckDb.open(':memory:');
  let duckdb = 'unknown';
  try {
    duckdb = (await db.one<{ v: string }>('SELECT version() AS v'))?.v ?? duckdb;
  } finally {
    db.close();
  }
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memory_gb: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    duckdb,
    load_avg_1m: Math.round(os.loadavg()[0]! * 100) / 100,
  };
}
