/**
 * Atomic file writes: a reader, or a process killed half-way, sees the old file or the new one, never
 * a mix. The bytes go to a temporary file in the target's own folder (same file system, so rename is
 * atomic), are fsync'ed, renamed over the target, and the folder is fsync'ed so the rename survives a
 * power cut (POSIX; where a folder cannot be opened or synced, e.g. Windows, that last step is skipped).
 * On any failure the temporary file is removed and the target is left as it was.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** A fresh temp path beside `path`: `.NAME.PID-RANDOM.tmp` (hidden, unique per writer). */
export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}-${randomBytes(6).toString('hex')}.tmp`);
}

/** Error codes of platforms that cannot fsync a folder; the write itself has succeeded. */
const NO_DIR_SYNC = new Set(['EISDIR', 'EPERM', 'EACCES', 'EINVAL', 'EBADF', 'ENOTSUP', 'EOPNOTSUPP']);

/** fsyncs a folder so renames inside it survive a power cut; a no-op where the platform cannot (see NO_DIR_SYNC). */
export async function syncFolder(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (err) {
    if (!NO_DIR_SYNC.has((err as NodeJS.ErrnoException).code ?? '')) throw err;
  } finally {
    await handle?.close();
  }
}

/**
 * Writes `data` to `path` atomically (see the file comment), creating missing parent folders.
 * Concurrent writers to one path each use their own temp file; the last rename wins whole.
 * @throws the file system's error (ENOSPC, EACCES, EISDIR, ...) after removing the temp file.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  const tmp = tempPathFor(path);
  let handle: FileHandle | undefined;
  try {
    // 'wx': fail rather than share a temp file with another writer.
    handle = await open(tmp, 'wx');
    await handle.writeFile(data);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await rename(tmp, path);
  } catch (err) {
    await handle?.close().catch(() => {});
    await rm(tmp, { force: true });
    throw err;
  }
  await syncFolder(dir);
}

/** `value` as 2-space-indented JSON plus a newline, written with writeFileAtomic. */
export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}
