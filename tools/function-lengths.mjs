#!/usr/bin/env node
// Lists every function, method, accessor, constructor and arrow function in `packages/*/src` longer
// than N lines (default 120), counting every line from the first to the last of the declaration,
// as ESLint's `max-lines-per-function` does with `skipBlankLines: false, skipComments: false`.
// Usage (from the repo root, so `typescript` resolves): node tools/function-lengths.mjs [N] [dir...]
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

const args = process.argv.slice(2);
const limit = args.length > 0 && /^\d+$/.test(args[0]) ? Number(args.shift()) : 120;
const roots =
  args.length > 0
    ? args
    : readdirSync('packages')
        .map((p) => join('packages', p, 'src'))
        .filter((p) => statSync(p, { throwIfNoEntry: false })?.isDirectory());

/** Every `.ts` file below `dir` (not declaration files). */
function tsFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' || e.name === 'dist' ? [] : tsFiles(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

/** A readable name for a function-like node. */
function nameOf(node) {
  if (node.name !== undefined) return node.name.getText();
  if (ts.isConstructorDeclaration(node)) return 'constructor';
  const parent = node.parent;
  if (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent)) {
    return parent.name.getText();
  }
  return '<anonymous>';
}

const rows = [];
for (const file of roots.flatMap(tsFiles)) {
  const text = readFileSync(file, 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const visit = (node) => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body !== undefined) {
      const first = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const last = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      const lines = last - first + 1;
      if (lines > limit) rows.push({ file: relative('.', file), line: first + 1, name: nameOf(node), lines });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
}
rows.sort((a, b) => b.lines - a.lines);
for (const r of rows) console.log(`${String(r.lines).padStart(5)}  ${r.file}:${r.line}  ${r.name}`);
console.log(`${rows.length} function(s) over ${limit} lines`);
