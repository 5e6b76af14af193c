/**
 * Progress reporting with ETA for long loops. On a terminal it draws a cli-progress bar on stderr;
 * elsewhere (CI, pipes, log files) it prints a plain line at most every few seconds, so logs stay
 * readable. `PPMA_PROGRESS=0` silences it.
 */
import cliProgress from 'cli-progress';

/** A running progress display. */
export interface Progress {
  /** Advances by `n` (default 1); `info` values are shown after the bar (e.g. loss). */
  tick(n?: number, info?: Readonly<Record<string, string | number>>): void;
  /** Finishes the display. */
  stop(): void;
}

/** Options of {@link createProgress}. */
export interface ProgressOptions {
  /** What is being counted, e.g. `pretrain` or `decode`. */
  readonly label: string;
  /** Total count. */
  readonly total: number;
  /** Unit name for the rate, e.g. `step` or `clip`. */
  readonly unit?: string;
  /** Starting count, for resumed runs. */
  readonly start?: number;
  /** Force on or off; default: on unless `PPMA_PROGRESS=0`. */
  readonly enabled?: boolean;
  /** Stream to write to; default `process.stderr`. */
  readonly stream?: NodeJS.WriteStream;
  /** Minimum seconds between plain-text lines (non-TTY). Default 5. */
  readonly intervalSec?: number;
}

/** Formats seconds as `1h02m`, `3m05s` or `12s`. */
export function formatDuration(sec: number): string {
  if (!Number.isFinite(sec) || sec < 0) return '?';
  const s = Math.round(sec);
  if (s >= 3600) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${s}s`;
}

function formatInfo(info: Readonly<Record<string, string | number>> | undefined): string {
  if (!info) return '';
  return Object.entries(info)
    .map(
      ([k, v]) =>
        `${k}=${typeof v === 'number' ? (Math.abs(v) >= 1e-3 || v === 0 ? v.toFixed(4) : v.toExponential(2)) : v}`,
    )
    .join(' ');
}

/** Starts a progress display. */
export function createProgress(options: ProgressOptions): Progress {
  const enabled = options.enabled ?? process.env.PPMA_PROGRESS !== '0';
  const stream = options.stream ?? process.stderr;
  const unit = options.unit ?? 'it';
  const total = Math.max(0, options.total);
  let done = options.start ?? 0;
  const startDone = done;
  const t0 = Date.now();
  if (!enabled) return { tick: (n = 1) => void (done += n), stop: () => undefined };

  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        format: `${options.label} [{bar}] {value}/{total} {percentage}% | {rate} ${unit}/s | ETA {eta_formatted} | {info}`,
        stream,
        hideCursor: true,
        etaBuffer: 20,
        fps: 5,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, done, { info: '', rate: '0.00' });
    return {
      tick(n = 1, info) {
        done += n;
        const rate = (done - startDone) / Math.max(1e-3, (Date.now() - t0) / 1000);
        bar.update(done, { info: formatInfo(info), rate: rate.toFixed(2) });
      },
      stop() {
        bar.stop();
      },
    };
  }

  const interval = (options.intervalSec ?? 5) * 1000;
  let last = 0;
  const line = (info?: Readonly<Record<string, string | number>>) => {
    const elapsed = (Date.now() - t0) / 1000;
    const rate = (done - startDone) / Math.max(1e-3, elapsed);
    const eta = rate > 0 ? (total - done) / rate : NaN;
    const pct = total > 0 ? ((100 * done) / total).toFixed(0) : '100';
    stream.write(
      `${options.label} ${done}/${total} (${pct}%) ${rate.toFixed(2)} ${unit}/s elapsed ${formatDuration(elapsed)} ETA ${formatDuration(eta)} ${formatInfo(info)}\n`,
    );
  };
  return {
    tick(n = 1, info) {
      done += n;
      const now = Date.now();
      if (now - last >= interval || done >= total) {
        last = now;
        line(info);
      }
    },
    stop() {
      if (last === 0 || done < total) line();
    },
  };
}
