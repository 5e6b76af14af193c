// @ts-check
/**
 * The summary view: the manual clean rate with its 95% Wilson interval, beside the audit's clean
 * rate on the same videos, and the videos where the two disagree (click one to open it).
 */

/** @typedef {{ k: number, n: number, rate: number, lo: number, hi: number }} Rate */

/** @param {Rate} r */
export function rateText(r) {
  if (r.n === 0) return 'n/a';
  const p = (/** @type {number} */ x) => (100 * x).toFixed(1);
  return `${p(r.rate)}% [${p(r.lo)}, ${p(r.hi)}] (${r.k}/${r.n})`;
}

/** @param {string} tag @param {Record<string, string>} attrs @param {(Node | string)[]} kids */
function el(tag, attrs = {}, kids = []) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  e.append(...kids);
  return e;
}

/**
 * Renders the summary into `root`.
 * @param {HTMLElement} root
 * @param {any} s the server's ReviewSummary
 * @param {(id: string) => void} open
 */
export function renderSummary(root, s, open) {
  const row = (/** @type {string} */ id, /** @type {string} */ label, /** @type {string} */ value) =>
    el('tr', {}, [el('th', {}, [label]), el('td', { id }, [value])]);
  const table = el('table', {}, [
    row('sum-reviewed', 'reviewed', `${s.reviewed} of ${s.videos} videos`),
    row(
      'sum-counts',
      'verdicts',
      `${s.counts.clean} clean · ${s.counts['residual-person']} residual person · ${s.counts.artifact} artifact`,
    ),
    row('sum-manual', 'manual clean rate (no residual person), 95% Wilson', rateText(s.manualClean)),
    row('sum-artifact', 'artifact rate', rateText(s.artifact)),
    row('sum-manual-audited', 'manual clean rate on the audited videos', rateText(s.manualCleanAudited)),
    row(
      'sum-audit',
      `audit clean rate on the same videos (${s.auditDetectors.join(', ') || 'no audit'})`,
      rateText(s.auditClean),
    ),
  ]);
  const list = el(
    'ul',
    { id: 'sum-disagreements' },
    s.disagreements.map((/** @type {any} */ d) => {
      const a = el('a', { href: '#', 'data-id': d.id }, [d.id]);
      a.addEventListener('click', (e) => {
        e.preventDefault();
        open(d.id);
      });
      return el('li', {}, [a, ` — reviewer: ${d.manual}, audit: ${d.audit}${d.note ? ` (“${d.note}”)` : ''}`]);
    }),
  );
  root.replaceChildren(
    el('h2', {}, ['Summary']),
    table,
    el('h2', {}, [`Reviewer and audit disagree on ${s.disagreements.length} video(s)`]),
    list,
    ...(s.removalModels.length
      ? [
          el('p', { class: 'muted', id: 'sum-models' }, [
            `removed by ${s.removalModels.join(', ')}; audited by ${s.auditDetectors.join(', ')}`,
          ]),
        ]
      : []),
    ...s.auditCaveats.map((/** @type {string} */ c) =>
      el('p', { class: 'error', id: 'sum-caveat' }, [`audit caveat: ${c}`]),
    ),
    ...(s.notAudited.length ? [el('p', { class: 'muted' }, [`not audited: ${s.notAudited.join(', ')}`])] : []),
    el('p', { class: 'muted' }, [
      'Clean = no residual person: videos marked artifact count as person-free here; their fill errors are the artifact rate.',
    ]),
  );
}
