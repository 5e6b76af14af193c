// @ts-check
/**
 * The synced pair: the input and the output frame (and the overlay on each) always show the same
 * frame index, because both are fetched as PNG frames by index. Playback advances only when every
 * picture of the current frame has loaded, so the pair never drifts apart; the next frames are
 * fetched ahead so playback runs near the video's rate.
 */

/** @param {HTMLImageElement} img @param {string} src @returns {Promise<void>} */
function load(img, src) {
  return new Promise((resolve) => {
    if (img.getAttribute('src') === src && img.complete) return resolve();
    img.onload = () => resolve();
    img.onerror = () => resolve();
    img.src = src;
  });
}

export class Player {
  /**
   * @param {{ input: HTMLImageElement, output: HTMLImageElement, inputMask: HTMLImageElement, outputMask: HTMLImageElement }} imgs
   * @param {(t: number) => void} onFrame called after a frame is shown
   */
  constructor(imgs, onFrame) {
    this.imgs = imgs;
    this.onFrame = onFrame;
    this.video = -1;
    this.frames = 0;
    this.fps = 25;
    this.t = 0;
    /** @type {'off' | 'input' | 'output' | 'both'} where the overlay is drawn */
    this.overlay = 'off';
    this.playing = false;
    /** @type {Map<string, HTMLImageElement>} */
    this.ahead = new Map();
    this.token = 0;
  }

  /** @param {number} video @param {string} kind @param {number} t */
  url(video, kind, t) {
    return `/api/frame/${video}/${kind}/${t}.png`;
  }

  /** Opens a video at frame 0. @param {number} video @param {number} frames @param {number} fps */
  async open(video, frames, fps) {
    this.pause();
    this.video = video;
    this.frames = frames;
    this.fps = fps > 0 ? fps : 25;
    this.ahead.clear();
    await this.show(0);
  }

  /** Shows frame `t` in both panels. @param {number} t */
  async show(t) {
    if (this.frames === 0) return;
    const token = ++this.token;
    this.t = Math.min(this.frames - 1, Math.max(0, t));
    const v = this.video;
    const jobs = [
      load(this.imgs.input, this.url(v, 'input', this.t)),
      load(this.imgs.output, this.url(v, 'output', this.t)),
    ];
    const on = {
      input: this.overlay === 'input' || this.overlay === 'both',
      output: this.overlay === 'output' || this.overlay === 'both',
    };
    for (const [m, show] of /** @type {const} */ ([
      [this.imgs.inputMask, on.input],
      [this.imgs.outputMask, on.output],
    ])) {
      m.hidden = !show;
      if (show) jobs.push(load(m, this.url(v, 'mask', this.t)));
    }
    await Promise.all(jobs);
    if (token !== this.token) return;
    this.onFrame(this.t);
    this.prefetch(this.t + 1, 8);
  }

  /** @param {number} from @param {number} n */
  prefetch(from, n) {
    for (let t = from; t < Math.min(this.frames, from + n); t++)
      for (const kind of this.overlay !== 'off' ? ['input', 'output', 'mask'] : ['input', 'output']) {
        const key = `${this.video}/${kind}/${t}`;
        if (this.ahead.has(key)) continue;
        const img = new Image();
        img.src = this.url(this.video, kind, t);
        this.ahead.set(key, img);
        if (this.ahead.size > 96) this.ahead.delete(this.ahead.keys().next().value ?? '');
      }
  }

  /** @param {number} d */
  step(d) {
    this.pause();
    return this.show(this.t + d);
  }

  /** @param {'off' | 'input' | 'output' | 'both'} where */
  setOverlay(where) {
    this.overlay = where;
    return this.show(this.t);
  }

  toggle() {
    if (this.playing) this.pause();
    else this.play();
  }

  async play() {
    if (this.playing || this.frames === 0) return;
    this.playing = true;
    if (this.t >= this.frames - 1) await this.show(0);
    while (this.playing && this.t < this.frames - 1) {
      const t0 = performance.now();
      await this.show(this.t + 1);
      const wait = 1000 / this.fps - (performance.now() - t0);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    this.playing = false;
    this.onFrame(this.t);
  }

  pause() {
    this.playing = false;
  }
}
