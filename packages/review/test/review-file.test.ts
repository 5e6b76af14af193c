import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  formatSummary,
  ReviewStore,
  spreadSample,
  summarizeReview,
  wilsonInterval,
  type ReviewVideo,
} from '../src/index.js';

const base = fs.mkdtempSync(path.join(os.tmpdir(), 'ppma-review-file-'));
afterAll(() => fs.rmSync(base, { recursive: true, force: true }));
const ids = Array.from({ length: 40 }, (_, i) => `v${i}.mp4`);

const video = (id: string, flagged: boolean | null): ReviewVideo => ({
  id,
  input: `/in/${id}`,
  output: `/out/${id}`,
  masks: undefined,
  audit:
    flagged === null
      ? undefined
      : {
          detector: 'centernet',
          caveat: flagged ? undefined : 'the detectors hardly see the people of the input',
          removalModels: ['rvm', 'centernet'],
          minScore: 0.5,
          hasResidual: flagged,
          residualRate: flagged ? 0.5 : 0,
          residualFrames: [],
          outputPersons: undefined,
          outputScores: undefined,
          sheet: undefined,
        },
});

describe('ReviewStore', () => {
  it('keeps every mark on disk and continues after a restart', async () => {
    const dir = fs.mkdtempSync(path.join(base, 'a-'));
    const s1 = await ReviewStore.open(dir, ids);
    await s1.mark('v0.mp4', 'clean');
    await s1.mark('v1.mp4', 'residual-person', 'a hand at the right edge');
    await s1.mark('v2.mp4', 'artifact');
    await s1.mark('v2.mp4', null);
    const s2 = await ReviewStore.open(dir, ids);
    expect(Object.keys(s2.verdicts())).toEqual(['v0.mp4', 'v1.mp4']);
    expect(s2.get('v1.mp4')).toMatchObject({ verdict: 'residual-person', note: 'a hand at the right edge' });
    expect(fs.readdirSync(dir)).toEqual(['review.json']); // no temp file left behind
    await expect(s2.mark('elsewhere.mp4', 'clean')).rejects.toThrow(/not a video of this review/);
  });

  it('stores the sample, keeps it when more videos appear, and refuses a different one', async () => {
    const dir = fs.mkdtempSync(path.join(base, 'b-'));
    const s1 = await ReviewStore.open(dir, ids, { sample: 10, seed: 3 });
    expect(s1.ids).toEqual(spreadSample(ids, 10, 3));
    const more = [...ids, ...Array.from({ length: 40 }, (_, i) => `w${i}.mp4`)];
    const s2 = await ReviewStore.open(dir, more, { sample: 10, seed: 3 });
    expect(s2.ids).toEqual(s1.ids);
    expect((await ReviewStore.open(dir, more)).ids).toEqual(s1.ids); // no --sample: the stored one
    await expect(ReviewStore.open(dir, more, { sample: 12, seed: 3 })).rejects.toThrow(/--sample 10 --seed 3/);
  });

  it('names the file of a malformed review.json', async () => {
    const dir = fs.mkdtempSync(path.join(base, 'c-'));
    fs.writeFileSync(
      path.join(dir, 'review.json'),
      '{"format":"ppma-review/1","sample":null,"verdicts":{"x":{"verdict":"maybe","at":""}}}',
    );
    await expect(ReviewStore.open(dir, ids)).rejects.toThrow(/review\.json: not a review file/);
  });
});

describe('summarizeReview', () => {
  it('counts clean as person-free, compares with the audit on the same videos, lists disagreements', () => {
    const videos = [
      video('a', false),
      video('b', true),
      video('c', false),
      video('d', true),
      video('e', null),
      video('f', false),
    ];
    const at = '2026-01-01T00:00:00Z';
    const s = summarizeReview(videos, {
      a: { verdict: 'clean', note: '', at },
      b: { verdict: 'residual-person', note: '', at },
      c: { verdict: 'residual-person', note: 'missed a child', at },
      d: { verdict: 'artifact', note: '', at },
      e: { verdict: 'clean', note: '', at },
    });
    expect(s.reviewed).toBe(5);
    expect(s.counts).toEqual({ clean: 2, 'residual-person': 2, artifact: 1 });
    expect(s.manualClean).toEqual(wilsonInterval(3, 5));
    expect(s.manualCleanAudited).toEqual(wilsonInterval(2, 4));
    expect(s.auditClean).toEqual(wilsonInterval(2, 4));
    expect(s.disagreements).toEqual([
      { id: 'c', manual: 'residual-person', audit: 'clean', note: 'missed a child' },
      { id: 'd', manual: 'artifact', audit: 'residual', note: '' },
    ]);
    expect(s.notAudited).toEqual(['e']);
    expect(s.removalModels).toEqual(['rvm', 'centernet']);
    expect(s.auditCaveats).toEqual(['the detectors hardly see the people of the input']);
    expect(s.next).toBe('f');
    const text = formatSummary(s);
    expect(text).toContain('manual clean rate (no residual person; 95% Wilson interval): 60.0%');
    expect(text).toContain('audit caveat: the detectors hardly see the people of the input');
    expect(text).toContain('c: reviewer residual-person, audit clean (missed a child)');
  });
});
