/**
 * Does the native engine load? Checked in a child process, because a broken native library can
 * abort the process that loads it, and a failed require of a native addon cannot be retried in the
 * same process after the files are fixed.
 *
 *   probeTfjsNode(pkgDir): Promise<ProbeResult>      // require('@tensorflow/tfjs-node') as training does
 *   probeAddon(addonFile): Promise<ProbeResult>      // just the built tfjs_binding.node (before install)
 */
import { execFile } from 'node:child_process';

export type ProbeResult =
  | { ok: true; tensorflow: string; libraries: string[] }
  | { ok: false; error: string };

const TIMEOUT_MS = 120_000;

// Runs in the child (CommonJS, `node -e`): loads the target and prints what runs, as JSON.
const CHILD = (load: string) => `
const target = process.argv[1];
${load}
const maps = require('fs').readFileSync('/proc/self/maps', 'utf8');
const libraries = [...new Set(maps.split('\\n').map((l) => l.split(/\\s+/)[5] ?? '').filter((p) => /\\/libtensorflow[^/]*\\.so/.test(p)))];
libraries.sort((a, b) => Number(a.includes('_framework')) - Number(b.includes('_framework')));
console.log('PROBE ' + JSON.stringify({ tensorflow, libraries }));
`;

const LOAD_PACKAGE = `process.env.TF_CPP_MIN_LOG_LEVEL ??= '2';
const tf = require(target);
if (tf.getBackend() !== 'tensorflow') throw new Error('backend is ' + tf.getBackend() + ', not tensorflow');
const tensorflow = tf.backend().binding.TF_Version;`;

const LOAD_ADDON = `process.env.TF_CPP_MIN_LOG_LEVEL ??= '2';
const tensorflow = require(target).TF_Version;`;

export function probeTfjsNode(pkgDir: string): Promise<ProbeResult> {
  return probe(CHILD(LOAD_PACKAGE), pkgDir);
}

export function probeAddon(addonFile: string): Promise<ProbeResult> {
  return probe(CHILD(LOAD_ADDON), addonFile);
}

function probe(script: string, target: string): Promise<ProbeResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['-e', script, target], { timeout: TIMEOUT_MS, maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      const line = stdout.split('\n').find((l) => l.startsWith('PROBE '));
      if (!error && line) {
        const got = JSON.parse(line.slice('PROBE '.length)) as { tensorflow: string; libraries: string[] };
        resolve({ ok: true, ...got });
        return;
      }
      resolve({ ok: false, error: firstError(stderr) ?? error?.message.split('\n')[0] ?? 'no output' });
    });
  });
}

/** The line of a child's stderr that says what went wrong (node prints the thrown message there). */
function firstError(stderr: string): string | undefined {
  const lines = stderr.split('\n').map((l) => l.trim()).filter(Boolean);
  return lines.find((l) => /^(Error|TypeError|RangeError)\b|: cannot open shared object|can not be found/.test(l)) ?? lines[0];
}
