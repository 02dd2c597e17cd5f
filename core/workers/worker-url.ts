/**
 * Where a worker's entry point is. In the built bundle (dist/cli.mjs, dist/electron-main.mjs) every
 * worker sits at dist/workers/<name>.worker.mjs. Run from source under tsx (unit tests), a worker is a
 * .ts file, which a bare Worker cannot load: it is started through a small bootstrap that registers
 * tsx inside the worker first.
 */
import { Worker, type WorkerOptions } from 'node:worker_threads';

const fromSource = import.meta.url.endsWith('.ts');

/** Start the worker `name` (file `core/workers/<name>.worker.ts`). */
export function startWorker(name: string, options: WorkerOptions = {}): Worker {
  if (fromSource) {
    const entry = new URL(`./${name}.worker.ts`, import.meta.url).href;
    return new Worker(new URL('./tsx-bootstrap.mjs', import.meta.url), {
      ...options,
      workerData: { __entry: entry, data: options.workerData },
    });
  }
  return new Worker(new URL(`./workers/${name}.worker.mjs`, import.meta.url), {
    ...options,
    workerData: { data: options.workerData },
  });
}

/** The workerData a worker was started with (use this instead of reading workerData directly). */
export function workerInput<T>(wd: unknown): T {
  return (wd as { data: T }).data;
}
