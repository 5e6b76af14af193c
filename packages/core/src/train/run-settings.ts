/**
 * The settings a training run is defined by, stored in its checkpoint on the first write and
 * compared on resume: a resumed run with a different seed, learning-rate schedule, length or
 * caller setting (mask ratio, model config, data) is refused, naming every key that differs.
 */
import { ResumeMismatchError } from '../errors.js';

/** One flattened setting value. */
export type SettingValue = string | number | boolean | null;
/** Settings by dotted key (`seed`, `lr`, `data.masking.ratio`, …). */
export type RunSettings = Readonly<Record<string, SettingValue>>;

/** What {@link runSettings} reads from the training options. */
export interface SettingsSource {
  readonly seed: number | string;
  readonly totalSteps: number;
  readonly stepsPerEpoch: number;
  readonly lr: (step: number) => number;
  readonly clipGradNorm?: number;
  readonly settings?: Readonly<Record<string, unknown>>;
  readonly metadata?: Readonly<Record<string, string>>;
}

const LR_SAMPLES = 9;

/**
 * The run's settings: seed, length, gradient clipping, the learning-rate schedule sampled at
 * {@link LR_SAMPLES} steps, and the caller's `settings` (or, when none are given, its checkpoint
 * metadata, with JSON values flattened to dotted keys).
 */
export function runSettings(o: SettingsSource): RunSettings {
  const out: Record<string, SettingValue> = {
    seed: o.seed,
    totalSteps: o.totalSteps,
    stepsPerEpoch: o.stepsPerEpoch,
    clipGradNorm: o.clipGradNorm ?? null,
  };
  const at = Array.from({ length: LR_SAMPLES }, (_, i) =>
    Math.floor((i * Math.max(0, o.totalSteps - 1)) / (LR_SAMPLES - 1)),
  );
  out.lr = at.map((s) => `${s}:${Number(o.lr(s).toPrecision(9))}`).join(' ');
  if (o.settings) flatten(o.settings, 'settings', out);
  else
    for (const [k, v] of Object.entries(o.metadata ?? {})) {
      let parsed: unknown = v;
      try {
        parsed = JSON.parse(v);
      } catch {
        // A plain string value.
      }
      flatten(parsed, `metadata.${k}`, out);
    }
  return out;
}

function flatten(v: unknown, key: string, out: Record<string, SettingValue>, depth = 0): void {
  if (v !== null && typeof v === 'object' && depth < 6) {
    const entries = Array.isArray(v) ? v.map((x, i) => [String(i), x] as const) : Object.entries(v);
    if (entries.length === 0) out[key] = Array.isArray(v) ? '[]' : '{}';
    for (const [k, x] of entries) flatten(x, `${key}.${k}`, out, depth + 1);
    return;
  }
  if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[key] = v;
  else out[key] = JSON.stringify(v) ?? String(v);
}

/**
 * Throws a {@link ResumeMismatchError} naming every key whose value differs between the settings
 * stored in `file` and the current run's.
 */
export function assertSameSettings(file: string, stored: RunSettings, current: RunSettings): void {
  const keys = [...new Set([...Object.keys(stored), ...Object.keys(current)])].sort();
  const differ = keys.filter((k) => JSON.stringify(stored[k]) !== JSON.stringify(current[k]));
  if (differ.length === 0) return;
  const show = (v: SettingValue | undefined) => (v === undefined ? '(absent)' : JSON.stringify(v));
  const lines = differ.map((k) => `${k}: checkpoint ${show(stored[k])}, now ${show(current[k])}`);
  throw new ResumeMismatchError(
    file,
    differ,
    `cannot resume: the run was started with different settings (${differ.join(', ')}):\n  ${lines.join('\n  ')}\n` +
      'rerun with the original settings, or start a fresh run (--no-resume or another output folder)',
  );
}
