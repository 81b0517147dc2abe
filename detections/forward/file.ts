import { mkdir, open } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Alert } from '../alerts/model.js';
import { toEcs } from './ecs.js';
import { toOcsf } from './ocsf.js';
import { allFailed, type DeliveryOutcome, type Sink } from './sink.js';
import type { FileSinkSpec } from './url.js';

/**
 * `file`: alerts appended as NDJSON, one OCSF Detection Finding (default) or ECS document per line.
 * A batch is written and fsynced before it is marked delivered; a crash in between writes those
 * lines again on the next run, and readers deduplicate on `finding_info.uid` / `event.id`.
 */
export function fileSink(spec: FileSinkSpec): Sink {
  const render = spec.format === 'ecs' ? (a: Alert) => toEcs(a) : (a: Alert) => toOcsf(a);
  return {
    name: spec.name,
    kind: 'file',
    display: spec.display,
    maxBatch: 500,
    async deliver(alerts: Alert[]): Promise<DeliveryOutcome> {
      const text = alerts.map((a) => `${JSON.stringify(render(a))}\n`).join('');
      try {
        await mkdir(dirname(spec.path), { recursive: true });
        const fh = await open(spec.path, 'a');
        try {
          await fh.write(text);
          await fh.sync();
        } finally {
          await fh.close();
        }
      } catch (err) {
        const e = err as NodeJS.ErrnoException;
        return allFailed(alerts, `cannot append to ${spec.path}: ${e.code ?? e.message}`);
      }
      return { delivered: alerts.map((a) => a.alert_id), failed: [] };
    },
    async close() {},
  };
}
