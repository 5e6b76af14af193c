/**
 * Optional keys without `undefined` values: the one home of `...(x === undefined ? {} : { x })`.
 * Records written as JSON, safetensors metadata and option objects passed on keep a key only when
 * it has a value, so `'key' in o` and `Object.keys(o)` mean "given".
 */

/** `T` with the keys whose type admits `undefined` made optional and their `undefined` removed. */
export type DefinedOnly<T> = {
  [K in keyof T as undefined extends T[K] ? never : K]: T[K];
} & {
  [K in keyof T as undefined extends T[K] ? K : never]?: Exclude<T[K], undefined>;
};

/**
 * A copy of `o` without the keys whose value is `undefined` (`null`, `0`, `''` and `false` are
 * kept). Spread it where an optional key should be absent rather than `undefined`:
 * `{ ...base, ...definedOnly({ seed, stride }) }`.
 */
export function definedOnly<T extends object>(o: T): DefinedOnly<T> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out as DefinedOnly<T>;
}
