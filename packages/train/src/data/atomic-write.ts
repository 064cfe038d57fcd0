/** Atomic file writes: a temp file in the target folder, then rename, so readers never see half a file. */
import { mkdir, open, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';

/** Writes `data` (or its parts, in order) to `path` so that readers see the old file or the whole new one. */
export async function writeFileAtomic(path: string, data: Uint8Array | string | Array<Uint8Array>): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  // pid + random suffix: concurrent writers (several test processes building one cache) never collide.
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    if (Array.isArray(data)) {
      const fh = await open(tmp, 'w');
      try {
        for (const part of data) await fh.writeFile(part); // writeFile writes all of it, from the current position
      } finally {
        await fh.close();
      }
    } else {
      await writeFile(tmp, data);
    }
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}
