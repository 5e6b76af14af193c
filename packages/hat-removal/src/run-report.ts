/**
 * The end of a dataset run (docs/ARCHITECTURE.md §7 "Scale"): the output manifest, the audit
 * report, `report.json` and the summary lines of the log.
 */
import fs from 'node:fs';
import path from 'node:path';
import { atomicWrite } from '@ppma/core';
import { writePpmaCsv } from '@ppma/video-io';
import type { RunInputs } from './dataset-inputs.js';
import type { AuditReport } from './privacy-audit.js';
import { summarizeAudit } from './privacy-audit.js';
import type { RunSummary } from './remove-humans.js';
import type { RunAuditConfig, RunModels } from './run-models.js';
import { doneMarker, type RunTally } from './run-video.js';

/** Writes the manifest of every video of the input that is done (by any shard), in input order. */
export async function writeRunManifest(inputs: RunInputs, out: string): Promise<void> {
  if (!inputs.manifestName) return;
  const done = inputs.entries.filter(
    (e) => fs.existsSync(doneMarker(out, e.rel)) && fs.existsSync(path.join(out, e.rel)),
  );
  await writePpmaCsv(
    {
      labels: [...inputs.labels],
      entries: done.map((e) => ({ path: path.join(out, e.rel), label: e.label, labelName: inputs.labels[e.label] })),
    },
    path.join(out, inputs.manifestName),
  );
}

/** Summarises and writes the audit of the run's videos; undefined when the run has no audit. */
export async function writeRunAudit(
  tally: RunTally,
  models: RunModels,
  auditCfg: RunAuditConfig | null,
  out: string,
  shardName: string | null,
  log: (line: string) => void,
): Promise<RunSummary['audit']> {
  if (!models.auditDets) return undefined;
  const minScore = auditCfg?.minScore ?? 0.5;
  const rep: AuditReport = summarizeAudit(tally.audits, models.auditDets, {
    minScore,
    removalModels: models.removalModels,
  });
  await atomicWrite(path.join(out, 'audit', shardName ? `audit.${shardName}.json` : 'audit.json'), [
    Buffer.from(JSON.stringify(rep, null, 2) + '\n'),
  ]);
  if (rep.caveat) log(`audit: ${rep.caveat}`);
  return {
    ...rep.summary,
    detector: rep.detector,
    models: rep.models,
    detectors: rep.detectors,
    ...(rep.caveat ? { caveat: rep.caveat } : {}),
    minScore: rep.minScore,
    errors: tally.auditErrors,
  };
}

/** The log lines at the end of a run: the totals, and one line for the unrecoverable frames (per video in report.json). */
export function summaryLines(s: RunSummary, reportName: string): string[] {
  const lines = [
    `remove-humans: ${s.processed} of ${s.videos} videos done, ${s.skipped} skipped, ${s.failed.length} failed; ` +
      `${s.frames} frames in ${s.seconds.toFixed(1)} s (${s.fps.toFixed(2)} frames/s); ${s.cuts} shot cuts, ` +
      `${s.unrecoverable.frames} unrecoverable frames (${s.unrecoverable.policy})`,
  ];
  const hit = s.outputs.filter((o) => o.unrecoverable > 0);
  if (hit.length)
    lines.push(
      `remove-humans: ${hit.length} of ${s.outputs.length} videos had unrecoverable frames ` +
        `(${s.unrecoverable.frames} of ${s.frames} frames, ${s.unrecoverable.policy}); per video in ${reportName} (outputs[].unrecoverable)`,
    );
  return lines;
}
