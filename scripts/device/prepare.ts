/**
 * Packs what gpu-check.sh needs on a lent GPU machine that has no Node.js and reaches no registry,
 * into one archive under the device tool's 64 MiB carry limit:
 *   bin/node                   this machine's Node.js binary (process.execPath; Linux x64)
 *   app/gpu-check.mjs          packages/runtime/device/gpu-check.ts and its TypeScript/JS dependencies, bundled by esbuild
 *   app/node_modules/webgpu    Dawn for Node: index.js + the linux-x64 dawn.node only
 *   app/node_modules/onnxruntime-node, onnxruntime-common: JS + the linux-x64 binaries only
 *   app/torch_reference.py     the PyTorch reference (packages/train/bench)
 *   lib/libvulkan.so.1         the Vulkan loader, used only where the machine lacks one
 *   data/fashion-train.u8.xz   the real Fashion-MNIST training split (60,000 x 28 x 28 bytes)
 * xz-compressed: ~99 MB of Node and ~46 MB of onnxruntime shrink to a fraction.
 *
 * usage: node --import tsx scripts/device/prepare.ts [--out .device-pack]
 * Writes <out>/pack.tar.xz and <out>/MANIFEST.txt; fails when the archive exceeds 63 MiB (the carry limit is 64).
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { defaultCacheDir } from '../../packages/data/src/fashion-mnist/fashion-mnist.ts';
import { loadFashionCache } from '../../packages/data/src/fashion-mnist/fashion-mnist-cache.ts';

const LIMIT = 63 * 1024 * 1024;
const root = resolve(import.meta.dirname, '../..');
const { values: args } = parseArgs({ options: { out: { type: 'string', default: join(root, '.device-pack') } } });
const out = resolve(args.out!);
const stage = join(out, 'stage');

if (process.platform !== 'linux' || process.arch !== 'x64') {
  throw new Error(`prepare.ts packs Linux x64 binaries; this is ${process.platform}-${process.arch}`);
}
rmSync(out, { recursive: true, force: true });
mkdirSync(join(stage, 'bin'), { recursive: true });
mkdirSync(join(stage, 'app/node_modules'), { recursive: true });
mkdirSync(join(stage, 'lib'), { recursive: true });
mkdirSync(join(stage, 'data'), { recursive: true });

// Node.js itself.
copyFileSync(process.execPath, join(stage, 'bin/node'));
// Debian's build carries debug info and a symbol table (99 MB; 86 MB without). Native addons link
// against .dynsym, which strip keeps (dawn.node and onnxruntime-node load from the stripped binary).
execFileSync('strip', ['--strip-all', join(stage, 'bin/node')]);

// The bundle. Native packages stay external and travel as folders below.
await build({
  entryPoints: [join(root, 'packages/runtime/device/gpu-check.ts')],
  outfile: join(stage, 'app/gpu-check.mjs'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['webgpu', 'onnxruntime-node'],
  // CommonJS dependencies inside an ESM bundle call require(); give them one.
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  logLevel: 'warning',
});

/** A package's folder as installed for `fromPackage` (pnpm links each package's own dependencies). */
function packageDir(name: string, fromPackage: string): string {
  const req = createRequire(join(root, fromPackage, 'package.json'));
  let dir = dirname(req.resolve(name));
  while (!existsSync(join(dir, 'package.json')) || JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name !== name) dir = dirname(dir);
  return realpathSync(dir);
}

const webgpu = packageDir('webgpu', 'packages/train');
for (const f of ['package.json', 'index.js', 'dist/linux-x64/dawn.node']) {
  mkdirSync(dirname(join(stage, 'app/node_modules/webgpu', f)), { recursive: true });
  copyFileSync(join(webgpu, f), join(stage, 'app/node_modules/webgpu', f));
}
const ortNode = packageDir('onnxruntime-node', 'packages/runtime');
for (const f of ['package.json', 'dist', 'bin/napi-v6/linux/x64']) {
  cpSync(join(ortNode, f), join(stage, 'app/node_modules/onnxruntime-node', f), { recursive: true });
}
const ortCommon = realpathSync(join(ortNode, '..', 'onnxruntime-common'));
cpSync(ortCommon, join(stage, 'app/node_modules/onnxruntime-common'), { recursive: true });
copyFileSync(join(root, 'packages/train/bench/torch_reference.py'), join(stage, 'app/torch_reference.py'));
// The exporter reads its version from "../package.json" next to its own file; in the bundle that is
// the folder above app/.
copyFileSync(join(root, 'packages/export/package.json'), join(stage, 'package.json'));
// ... and its ONNX schema from "./onnx.proto" next to its file: in the bundle, app/.
copyFileSync(join(root, 'packages/export/src/proto/onnx.proto'), join(stage, 'app/onnx.proto'));

const vulkan = ['/usr/lib/x86_64-linux-gnu/libvulkan.so.1', '/usr/lib/chromium/libvulkan.so.1'].find((p) => existsSync(p));
if (vulkan) copyFileSync(vulkan, join(stage, 'lib/libvulkan.so.1'));
else console.warn('no libvulkan.so.1 here (apt-get install libvulkan1): the GPU machine must have its own');

// The real training split, as the Fashion-MNIST cache holds it, compressed on its own with xz's delta
// filter over one image row (28 bytes: each byte minus the one above it), which suits images.
const cache = await loadFashionCache(defaultCacheDir());
writeFileSync(join(stage, 'data/fashion-train.u8'), cache.train.pixels);
execFileSync('xz', ['-T2', '--delta=dist=28', '--lzma2=preset=6', join(stage, 'data/fashion-train.u8')]);

execFileSync('tar', ['-C', stage, '-cf', join(out, 'pack.tar.xz'), '-I', 'xz -9 -T2', '.'], { stdio: 'inherit' });
const sizes = execFileSync('du', ['-ab', '--max-depth=3', stage], { encoding: 'utf8' });
rmSync(stage, { recursive: true, force: true });
const packed = statSync(join(out, 'pack.tar.xz')).size;
const manifest = `pack.tar.xz: ${(packed / 2 ** 20).toFixed(1)} MiB (node ${process.version}, ${cache.train.pixels.length / 784} Fashion-MNIST training images)\nunpacked bytes:\n${sizes}`;
writeFileSync(join(out, 'MANIFEST.txt'), manifest);
console.log(manifest.split('\n')[0]);
if (packed > LIMIT) throw new Error(`pack.tar.xz is ${(packed / 2 ** 20).toFixed(1)} MiB, over the ${LIMIT / 2 ** 20} MiB that may travel`);
