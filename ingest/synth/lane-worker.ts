/** A worker thread running one lane of the demo generator (see lanes.ts). */
import { parentPort, workerData } from 'node:worker_threads';
import { runLane, type LaneParams } from './lanes.js';

const port = parentPort!;
runLane(workerData as LaneParams, (m, transfer) => port.postMessage(m, transfer)).catch((err: unknown) => {
  port.postMessage({ kind: 'error', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
});
