// Placeholder signatures; the alert store and outbox replace these bodies.
import type { Alert, AlertResolution, AlertStatus } from '../../detections/alerts/model.js';
import type { AlertFilter, OutboxItem, SinkStatus } from '../event-store.js';
import type { DuckDb } from './db.js';

const todo = (name: string) => new Error(`${name}: not implemented yet`);
export async function upsertAlerts(_db: DuckDb, _a: Alert[], _s: string[]): Promise<{ created: number; updated: number }> { throw todo('upsertAlerts'); }
export async function listAlerts(_db: DuckDb, _f?: AlertFilter): Promise<Alert[]> { throw todo('listAlerts'); }
export async function getAlert(_db: DuckDb, _id: string): Promise<Alert | null> { throw todo('getAlert'); }
export async function setAlertStatus(_db: DuckDb, _id: string, _s: AlertStatus, _r: AlertResolution | null, _n: string | null): Promise<Alert> { throw todo('setAlertStatus'); }
export async function enqueueOutbox(_db: DuckDb, _s: string, _ids: string[]): Promise<number> { throw todo('enqueueOutbox'); }
export async function pendingOutbox(_db: DuckDb, _s: string, _l: number, _now: Date): Promise<OutboxItem[]> { throw todo('pendingOutbox'); }
export async function markDelivered(_db: DuckDb, _s: string, _ids: string[]): Promise<void> { throw todo('markDelivered'); }
export async function markFailed(_db: DuckDb, _s: string, _ids: string[], _e: string, _n: Date): Promise<void> { throw todo('markFailed'); }
export async function sinkStatus(_db: DuckDb): Promise<SinkStatus[]> { throw todo('sinkStatus'); }
