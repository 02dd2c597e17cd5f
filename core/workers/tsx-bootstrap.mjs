// Loads a TypeScript worker when the engine runs from source (tests): registers tsx, then the entry.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.__entry);
