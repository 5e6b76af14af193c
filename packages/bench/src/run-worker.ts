/**
 * A benchmark run worker (docs/ARCHITECTURE.md §8): a child process forked by `run-pool.ts` that
 * runs chains of runs, one after another, on its own one-thread backend and reports each finished
 * run to the parent. It lives for the whole benchmark, so its decoded views (the process-wide view
 * cache) serve every chain it is given; it exits on `exit` or when the parent goes away.
 */
import { initBackend } from '@ppma/core';
import { resolveTasks } from './registry.js';
import { runOne, type RunContext } from './run-one.js';
import { checkSplits } from './run-benchmark.js';
import type { ChainMessage, ParentMessage, WorkerMessage } from './run-worker-protocol.js';
import { sharedViewCache } from './view-cache.js';

function send(m: WorkerMessage): Promise<void> {
  return new Promise((ok, fail) => process.send?.(m, undefined, {}, (e) => (e ? fail(e) : ok())));
}

// One backend for the worker's life: every chain is sent with the same backend name.
let backend: ReturnType<typeof initBackend> | undefined;

async function runChain(msg: ChainMessage): Promise<void> {
  const { chain } = msg;
  let current = chain.runs[0]?.index ?? -1;
  try {
    await (backend ??= initBackend({ backend: msg.backend, threads: 1 }));
    const [task] = await resolveTasks([chain.task], chain.sources);
    if (!task || task.name !== chain.task) throw new Error(`task ${chain.task} not found in the worker`);
    const splits = await task.load(chain.root);
    checkSplits(task, splits);
    const ctx: RunContext = {
      out: msg.out,
      resume: msg.resume,
      progress: false,
      engine: msg.engine,
      finetune: async () => (await import('./protocols/align-finetune.js')).alignFinetuner,
      views: sharedViewCache(),
    };
    for (const r of chain.runs) {
      current = r.index;
      const record = await runOne(ctx, {
        model: chain.model,
        task,
        splits,
        mode: chain.mode,
        seed: r.seed,
        settings: chain.settings,
      });
      await send({ type: 'run', index: r.index, record });
    }
    await send({ type: 'chain-done' });
  } catch (e) {
    await send({ type: 'error', index: current, message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
  }
}

process.on('disconnect', () => process.exit(1));
// Chains arrive one at a time (the parent sends the next after `chain-done`); run them in order.
let queue: Promise<void> = Promise.resolve();
process.on('message', (m: ParentMessage) => {
  if (m.type === 'exit') queue = queue.then(() => process.disconnect());
  else queue = queue.then(() => runChain(m));
});
