/**
 * The browser-free path of `ppma review --summary`: open the review of a folder (with the same
 * sample rules as the server) and summarise its verdicts.
 */
import { loadRemovalOutput } from './removal-output.js';
import { ReviewStore, type ReviewStoreOptions } from './review-file.js';
import { summarizeReview, type ReviewSummary } from './review-summary.js';

/** The summary of the review of `dir`, as the page shows it. */
export async function reviewSummary(dir: string, opts: ReviewStoreOptions = {}): Promise<ReviewSummary> {
  const all = loadRemovalOutput(dir);
  const store = await ReviewStore.open(
    dir,
    all.map((v) => v.id),
    opts,
  );
  const byId = new Map(all.map((v) => [v.id, v]));
  return summarizeReview(
    store.ids.map((id) => byId.get(id)!),
    store.verdicts(),
  );
}
