#!/usr/bin/env node
/**
 * `pnpm build`: every workspace package's src/ to dist/ as ESM JavaScript plus .d.ts, for the
 * packed packages (the workspace itself runs the TypeScript sources through tsx).
 *
 * One TypeScript program over all packages (they import each other's sources, so one program
 * compiles each file once), with `rewriteRelativeImportExtensions` turning `./x.ts` imports into
 * `./x.js`; each emitted file under `<pkg>/src/` is written to `<pkg>/dist/`. Then every file of
 * src/ that is not TypeScript (e.g. export's onnx.proto) is copied beside it, and a package's own
 * `build` script, if it has one, runs last (the demo builds its site into dist/site).
 *
 *   node scripts/pack/build.mjs [--no-scripts]
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import ts from 'typescript';
import { ROOT, workspacePackages } from './workspace.mjs';

const isTest = (f) => /\.test\.[cm]?[jt]s$/.test(f);

function walk(dir, files = []) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return files;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, files);
    else files.push(p);
  }
  return files;
}

/** @returns {{ seconds: number, packages: string[] }} */
export function build({ scripts = true, log = (m) => console.log(m) } = {}) {
  const t0 = performance.now();
  // Each package's src/ files, listed once: the program's roots and the non-TypeScript files to copy.
  const packages = workspacePackages()
    .map((p) => ({ ...p, files: walk(join(p.dir, 'src')) }))
    .filter((p) => p.files.some((f) => f.endsWith('.ts')));
  for (const p of packages) rmSync(join(p.dir, 'dist'), { recursive: true, force: true });

  const base = ts.readConfigFile(join(ROOT, 'tsconfig.base.json'), ts.sys.readFile);
  if (base.error) throw new Error(ts.flattenDiagnosticMessageText(base.error.messageText, '\n'));
  const parsed = ts.convertCompilerOptionsFromJson(base.config.compilerOptions, ROOT);
  const packagesRoot = join(ROOT, 'packages');
  const virtualOut = join(ROOT, '.pack-out'); // never written: writeFile below redirects every file
  /** @type {ts.CompilerOptions} */
  const options = {
    ...parsed.options,
    noEmit: false,
    allowImportingTsExtensions: false,
    rewriteRelativeImportExtensions: true,
    declaration: true,
    sourceMap: false,
    rootDir: packagesRoot,
    outDir: virtualOut,
    typeRoots: [join(ROOT, 'node_modules', '@types')],
  };
  const rootNames = packages.flatMap((p) => p.files.filter((f) => f.endsWith('.ts') && !isTest(f)));
  const program = ts.createProgram({ rootNames, options });

  const written = new Map();
  const writeFile = (file, text) => {
    // <virtualOut>/<pkg>/src/a/b.js -> packages/<pkg>/dist/a/b.js; files of other folders (a test
    // helper some source imports) are not part of any package's build.
    const parts = relative(virtualOut, file).split(sep);
    const pkg = packages.find((p) => relative(packagesRoot, p.dir) === parts[0]);
    if (!pkg || parts[1] !== 'src') return;
    const dest = join(pkg.dir, 'dist', ...parts.slice(2));
    mkdirSync(dirname(dest), { recursive: true });
    writeFileSync(dest, text);
    written.set(pkg.manifest.name, (written.get(pkg.manifest.name) ?? 0) + 1);
  };
  const emitted = program.emit(undefined, writeFile);
  const problems = [...ts.getPreEmitDiagnostics(program), ...emitted.diagnostics];
  if (problems.length > 0) {
    const host = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => ROOT, getNewLine: () => '\n' };
    throw new Error(`build: TypeScript reported ${problems.length} problem(s):\n${ts.formatDiagnostics(problems.slice(0, 20), host)}`);
  }

  for (const p of packages) {
    const src = join(p.dir, 'src');
    for (const f of p.files) {
      // Test data and test helpers' files (testdata/, testing/) are not part of a package.
      if (f.endsWith('.ts') || isTest(f) || f.endsWith('.md') || /(^|[\\/])(testdata|testing)[\\/]/.test(relative(src, f))) continue;
      const dest = join(p.dir, 'dist', relative(src, f));
      mkdirSync(dirname(dest), { recursive: true });
      copyFileSync(f, dest);
    }
    log(`build: ${p.manifest.name}: ${written.get(p.manifest.name) ?? 0} files in ${relative(ROOT, join(p.dir, 'dist'))}`);
  }
  if (scripts) {
    for (const p of packages) {
      if (!p.manifest.scripts?.build) continue;
      log(`build: ${p.manifest.name}: its build script (${p.manifest.scripts.build})`);
      const r = spawnSync('pnpm', ['run', 'build'], { cwd: p.dir, stdio: ['ignore', 'inherit', 'inherit'] });
      if (r.status !== 0) throw new Error(`build: ${p.manifest.name}'s build script failed (exit ${r.status ?? r.signal})`);
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  log(`build: ${packages.length} packages in ${seconds.toFixed(1)} s`);
  return { seconds, packages: packages.map((p) => p.dir) };
}

if (process.argv[1] && import.meta.url === `file://${process.argv[1]}`) {
  try {
    build({ scripts: !process.argv.includes('--no-scripts') });
  } catch (e) {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  }
}
