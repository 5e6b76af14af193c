/**
 * The review page in real headless chromium: mark three videos with the keyboard, step frames,
 * reload, restart the server, and check that the verdicts, the summary and review.json agree.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatRate, reviewSummary, startReviewServer, wilsonInterval, type ReviewServer } from '../src/index.js';
import { chromiumAvailable, chromiumMissing, launchChromium } from './helpers/chromium.js';
import { IDS, makeRemovalOutput } from './helpers/make-removal-output.js';

if (!chromiumAvailable) console.warn(`review page tests skipped: ${chromiumMissing}`);

const base = fs.mkdtempSync(path.join(os.tmpdir(), 'ppma-review-page-'));
const out = path.join(base, 'nh');
let browser: Awaited<ReturnType<typeof launchChromium>> | undefined;
let srv: ReviewServer | undefined;

beforeAll(async () => {
  if (!chromiumAvailable) return;
  await makeRemovalOutput(out, path.join(base, 'in'));
  browser = await launchChromium();
}, 120_000);
afterAll(async () => {
  await srv?.close();
  await browser?.close();
  fs.rmSync(base, { recursive: true, force: true });
});

const current = (page: Page) => page.locator('body').getAttribute('data-current');
const verdictOf = (page: Page, id: string) =>
  page.locator(`#video-list li[data-id="${id}"]`).getAttribute('data-verdict');

/** Waits generously: the CI machine may be loaded. */
const poll = <T>(fn: () => Promise<T>) => expect.poll(fn, { timeout: 30_000, interval: 100 });

async function open(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });
}

describe.skipIf(!chromiumAvailable)(
  `review page in chromium${chromiumAvailable ? '' : ` (SKIPPED: ${chromiumMissing})`}`,
  () => {
    it('marks three videos by keyboard; verdicts, summary and review.json survive a reload and a restart', async () => {
      srv = await startReviewServer({ dir: out });
      const page = await browser!.context.newPage();
      const foreign: string[] = [];
      page.on('request', (r) => {
        if (!r.url().startsWith(srv!.url) && !r.url().startsWith('data:')) foreign.push(r.url());
      });
      await open(page, srv.url);
      expect(await current(page)).toBe(IDS[0]);

      // frame stepping keeps the pair on the same frame
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('ArrowRight');
      await page.waitForSelector('body[data-frame="2"]');
      expect(await page.locator('#input-frame').getAttribute('src')).toBe('/api/frame/0/input/2.png');
      expect(await page.locator('#output-frame').getAttribute('src')).toBe('/api/frame/0/output/2.png');
      await page.keyboard.press('m'); // overlay on the input, then on the output: the first video has removal masks
      await poll(() => page.locator('#input-mask').getAttribute('src')).toBe('/api/frame/0/mask/2.png');
      expect(await page.locator('#output-mask').isHidden()).toBe(true);
      await page.keyboard.press('m');
      await poll(() => page.locator('#output-mask').isVisible()).toBe(true);
      expect(await page.locator('#input-mask').isHidden()).toBe(true);
      expect(await page.locator('#output-mask').getAttribute('src')).toBe('/api/frame/0/mask/2.png');
      expect(await page.locator('#overlay-label').textContent()).toBe('removal masks');

      await page.keyboard.press('1'); // clean, then on to the next video
      await poll(() => current(page)).toBe(IDS[1]);
      expect(await page.locator('#strip-legend').textContent()).toMatch(
        /4 flagged frame\(s\) — the audit flags this video/,
      );
      await page.keyboard.press('3'); // artifact
      await poll(() => current(page)).toBe(IDS[2]);
      await page.locator('#note').fill('a person at the left edge');
      await page.keyboard.press('Escape');
      await page.keyboard.press('2'); // residual person, with the note
      await poll(() => current(page)).toBe(IDS[3]);
      await page.keyboard.press('p');
      await poll(() => current(page)).toBe(IDS[2]);
      expect(await page.locator('#note').inputValue()).toBe('a person at the left edge');

      const onDisk = JSON.parse(fs.readFileSync(path.join(out, 'review.json'), 'utf8'));
      expect(
        Object.fromEntries(Object.entries(onDisk.verdicts).map(([k, v]) => [k, (v as { verdict: string }).verdict])),
      ).toEqual({
        [IDS[0]]: 'clean',
        [IDS[1]]: 'artifact',
        [IDS[2]]: 'residual-person',
      });

      expect(onDisk.verdicts[IDS[2]].note).toBe('a person at the left edge');

      await page.reload();
      await page.waitForSelector('body[data-ready="true"]');
      expect(await current(page)).toBe(IDS[3]); // continues at the first video without a verdict
      expect(await verdictOf(page, IDS[0])).toBe('clean');
      expect(await verdictOf(page, IDS[1])).toBe('artifact');
      expect(await verdictOf(page, IDS[2])).toBe('residual-person');
      expect(await verdictOf(page, IDS[3])).toBe('');

      await page.keyboard.press('s');
      await page.waitForSelector('#sum-manual');
      // person-free: a (clean), b (artifact) of 3; the audit flags b only, so it disagrees on b and c
      expect(await page.locator('#sum-manual').textContent()).toBe(formatRate(wilsonInterval(2, 3)));
      expect(await page.locator('#sum-audit').textContent()).toBe(formatRate(wilsonInterval(2, 3)));
      expect(await page.locator('#sum-disagreements li a').allTextContents()).toEqual([IDS[1], IDS[2]]);

      // a killed server loses nothing: a new one continues where the review stopped
      await srv.close();
      srv = await startReviewServer({ dir: out });
      await open(page, srv.url);
      expect(await current(page)).toBe(IDS[3]);
      expect(await verdictOf(page, IDS[2])).toBe('residual-person');
      const s = await reviewSummary(out);
      expect([s.reviewed, s.disagreements.length, s.next]).toEqual([3, 2, IDS[3]]);
      expect(foreign).toEqual([]);
      await page.close();
    }, 180_000);

    it('refuses paths outside the folder from the page origin too', async () => {
      const page = await browser!.context.newPage();
      fs.writeFileSync(path.join(base, 'secret.txt'), 'secret');
      await open(page, srv!.url);
      const answers = await page.evaluate(async () => {
        const paths = [
          '/files/%2e%2e%2fsecret.txt',
          '/files/..%2Fsecret.txt',
          '/files/audit/..%2f..%2f..%2fsecret.txt',
        ];
        return Promise.all(paths.map(async (p) => `${(await fetch(p)).status}`));
      });
      expect(answers).toEqual(['403', '403', '403']);
      // the browser itself resolves a plain or %2e%2e segment before sending: the request never reaches /files
      const plain = await page.evaluate(async () => {
        const r = await fetch('/files/%2e%2e/secret.txt');
        return [r.url, r.status, await r.text()];
      });
      expect(plain[0]).toBe(`${srv!.url}secret.txt`);
      expect(plain[1]).toBe(404);
      expect(plain[2]).not.toContain('secret');
      await page.close();
    }, 120_000);
  },
);
