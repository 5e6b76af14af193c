/**
 * The ImageNet channel statistics (RGB, pixels in [0, 1]) that the ViT normalises its input with
 * (docs/ARCHITECTURE.md §4 "Input"): one home for the model's defaults, the tensor conversion and
 * the augmentations that fill with "mean" pixels.
 */

/** ImageNet channel mean (RGB, [0, 1] pixels). */
export const IMAGENET_MEAN = [0.485, 0.456, 0.406] as const;
/** ImageNet channel standard deviation (RGB, [0, 1] pixels). */
export const IMAGENET_STD = [0.229, 0.224, 0.225] as const;
