/**
 * Finding the images of a folder: every file under it (recursively, symlinks not followed, dot
 * files and folders skipped) whose extension is an image format sharp decodes, sorted by relative
 * path with `/` separators so the order (and so the validation split and the cache key) is the same
 * on every machine.
 */
import { readdirSync, statSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { DataError } from '../errors.ts';

/** Extensions read, lower-case: PNG, JPEG, WebP, GIF (first frame), TIFF. */
export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg', '.webp', '.gif', '.tif', '.tiff'] as const;

export interface ImageFile {
  /** Path relative to the folder, `/`-separated. */
  rel: string;
  size: number;
  mtimeMs: number;
}

export interface Scan {
  images: ImageFile[];
  /** Files that are not images by extension (a CSV, notes, ...). */
  otherFiles: number;
}

function isImageName(name: string): boolean {
  const lower = name.toLowerCase();
  return IMAGE_EXTENSIONS.some((e) => lower.endsWith(e));
}

/**
 * Lists the images under `dir` (see the module comment).
 * @throws DataError when `dir` is not a readable folder, is empty, or holds no image files (the
 *   message names the extensions looked for and how many other files were found).
 */
export function scanImageFolder(dir: string): Scan {
  let st: Stats;
  try {
    st = statSync(dir);
  } catch {
    throw new DataError(`image folder ${dir} does not exist`, { file: dir });
  }
  if (!st.isDirectory()) throw new DataError(`${dir} is not a folder; pass a folder of images`, { file: dir });
  const images: ImageFile[] = [];
  let otherFiles = 0;
  const walk = (abs: string, rel: string) => {
    for (const entry of readdirSync(abs, { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      const childAbs = join(abs, entry.name);
      const childRel = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(childAbs, childRel);
      else if (entry.isFile()) {
        if (isImageName(entry.name)) {
          const s = statSync(childAbs);
          images.push({ rel: childRel, size: s.size, mtimeMs: Math.floor(s.mtimeMs) });
        } else otherFiles++;
      }
    }
  };
  walk(dir, '');
  if (images.length === 0) {
    throw new DataError(
      otherFiles === 0
        ? `image folder ${dir} is empty; put PNG, JPEG, WebP, GIF or TIFF images in it (subfolders are read too)`
        : `image folder ${dir} holds ${otherFiles} file(s) but no images (looked for ${IMAGE_EXTENSIONS.join(' ')})`,
      { file: dir },
    );
  }
  images.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  return { images, otherFiles };
}
