/** Types of the privacy audit (docs/ARCHITECTURE.md §7): what is audited, the options, and the report. */
import type { FrameBatch, MaskBatch } from './frames.js';
import type { DetectorName, PersonDetector } from './person-detector.js';

/** One input/output pair to audit. */
export interface AuditItem {
  /** Name used for the contact sheet file; default: the output's base name. */
  readonly name?: string;
  readonly input: string;
  readonly output: string;
  /** The removal masks (255 = inpainted), for the sheet and the quality scores. */
  readonly masks?: MaskBatch;
  /**
   * Input frame of each output frame, when the removal dropped frames (default: the same index);
   * the input, the masks and the clean background are matched to the output through it.
   */
  readonly frameMap?: readonly number[];
  /** The true clean background (synthetic data): a video path, frames, or a loader called when the video is audited. */
  readonly clean?: string | FrameBatch | (() => Promise<FrameBatch | null>);
}

/** Options of {@link auditRemoval}. */
export interface AuditOptions {
  readonly items: readonly AuditItem[];
  /** Where `audit.json` and the contact sheets go. */
  readonly outDir: string;
  /**
   * Audit detectors (default: {@link defaultAuditDetectors} of `removalModels`, i.e. `nanodet` and
   * `movenet-multipose` after a removal with rvm and the CenterNet catch). A frame has a residual
   * person when any of them finds one; each is also reported on its own.
   */
  readonly detectors?: readonly DetectorName[];
  /** One audit detector (the same as `detectors: [detector]`). */
  readonly detector?: DetectorName;
  /** Detectors already built (override `detectors`). */
  readonly detectorInstances?: readonly PersonDetector[];
  /** A detector already built (the same as `detectorInstances: [detectorInstance]`). */
  readonly detectorInstance?: PersonDetector;
  /**
   * The models the removal used (segmenter and catch, registry names such as `rvm`, `centernet`),
   * written into the report; an audit detector among them is marked `independent: false`.
   */
  readonly removalModels?: readonly string[];
  /** Score at which a detection counts as a person (default 0.5). */
  readonly minScore?: number;
  /** A video has a residual person when more than this fraction of its frames do (default 0.05). */
  readonly videoFrameRate?: number;
  /** Audit every `inputStride`-th input frame (default 1); output frames are always all audited. */
  readonly inputStride?: number;
  /** Frames shown on the contact sheet (default 4 evenly spaced). */
  readonly sheetFrames?: readonly number[];
}

/** The audit of one video. */
export interface VideoAudit {
  readonly name: string;
  readonly input: string;
  readonly output: string;
  readonly frames: number;
  /** Fraction of audited input frames with at least one person. */
  readonly inputPersonRate: number;
  /** Fraction of output frames with at least one person: the residual-person rate. */
  readonly residualRate: number;
  /** Output frames with a residual person. */
  readonly residualFrames: readonly number[];
  /** Persons detected per output frame (the most any audit detector found). */
  readonly outputPersons: readonly number[];
  /** The same, per audit detector. */
  readonly byDetector: Readonly<
    Record<string, { readonly inputPersonRate: number; readonly residualFrames: readonly number[] }>
  >;
  readonly hasResidual: boolean;
  /** PSNR / SSIM of the inpainted region against the clean background (synthetic data only). */
  readonly psnr?: number;
  readonly ssim?: number;
  readonly sheet: string;
}

/** One audit detector's figures over all videos. */
export interface DetectorAudit {
  readonly name: string;
  readonly licence: string;
  /** False when the removal used this model too (it then grades its own work). */
  readonly independent: boolean;
  readonly residualFrameRate: number;
  readonly residualVideoRate: number;
  readonly inputPersonRate: number;
}

/** The whole audit. */
export interface AuditReport {
  /** The audit detectors, `+`-joined (e.g. `nanodet+movenet-multipose`). */
  readonly detector: string;
  readonly detectorLicence: string;
  /** Which models removed the people and which audited the result. */
  readonly models: { readonly removal: readonly string[]; readonly audit: readonly string[] };
  readonly detectors: readonly DetectorAudit[];
  /**
   * Set when the detectors hardly see the people of the input (fewer than 20% of the audited input
   * frames with a person, as on small synthetic clips): the residual rates say little there, and the
   * PSNR/SSIM against the known clean plates are the measure to read.
   */
  readonly caveat?: string;
  readonly minScore: number;
  readonly videoFrameRate: number;
  readonly videos: readonly VideoAudit[];
  readonly summary: {
    readonly videos: number;
    readonly frames: number;
    /** Output frames with a residual person / all output frames. */
    readonly residualFrameRate: number;
    /** Videos with a residual person / all videos. */
    readonly residualVideoRate: number;
    /** Mean over videos of the fraction of audited input frames with a person (is the detector seeing people at all?). */
    readonly inputPersonRate: number;
    readonly meanPsnr?: number;
    readonly meanSsim?: number;
  };
}
