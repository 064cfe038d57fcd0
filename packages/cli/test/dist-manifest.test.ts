import { test } from 'node:test';
import assert from 'node:assert/strict';
import { distManifest } from '../../../scripts/pack/dist-manifest.mjs';

const entry = (base: string) => ({ types: `./dist/${base}.d.ts`, default: `./dist/${base}.js` });

test('points every exports entry at dist/ .js with .d.ts types, keeping condition order', () => {
  const packed = distManifest({
    name: '@latentkit/runtime',
    version: '0.1.0',
    private: true,
    exports: {
      '.': { workerd: './src/web/index.ts', browser: './src/web/index.ts', default: './src/node/index.ts' },
      './http': './src/http/app.ts',
      './package.json': './package.json',
    },
    scripts: { test: 'node --import tsx …' },
    devDependencies: { tsx: '^4' },
    dependencies: { zod: '^4.1.0', '@latentkit/format': 'workspace:*' },
  });
  assert.deepEqual(packed.exports, {
    '.': { workerd: entry('web/index'), browser: entry('web/index'), default: entry('node/index') },
    './http': entry('http/app'),
    './package.json': './package.json',
  });
  assert.deepEqual(Object.keys((packed.exports as Record<string, unknown>)['.'] as object), ['workerd', 'browser', 'default']);
  assert.equal(packed.types, './dist/node/index.d.ts', 'types: the Node branch of "."');
  assert.equal(packed.private, undefined);
  assert.equal(packed.scripts, undefined);
  assert.equal(packed.devDependencies, undefined);
  assert.deepEqual(packed.dependencies, { zod: '^4.1.0', '@latentkit/format': 'workspace:*' }, "workspace: versions are pnpm pack's job");
});

test('maps bin to the built file, and a src/* pattern to the .ts specifiers it served', () => {
  const packed = distManifest({ name: 'latentkit', bin: { latentkit: './src/main.ts' }, exports: { '.': './src/commands.ts', './*': './src/*' } });
  assert.deepEqual(packed.bin, { latentkit: './dist/main.js' });
  assert.deepEqual(packed.exports, { '.': entry('commands'), './*.ts': { types: './dist/*.d.ts', default: './dist/*.js' } });
  assert.equal(packed.types, './dist/commands.d.ts');
});

test('an existing types condition keeps naming declarations only', () => {
  const packed = distManifest({ name: 'z', exports: { './node': { types: './src/node.ts', default: './src/node.ts' } } });
  assert.deepEqual(packed.exports, { './node': { types: './dist/node.d.ts', default: entry('node') } });
});

test('refuses an entry into src/ that is not TypeScript, naming it', () => {
  assert.throws(() => distManifest({ name: 'x', exports: { './styles.css': './src/styles.css' } }), /x exports\["\.\/styles\.css"\]: "\.\/src\/styles\.css" points into src\//);
});

test('leaves a manifest without sources as it is, apart from the workspace-only fields', () => {
  const m = { name: 'y', version: '1.0.0', exports: { '.': './index.js' }, main: './index.js' };
  assert.deepEqual(distManifest(m), m);
});
