/**
 * Takes the README screenshot of the review page: serves `<folder>` (a remove-humans output), opens
 * it in headless chromium, steps to a frame, switches the overlay on and saves a PNG.
 *
 *   node --import tsx --conditions=@ppma/source packages/review/scripts/screenshot.ts <folder> <out.png> [frame] [video id]
 *
 * Nothing is written into `<folder>` (no verdict is marked), so a finished run can be shown as it is.
 */
import { startReviewServer } from '../src/index.js';
import { chromiumAvailable, chromiumMissing, launchChromium } from '../test/helpers/chromium.js';

const [dir, out, frameArg, video] = process.argv.slice(2);
if (!dir || !out) throw new Error('usage: screenshot.ts <folder> <out.png> [frame] [video id]');
if (!chromiumAvailable) throw new Error(chromiumMissing);
const frame = Number(frameArg ?? 40);
const srv = await startReviewServer({ dir });
const browser = await launchChromium();
try {
  const page = await browser.context.newPage();
  await page.goto(srv.url);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 120_000 });
  if (video) {
    await page.locator(`li[data-id="${video}"]`).click();
    await page.waitForSelector(`body[data-loaded="${video}"]`, { timeout: 120_000 });
  }
  await page.locator('#scrub').fill(String(frame));
  await page.waitForSelector(`body[data-frame="${frame}"]`);
  await page.keyboard.press('m'); // the overlay on the input: what was removed
  await page.waitForFunction(() => (document.getElementById('input-mask') as HTMLImageElement).complete);
  await page.waitForTimeout(500);
  await page.screenshot({ path: out });
  process.stdout.write(`wrote ${out}\n`);
} finally {
  await browser.close();
  await srv.close();
}
