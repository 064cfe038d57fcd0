/**
 * A bundle folder written whole or not at all. The files go into a temporary folder beside the target
 * (`.NAME.PID-RANDOM.tmp`, same file system, so renames are atomic), each fsynced, the folder fsynced;
 * then the old folder is renamed aside, the new one renamed into place, the old one removed, and the
 * parent fsynced. A reader sees the old bundle or the new one; between the two renames (microseconds)
 * the path is briefly absent, the price of not having renameat2(RENAME_EXCHANGE) in Node.
 *
 * With `keep` (the default) the new folder starts as a copy of the old one, so files this export does
 * not write (attributes.json, the models of a partial export) survive, as they did when files were
 * written into the folder one by one.
 *
 * Any failure (a full disk, a read-only or forbidden folder) removes the temporary folder, leaves the
 * previous bundle as it was, and throws BundleWriteError: one line naming the path and the cause.
 * This is @latentkit/format's writeFileAtomic (node/atomic-write.ts) for a folder of files.
 */
import { existsSync } from 'node:fs';
import { cp, mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { syncFolder, tempPathFor } from '@latentkit/format/node';
import { BundleWriteError } from '../errors.ts';

export interface BundleFile {
  /** File name inside the bundle, e.g. 'decoder.onnx'. */
  name: string;
  data: string | Uint8Array;
}

/** The file operations the writer uses; tests replace `writeFile` to inject ENOSPC. */
export interface BundleWriterIo {
  /** Writes and fsyncs one new file. */
  writeFile(path: string, data: string | Uint8Array): Promise<void>;
}

async function writeAndSync(path: string, data: string | Uint8Array): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(path, 'w');
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle?.close();
  }
}

/**
 * Writes `files` as the folder `outDir` (see the file comment) and returns their paths.
 * @throws BundleWriteError naming `outDir` and the file system's error; the old folder is untouched.
 */
export async function writeBundleFolder(
  outDir: string,
  files: readonly BundleFile[],
  options: { keep?: boolean; io?: BundleWriterIo } = {},
): Promise<string[]> {
  const io = options.io ?? { writeFile: writeAndSync };
  const parent = dirname(outDir);
  const tmp = tempPathFor(outDir);
  const old = tmp.replace(/\.tmp$/, '.old');
  const existed = existsSync(outDir);
  let step = 'create';
  try {
    await mkdir(parent, { recursive: true });
    if (existed && options.keep !== false) {
      step = 'copy the previous bundle into';
      await cp(outDir, tmp, { recursive: true, errorOnExist: true, force: false });
    } else {
      await mkdir(tmp);
    }
    step = 'write';
    for (const f of files) await io.writeFile(join(tmp, f.name), f.data);
    await syncFolder(tmp);
    step = 'replace';
    if (existed) await rename(outDir, old);
    try {
      await rename(tmp, outDir);
    } catch (err) {
      if (existed) await rename(old, outDir);
      throw err;
    }
  } catch (err) {
    await rm(tmp, { recursive: true, force: true }).catch(() => {});
    throw BundleWriteError.from(err, outDir, step, existed);
  }
  // The new bundle is in place; what follows only tidies up.
  await rm(old, { recursive: true, force: true }).catch(() => {});
  await syncFolder(parent).catch(() => {});
  return files.map((f) => join(outDir, f.name));
}
