/** Reads bundle files from a folder on disk (Node only). */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FileReader } from '../common/bundle.ts';

export function folderReader(folder: string): FileReader {
  return async (name) => {
    try {
      return new Uint8Array(await readFile(join(folder, name)));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
  };
}
