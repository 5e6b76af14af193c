/**
 * `runPipeline`: the whole PPMA protocol (docs/ARCHITECTURE.md §1) in one call, on the embedded mini-benchmark
 * by default.
 *
 *   data → remove humans from the "real" set (+ privacy audit) → MAE on No-Human, on real-with-humans
 *   and on synthetic → align: PPMA (NH + synthetic), real, synthetic, and the two soup ingredients
 *   (NH only, synthetic only, both from the NH MAE) → alpha soup → FT and LP of every model on every
 *   downstream task, plus a learned-beta soup per task → report.md.
 *
 * Every stage runs in `<out>/stages/<name>-<hash>/`, where the hash covers the stage's config and
 * the hashes of the stages it reads; a stage with a done-marker is skipped, and an unfinished one
 * resumes from its own checkpoints.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describeBackend, formatBackend, readSafetensorsHeader } from '@ppma/core';
import type { PipelineConfig } from './config.js';
import { resolvePipelineSettings } from './presets.js';
import type { PipelineSettings } from './presets.js';
import { StageRunner, stageKey } from './stage-cache.js';
import type { StageOutcome } from './stage-cache.js';
import { writePipelineReport } from './report.js';
import { betaSoupStage } from './beta-stage.js';
import type { BetaSoupRun } from './beta-stage.js';

/** What {@link runPipeline} returns. */
export interface PipelineResult {
  readonly out: string;
  readonly report: string;
  readonly resultsJson: string;
  readonly stages: readonly { name: string; seconds: number; cached: boolean }[];
}

/** The datasets of a benchmark index that the pipeline uses. */
interface DataPaths {
  readonly indexFile: string;
  readonly realTrain: string;
  readonly realVal: string;
  readonly synthTrain: string;
  readonly synthVal: string;
  readonly tasks: readonly string[];
}

async function readIndex(indexFile: string): Promise<DataPaths> {
  const { readFile } = await import('node:fs/promises');
  const idx = JSON.parse(await readFile(indexFile, 'utf8')) as import('@ppma/synth').BenchmarkIndex;
  const dir = path.dirname(indexFile);
  const real = idx.datasets.find((d) => d.kind === 'pretrain-real');
  const synth = idx.datasets.find((d) => d.kind === 'pretrain-synthetic');
  if (!real || !synth)
    throw new (await import('@ppma/core')).ManifestError(
      indexFile,
      'needs a pretrain-real and a pretrain-synthetic dataset',
    );
  return {
    indexFile,
    realTrain: path.resolve(dir, real.train),
    realVal: path.resolve(dir, real.val),
    synthTrain: path.resolve(dir, synth.train),
    synthVal: path.resolve(dir, synth.val),
    tasks: idx.tasks.map((t) => t.name),
  };
}

/** Runs the PPMA protocol. */
export async function runPipeline(
  config: PipelineConfig,
  options: { log?: (line: string) => void; progress?: boolean } = {},
): Promise<PipelineResult> {
  const s: PipelineSettings = resolvePipelineSettings(config);
  const out = path.resolve(config.out);
  const log = options.log ?? ((l: string) => process.stderr.write(l + '\n'));
  const progress = options.progress ?? true;
  const runner = new StageRunner(out, log);
  const done: { name: string; seconds: number; cached: boolean }[] = [];
  const track = <T>(name: string, o: StageOutcome<T>): StageOutcome<T> => {
    done.push({ name, seconds: o.seconds, cached: o.cached });
    return o;
  };
  const seed = config.seed;
  await preferFastFfmpeg(s, log);

  // 1. Data: the embedded mini-benchmark, or the user's.
  const dataKey = stageKey('data', { preset: s.dataPreset, seed, given: config.data ?? null });
  const data = track(
    'data',
    await runner.run('data', dataKey, async (dir) => {
      if (config.data)
        return { indexFile: path.resolve(config.data, config.data.endsWith('.json') ? '' : 'index.json') };
      const { generateBenchmark } = await import('@ppma/synth');
      const r = await generateBenchmark({ preset: s.dataPreset, seed, out: dir });
      return { indexFile: r.indexFile, clips: r.clips, seconds: r.seconds };
    }),
  );
  const paths = await readIndex(data.result.indexFile);

  // 2. Remove humans from the real pre-training set, then audit a sample of the output: re-detect
  //    people with a detector other than the segmenter, and score the inpainted region against the
  //    true clean background that the synthetic data comes with.
  const nhKey = stageKey('remove-humans', { segmenter: s.segmenter, auditVideos: s.auditVideos }, [dataKey]);
  const nh = track(
    'remove-humans',
    await runner.run('remove-humans', nhKey, async (dir, resume) => {
      const { removeHumans, auditRemoval } = await import('@ppma/hat-removal');
      const { readSynthClean, readSynthMasks } = await import('@ppma/synth');
      // Oracle masks are exact, so the detector catch for missed people only costs time there.
      const summary = await removeHumans({
        input: paths.realTrain,
        out: dir,
        segmenter: s.segmenter,
        catchDetector: s.segmenter === 'oracle' ? 'none' : 'centernet',
        resume,
        progress,
      });
      const outputs = summary.outputs;
      const n = Math.min(s.auditVideos, outputs.length);
      const sample = Array.from({ length: n }, (_, i) => outputs[Math.floor(((i + 0.5) * outputs.length) / n)]);
      const items = await Promise.all(
        sample.map(async (o) => ({
          input: o.input,
          output: path.resolve(dir, o.output),
          masks: await readSynthMasks(o.input),
          clean: await readSynthClean(o.input),
        })),
      );
      const audit = await auditRemoval({ items, outDir: path.join(dir, 'audit'), inputStride: 2 });
      return {
        manifest: path.join(dir, path.basename(paths.realTrain)),
        summary,
        audit: {
          ...audit.summary,
          detector: audit.detector,
          detectorLicence: audit.detectorLicence,
          minScore: audit.minScore,
          inputPersonRate: mean(audit.videos.map((v) => v.inputPersonRate)),
        },
      };
    }),
  );
  if (nh.result.summary.failed.length) {
    log(
      `pipeline: human removal skipped ${nh.result.summary.failed.length} video(s) (fail closed); see ${path.join(nh.dir, 'report.json')}`,
    );
  }

  // 3. Stage 1: MAE on No-Human, on real-with-humans and on synthetic data.
  const mae = async (name: string, manifest: string, upstream: string[]) => {
    const key = stageKey(name, { preset: s.maePreset, ...s.pretrain, seed }, upstream);
    const r = track(
      name,
      await runner.run(name, key, async (dir, resume) => {
        const { pretrainMae } = await import('@ppma/mae');
        const res = await pretrainMae({
          data: { kind: 'manifest', manifest },
          outDir: dir,
          preset: s.maePreset,
          masking: { kind: s.pretrain.masking, ratio: s.pretrain.maskRatio },
          epochs: s.pretrain.epochs,
          videosPerBatch: s.pretrain.batchSize,
          repeats: s.pretrain.repeats,
          lr: s.pretrain.lr,
          seed,
          resume,
          progress,
          handleSignals: true,
        });
        if (!res.encoder) throw new Error(`${name}: pre-training stopped before the end`);
        return { encoder: res.encoder, lastLoss: res.lastLoss, skipped: res.skipped.length };
      }),
    );
    return { key, encoder: r.result.encoder };
  };
  const maeNh = await mae('mae-nh', nh.result.manifest, [nhKey]);
  const maeReal = await mae('mae-real', paths.realTrain, [dataKey]);
  const maeSynth = await mae('mae-synth', paths.synthTrain, [dataKey]);

  // 4. Stage 2: alignment. One head per dataset; NH clips keep the real set's labels.
  const align = async (
    name: string,
    init: { key: string; encoder: string },
    datasets: { name: string; manifest: string }[],
  ) => {
    const key = stageKey(name, { preset: s.alignPreset, ...s.align, seed, datasets: datasets.map((d) => d.name) }, [
      init.key,
    ]);
    const r = track(
      name,
      await runner.run(name, key, async (dir, resume) => {
        const { alignModel } = await import('@ppma/align');
        const res = await alignModel({
          init: { kind: 'checkpoint', file: init.encoder },
          datasets,
          out: dir,
          preset: s.alignPreset,
          recipe: { epochs: s.align.epochs, batchSize: s.align.batchSize, lr: s.align.lr },
          seed,
          resume,
          progress,
          handleSignals: true,
        });
        return {
          checkpoint: res.checkpoint,
          steps: res.steps,
          datasets: res.datasets.map((d) => ({ name: d.name, examples: d.examples, skipped: d.skipped.length })),
        };
      }),
    );
    return { key, checkpoint: r.result.checkpoint };
  };
  const real = { name: 'real', manifest: paths.realTrain };
  const noHuman = { name: 'nohuman', manifest: nh.result.manifest };
  const synthetic = { name: 'synthetic', manifest: paths.synthTrain };
  const ppma = await align('align-ppma', maeNh, [noHuman, synthetic]);
  const withHumans = await align('align-real', maeReal, [real]);
  const synthOnly = await align('align-synth', maeSynth, [synthetic]);
  const ingredientNh = await align('align-nh', maeNh, [noHuman]);
  const ingredientSyn = await align('align-nh-synth', maeNh, [synthetic]);

  // 5. Alpha soup of the two ingredients (same MAE init, different alignment data).
  const soupKey = stageKey('soup-alpha', { alpha: s.alpha }, [ingredientNh.key, ingredientSyn.key]);
  const soup = track(
    'soup-alpha',
    await runner.run('soup-alpha', soupKey, async (dir) => {
      const { averageWeights } = await import('@ppma/soup');
      const file = path.join(dir, 'soup.safetensors');
      await averageWeights([ingredientNh.checkpoint, ingredientSyn.checkpoint], s.alpha, { out: file });
      return { checkpoint: file };
    }),
  );

  // 6. Downstream: FT and LP of every model on every task.
  const header = await readSafetensorsHeader(ppma.checkpoint);
  const trunkConfig = JSON.parse(header.metadata.config ?? '{}') as Record<string, unknown>;
  delete trunkConfig.classes;
  const models = [
    { name: 'scratch', scratch: trunkConfig },
    { name: 'mae-align-real', checkpoint: withHumans.checkpoint },
    { name: 'mae-align-synthetic', checkpoint: synthOnly.checkpoint },
    { name: 'ppma', checkpoint: ppma.checkpoint },
    { name: 'alpha-soup', checkpoint: soup.result.checkpoint },
  ];
  const tasks = s.bench.tasks ?? paths.tasks;
  const benchKey = stageKey(
    'bench',
    { preset: s.benchPreset, bench: s.bench, seed, tasks, models: models.map((m) => m.name) },
    [ppma.key, withHumans.key, synthOnly.key, soupKey],
  );
  const bench = track(
    'bench',
    await runner.run('bench', benchKey, async (dir) => {
      const { runBenchmark } = await import('@ppma/bench');
      const res = await runBenchmark({
        models: models as Parameters<typeof runBenchmark>[0]['models'],
        tasks,
        modes: s.bench.modes,
        out: dir,
        preset: s.benchPreset,
        settings: { ft: { epochs: s.bench.ftEpochs }, lp: { epochs: s.bench.lpEpochs } },
        synthIndex: paths.indexFile,
        seed,
        resume: true,
        progress,
        log,
      });
      return { resultsJson: path.join(dir, res.files.json) };
    }),
  );

  // 7. Learned-beta soup: beta and an LP head learned per task, then FT of that soup.
  const beta = track(
    'soup-beta',
    await runner.run(
      'soup-beta',
      stageKey('soup-beta', { preset: s.benchPreset, bench: s.bench, betaEpochs: s.betaEpochs, seed, tasks }, [
        ingredientNh.key,
        ingredientSyn.key,
      ]),
      async (dir, resume) => {
        const runs: BetaSoupRun[] = await betaSoupStage({
          ingredients: [ingredientNh.checkpoint, ingredientSyn.checkpoint],
          tasks,
          synthIndex: paths.indexFile,
          out: dir,
          benchPreset: s.benchPreset,
          ftEpochs: s.bench.ftEpochs,
          lpEpochs: s.betaEpochs,
          modes: s.bench.modes,
          seed,
          resume,
          progress,
          log,
        });
        return { runs };
      },
    ),
  );

  // 8. The report.
  const backend = safeBackend();
  const report = await writePipelineReport({
    out,
    settings: s,
    benchResults: bench.result.resultsJson,
    beta: beta.result.runs,
    removal: nh.result.summary,
    audit: nh.result.audit,
    stages: done,
    backend,
  });
  fs.mkdirSync(out, { recursive: true });
  return { out, report: report.markdown, resultsJson: report.json, stages: done };
}

/**
 * The mini-benchmark's clips are tiny (32-64 px, 16 frames), so ffmpeg's start-up dominates every
 * decode; the bundled static build starts about 10x faster than a distribution build. Use it for
 * the small presets unless the user chose a binary with PPMA_FFMPEG / PPMA_FFPROBE.
 */
async function preferFastFfmpeg(s: PipelineSettings, log: (line: string) => void): Promise<void> {
  if (s.preset === 'paper' || process.env.PPMA_FFMPEG || process.env.PPMA_FFPROBE) return;
  const { bundledFfmpeg } = await import('@ppma/video-io');
  const b = bundledFfmpeg();
  if (!b) return;
  process.env.PPMA_FFMPEG = b.ffmpeg;
  process.env.PPMA_FFPROBE = b.ffprobe;
  log(`pipeline: using the bundled static ffmpeg for the small clips of preset ${s.preset} (${b.ffmpeg})`);
}

function mean(xs: readonly number[]): number {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN;
}

function safeBackend(): string {
  try {
    return formatBackend(describeBackend());
  } catch {
    return 'unknown';
  }
}
