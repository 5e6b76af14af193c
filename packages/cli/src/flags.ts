/**
 * Command flags written once: each command declares its flags as a record of zod schemas, and
 * both its argv type ({@link FlagValues}) and its yargs options ({@link withFlags}) derive from it.
 * A schema's kind gives the yargs `type` (or `choices` for an enum or literal set), `.describe()`
 * the help text, `.default()` the default, and a schema that is neither optional nor defaulted is
 * demanded. Only the kinds flags use are understood; anything else is a programming error.
 */
import type { Argv, Options, PositionalOptions } from 'yargs';
import type { z } from 'zod';

/** A command's flags: flag name → schema (with its description, default or optionality). */
export type FlagShape = Readonly<Record<string, z.ZodType>>;

/** The argv values of a flag record: optional flags are `T | undefined`, defaulted ones `T`. */
export type FlagValues<S extends FlagShape> = { readonly [K in keyof S]: z.output<S[K]> };

/** Internal view of a zod schema's definition (only the fields read here). */
interface Def {
  readonly type: string;
  readonly innerType?: z.ZodType;
  readonly element?: z.ZodType;
  readonly entries?: Readonly<Record<string, string | number>>;
  readonly values?: readonly (string | number)[];
  readonly defaultValue?: unknown;
}

const defOf = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

/** The yargs option of one flag's schema. */
export function yargsOption(name: string, schema: z.ZodType): Options & PositionalOptions {
  const opt: Options & PositionalOptions = {};
  let s = schema;
  let demanded = true;
  for (;;) {
    const d = defOf(s);
    opt.describe ??= s.description;
    if (d.type === 'optional') demanded = false;
    else if (d.type === 'default') {
      demanded = false;
      opt.default = d.defaultValue;
    } else break;
    s = d.innerType as z.ZodType;
  }
  opt.describe ??= s.description;
  let d = defOf(s);
  if (d.type === 'array') {
    opt.array = true;
    s = d.element as z.ZodType;
    d = defOf(s);
  }
  if (d.type === 'enum') opt.choices = Object.values(d.entries ?? {});
  else if (d.type === 'literal') opt.choices = [...(d.values ?? [])];
  else if (d.type === 'string' || d.type === 'number' || d.type === 'boolean') opt.type = d.type;
  else throw new Error(`flag --${name}: schema kind "${d.type}" has no yargs equivalent`);
  if (demanded) opt.demandOption = true;
  return opt;
}

/** Adds the flags of `shape` to `y`, in their declaration order. */
export function withFlags<T, S extends FlagShape>(y: Argv<T>, shape: S): Argv<T & FlagValues<S>> {
  let out: Argv<T> = y;
  for (const [name, schema] of Object.entries(shape)) out = out.option(name, yargsOption(name, schema));
  return out as unknown as Argv<T & FlagValues<S>>;
}

/** Adds the positional arguments of `shape` to `y` (names as in the command string). */
export function withPositionals<T, S extends FlagShape>(y: Argv<T>, shape: S): Argv<T & FlagValues<S>> {
  let out: Argv<T> = y;
  for (const [name, schema] of Object.entries(shape)) out = out.positional(name, yargsOption(name, schema));
  return out as unknown as Argv<T & FlagValues<S>>;
}
