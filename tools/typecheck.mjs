#!/usr/bin/env node
// Type-checks one Nx project's files (`node tools/typecheck.mjs libs/bus`), or the whole tree with no
// argument (what `npm run typecheck` does). A project is checked with the root tsconfig.json's options as
// the build compiles it: its own files are the program's roots and only their errors count, the libs they
// import are read for their types (not checked again), so each project's `nx typecheck` costs a fraction
// of the whole program and can be cached on the project's inputs. A project with its own tsconfig.json
// (apps/dashboard's browser code, built with the DOM types) is checked with that one as well.
import { existsSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = resolve(fileURLToPath(import.meta.url), '../..');
const target = process.argv[2] ? resolve(root, process.argv[2]) : undefined;
const inProject = (file) => {
  if (!target) return true;
  if (target === root) return !/^(apps|libs)[\\/]/.test(relative(root, file)); // the root project: tools/, test/, bench/
  return resolve(file).startsWith(target + sep);
};

function parse(tsconfig) {
  const host = { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => report([d]) };
  return ts.getParsedCommandLineOfConfigFile(tsconfig, { noEmit: true }, host);
}

let failed = false;
function report(diagnostics) {
  if (!diagnostics.length) return;
  failed = true;
  const host = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => root, getNewLine: () => '\n' };
  process.stderr.write(ts.formatDiagnosticsWithColorAndContext(diagnostics, host));
}

/** Errors of `tsconfig`'s program in the files `own` keeps (all of them for a project's own tsconfig). */
function check(tsconfig, own) {
  const config = parse(tsconfig);
  if (!config) return 0;
  const rootNames = config.fileNames.filter(own);
  if (!rootNames.length) return 0;
  const program = ts.createProgram({ rootNames, options: config.options, projectReferences: config.projectReferences });
  const diagnostics = [...config.errors, ...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()];
  for (const file of rootNames) {
    const sf = program.getSourceFile(file);
    if (sf) diagnostics.push(...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf));
  }
  report(diagnostics);
  return rootNames.length;
}

let files = check(join(root, 'tsconfig.json'), inProject);
const own = target && target !== root ? join(target, 'tsconfig.json') : join(root, 'apps/dashboard/tsconfig.json');
if (existsSync(own)) files += check(own, () => true);
const what = target ? relative(root, target) || 'the root project (tools, test, bench)' : 'the whole tree';
console.log(`typecheck: ${what}, ${files} file(s): ${failed ? 'errors (above)' : 'no errors'}`);
process.exit(failed ? 1 : 0);
