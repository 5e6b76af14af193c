#!/usr/bin/env node
// Lists every name exported from the `src/index.ts` of two or more packages, with its kind
// (type/value) in each, following `export *` chains through the TypeScript checker. A name one
// package re-exports from another (the same declaration) is listed as a re-export, not a clash.
// Usage (from the repo root): node tools/exported-names.mjs
import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

const indexes = readdirSync('packages')
  .map((p) => ({ pkg: p, file: join('packages', p, 'src', 'index.ts') }))
  .filter((x) => existsSync(x.file));
const program = ts.createProgram(
  indexes.map((x) => x.file),
  {
    noEmit: true,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    customConditions: ['@ppma/source'],
    strict: true,
  },
);
const checker = program.getTypeChecker();

/** name -> [{ pkg, decl, kind }] */
const byName = new Map();
for (const { pkg, file } of indexes) {
  const sf = program.getSourceFile(file);
  const mod = sf && checker.getSymbolAtLocation(sf);
  if (!mod) continue;
  for (const sym of checker.getExportsOfModule(mod)) {
    const target = sym.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(sym) : sym;
    const d = target.declarations?.[0];
    const where = d
      ? `${relative('.', d.getSourceFile().fileName)}:${d.getSourceFile().getLineAndCharacterOfPosition(d.getStart()).line + 1}`
      : '?';
    const kind = target.flags & ts.SymbolFlags.Value ? 'value' : 'type';
    const list = byName.get(sym.name) ?? [];
    list.push({ pkg, where, kind });
    byName.set(sym.name, list);
  }
}
const rows = [...byName].filter(([, l]) => l.length > 1).sort(([a], [b]) => a.localeCompare(b));
let clashes = 0;
for (const [name, list] of rows) {
  const homes = new Set(list.map((l) => l.where));
  const clash = homes.size > 1;
  if (clash) clashes++;
  console.log(`${clash ? 'CLASH  ' : 're-exp '} ${name}`);
  for (const l of list) console.log(`          ${l.pkg.padEnd(12)} ${l.kind.padEnd(5)} ${l.where}`);
}
console.log(`${rows.length} name(s) exported by two or more packages, ${clashes} with different declarations`);
