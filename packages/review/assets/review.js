// @ts-check
/**
 * The review page: a list of the videos under review, the synced input/output pair with the audit
 * strip, the three verdicts with an optional note, and the summary. Every mark is sent to the
 * server, which writes review.json before it answers; the page shows "saved" only then.
 */
import { Player } from './player.js';
import { drawStrip, frameAt } from './strip.js';
import { renderSummary } from './summary-view.js';

/** @param {string} id @returns {any} */
const $ = (id) => document.getElementById(id);

const VERDICT_KEYS = /** @type {Record<string, string>} */ ({
  1: 'clean',
  c: 'clean',
  2: 'residual-person',
  r: 'residual-person',
  3: 'artifact',
  a: 'artifact',
});

/** @type {any} */
let state = null;
let current = -1;
let marking = false;
/** @type {import('./strip.js').StripData} */
let strip = { frames: 0, values: null, scores: false, flagged: new Set(), minScore: null };

const player = new Player(
  { input: $('input-frame'), output: $('output-frame'), inputMask: $('input-mask'), outputMask: $('output-mask') },
  (t) => {
    $('scrub').value = String(t);
    $('frame-label').textContent = `frame ${t + 1} / ${player.frames}`;
    document.body.dataset.frame = String(t);
    drawStrip($('strip'), strip, t);
  },
);

/** @param {string} url @param {RequestInit} [init] */
async function api(url, init) {
  const r = await fetch(url, init);
  const body = await r.json();
  if (!r.ok) throw new Error(body.error ?? `${r.status}`);
  return body;
}

function renderList() {
  const items = state.videos.map((/** @type {any} */ v) => {
    const li = document.createElement('li');
    li.dataset.id = v.id;
    li.dataset.verdict = state.verdicts[v.id]?.verdict ?? '';
    li.classList.toggle('current', v.index === current);
    const dot = document.createElement('span');
    dot.className = 'dot';
    li.append(dot, v.id);
    if (v.audit?.hasResidual) {
      const f = document.createElement('span');
      f.className = 'flag';
      f.textContent = 'audit: person';
      li.append(f);
    }
    li.addEventListener('click', () => openVideo(v.index));
    return li;
  });
  $('video-list').replaceChildren(...items);
  const s = state.summary;
  $('progress').textContent =
    `${s.reviewed} / ${s.videos} reviewed${state.sample ? ` (sample of ${state.sample.size}, seed ${state.sample.seed})` : ''}`;
}

function renderVerdict() {
  const v = state.videos[current];
  const m = state.verdicts[v.id];
  for (const b of document.querySelectorAll('.verdict'))
    b.classList.toggle('chosen', m !== undefined && b.getAttribute('data-verdict') === m.verdict);
  $('note').value = m?.note ?? '';
  document.body.dataset.verdict = m?.verdict ?? '';
  $('save-status').className = 'muted';
  $('save-status').textContent = m ? `saved ${new Date(m.at).toLocaleTimeString()}` : 'not reviewed yet';
}

/** @param {number} i */
async function openVideo(i) {
  if (!state.videos.length) return;
  current = Math.min(state.videos.length - 1, Math.max(0, i));
  const v = state.videos[current];
  showView('review');
  $('video-title').textContent = `${current + 1} / ${state.videos.length}: ${v.id}`;
  document.body.dataset.current = v.id;
  renderList();
  renderVerdict();
  const a = v.audit;
  const scores = Array.isArray(a?.outputScores);
  const flagged = new Set(a?.residualFrames ?? []);
  $('strip-legend').textContent = a
    ? `audit (${a.detector}${a.minScore !== undefined ? ` ≥ ${a.minScore}` : ''}): ${scores ? 'highest person score' : 'persons detected'} per output frame; red: ${flagged.size} flagged frame(s)${a.hasResidual ? ' — the audit flags this video' : ''}`
    : 'no audit for this video (run ppma audit --in <folder>)';
  const info = await api(`/api/video/${current}`);
  if (state.videos[current] !== v) return; // another video was opened meanwhile
  strip = {
    frames: info.frames,
    values: a ? (scores ? a.outputScores : (a.outputPersons ?? null)) : null,
    scores,
    flagged,
    minScore: a?.minScore ?? null,
  };
  $('overlay-label').textContent = v.overlay === 'masks' ? 'removal masks' : 'changed pixels';
  $('scrub').max = String(Math.max(0, info.frames - 1));
  await player.open(current, info.frames, info.fps);
  document.body.dataset.loaded = v.id;
}

/** @param {string | null} verdict @param {boolean} [advance] go on to the next video after a verdict */
async function mark(verdict, advance = true) {
  if (marking) return; // one mark at a time: a fast second key press must not land on the same video
  marking = true;
  const v = state.videos[current];
  $('save-status').textContent = 'saving…';
  try {
    const r = await api('/api/mark', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ id: v.id, verdict, note: $('note').value }),
    });
    if (r.mark) state.verdicts[v.id] = r.mark;
    else delete state.verdicts[v.id];
    state.summary = r.summary;
    renderVerdict();
    renderList();
  } catch (e) {
    $('save-status').className = 'error';
    $('save-status').textContent = `NOT saved: ${e instanceof Error ? e.message : e}`;
    return;
  } finally {
    marking = false;
  }
  // the next video is current as soon as this returns; its frames load while the reviewer looks
  if (advance && verdict !== null && current < state.videos.length - 1) await openVideo(current + 1);
}

/** @param {'review' | 'summary'} which */
async function showView(which) {
  $('review-view').hidden = which !== 'review';
  $('summary-view').hidden = which !== 'summary';
  $('show-review').classList.toggle('active', which === 'review');
  $('show-summary').classList.toggle('active', which === 'summary');
  document.body.dataset.view = which;
  if (which === 'summary') {
    player.pause();
    state.summary = await api('/api/summary');
    renderSummary($('summary-view'), state.summary, (id) =>
      openVideo(state.videos.findIndex((/** @type {any} */ v) => v.id === id)),
    );
  }
}

document.addEventListener('keydown', (e) => {
  if (e.target instanceof HTMLTextAreaElement) {
    if (e.key === 'Escape') e.target.blur();
    return;
  }
  if (e.ctrlKey || e.metaKey || e.altKey || !state) return;
  const k = e.key.toLowerCase();
  const verdict = VERDICT_KEYS[k];
  const inReview = document.body.dataset.view !== 'summary';
  if (verdict && inReview) mark(verdict);
  else if (k === 'n' || k === 'arrowdown') openVideo(current + 1);
  else if (k === 'p' || k === 'arrowup') openVideo(current - 1);
  else if (k === 'arrowright' && inReview) player.step(1);
  else if (k === 'arrowleft' && inReview) player.step(-1);
  else if (k === ' ' && inReview) player.toggle();
  else if (k === 'm') {
    const order = ['off', 'input', 'output', 'both'];
    $('overlay').value = order[(order.indexOf($('overlay').value) + 1) % order.length];
    player.setOverlay($('overlay').value);
  } else if (k === 's') showView(inReview ? 'summary' : 'review');
  else if (k === 'u' && inReview) mark(null);
  else return;
  e.preventDefault();
});

$('play').addEventListener('click', () => player.toggle());
$('prev-frame').addEventListener('click', () => player.step(-1));
$('next-frame').addEventListener('click', () => player.step(1));
$('scrub').addEventListener('input', () => {
  player.pause();
  player.show(Number($('scrub').value));
});
$('overlay').addEventListener('change', () => player.setOverlay($('overlay').value));
for (const b of document.querySelectorAll('.verdict'))
  b.addEventListener('click', () => mark(b.getAttribute('data-verdict')));
$('note').addEventListener('change', () => {
  const m = state.verdicts[state.videos[current].id];
  if (m) mark(m.verdict, false);
});
$('show-review').addEventListener('click', () => showView('review'));
$('show-summary').addEventListener('click', () => showView('summary'));
/** @type {HTMLCanvasElement} */
const canvas = $('strip');
/** @param {MouseEvent} e */
const seek = (e) => {
  if (player.frames) (player.pause(), player.show(frameAt(canvas, e, player.frames)));
};
canvas.addEventListener('mousedown', seek);
canvas.addEventListener('mousemove', (e) => e.buttons === 1 && seek(e));
window.addEventListener('resize', () => drawStrip(canvas, strip, player.t));

state = await api('/api/state');
$('folder').textContent = state.dir;
if (state.videos.length === 0) $('video-title').textContent = 'no videos in this folder';
else {
  const next = state.summary.next;
  await openVideo(next === null ? 0 : state.videos.findIndex((/** @type {any} */ v) => v.id === next));
}
document.body.dataset.ready = 'true';
