/**
 * The leakage section of a report (issue 17 §3): a Markdown table with a row per model (and chance),
 * a column per private attribute (probe accuracy, mean [95% interval]), the mean over attributes,
 * the excess over chance with its p-value, and action accuracy when known; then the comparisons as
 * sentences and the privacy/utility chart. The pipeline report embeds it as is.
 */
import { intervalCell } from '../report/table.js';
import { comparisonSentence, formatP } from '../stats/evidence.js';
import type { Interval } from '../stats/bootstrap.js';
import { CHANCE, type LeakageEvidence } from './leakage.js';

/** What the section reads (a {@link PrivacyResults} fits). */
export interface PrivacySectionInput extends LeakageEvidence {
  readonly models: readonly { readonly name: string }[];
  readonly tasks: readonly { readonly name: string; readonly attributes: readonly { readonly name: string }[] }[];
  readonly seeds: readonly number[];
  readonly utility?: Readonly<Record<string, Interval>>;
  readonly utilityLabel?: string;
}

/** Options of {@link privacySection}. */
export interface PrivacySectionOptions {
  /** The chart's file (relative to the Markdown file), linked under the table. */
  readonly chart?: string;
  /** Heading prefix: `#` for a document of its own, `##` (default) to embed. */
  readonly heading?: string;
}

function taskTable(r: PrivacySectionInput, task: PrivacySectionInput['tasks'][number]): string[] {
  const attrs = task.attributes.map((a) => a.name);
  const withUtility = r.utility !== undefined;
  const header = [
    'model',
    ...attrs,
    'mean leakage',
    'above chance (points)',
    ...(withUtility ? [r.utilityLabel ?? 'action top-1 (%)'] : []),
  ];
  const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => ' --- ').join('|')}|`];
  for (const model of [...r.models.map((m) => m.name), CHANCE]) {
    const cell = (a: string): string =>
      intervalCell(r.cells.find((c) => c.model === model && c.task === task.name && c.attribute === a));
    const sum = r.summaries.find((s) => s.model === model && s.task === task.name);
    if (!sum) continue;
    const v = sum.vsChance;
    const excess = v ? `${intervalCell(v)}, p ${formatP(v.p)}` : '';
    const util = withUtility ? [model === CHANCE ? '' : intervalCell(r.utility?.[model])] : [];
    lines.push(
      `| ${[model === CHANCE ? '*chance*' : model, ...attrs.map(cell), intervalCell(sum), excess, ...util].join(' | ')} |`,
    );
  }
  return lines;
}

/** The section as Markdown. */
export function privacySection(r: PrivacySectionInput, o: PrivacySectionOptions = {}): string {
  const h = o.heading ?? '##';
  const out: string[] = [
    `${h} Privacy leakage of the representations`,
    '',
    `A linear probe on each model's frozen features predicts every private attribute (${r.seeds.length} seed(s) per probe; ` +
      'accuracy in %, mean [95% bootstrap interval over validation clips and seeds]). Chance is the most frequent training class. ' +
      'Lower leakage is more private; "above chance" is the paired difference to chance over the same clips.',
  ];
  for (const task of r.tasks) {
    out.push('', `${h}# ${task.name}`, '', ...taskTable(r, task));
    const sentences = r.comparisons.filter((c) => c.scope === task.name).map((c) => `- ${comparisonSentence(c)}`);
    if (sentences.length)
      out.push(
        '',
        'Mean leakage, paired over clips and attributes:',
        '',
        ...sentences.map((s) => s.replace(' LP:', ' leakage:')),
      );
  }
  if (o.chart) out.push('', `![privacy/utility: action accuracy against leakage](${o.chart})`);
  return out.join('\n');
}
