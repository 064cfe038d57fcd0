/**
 * Where the demo's site sources and its build live, without importing Vite: the installed package
 * serves the site built into it (dist/site) and has neither Vite nor the sources.
 */
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** The package folder (src/build/ and dist/build/ are both two levels below it). */
export const PACKAGE_DIR = fileURLToPath(new URL('../../', import.meta.url));
/** The site's sources: index.html, main.ts, page.css (in the workspace only). */
export const SITE_ROOT = join(PACKAGE_DIR, 'site');
/** The built site; `pnpm build` puts it here, and the packed package ships it. */
export const DEFAULT_OUT_DIR = join(PACKAGE_DIR, 'dist', 'site');
