/**
 * The packed package.json of a workspace package: the same manifest with every entry that points at
 * TypeScript sources pointed at the build instead. In the workspace, `exports` and `bin` name
 * `./src/X.ts` (tsx runs them); in the tarball they name `./dist/X.js`, with `./dist/X.d.ts` as the
 * `types` condition. Derived from the manifest itself, so a new entry or package needs no edit here.
 *
 *   exports "./http": "./src/http/app.ts"
 *     -> "./http": { "types": "./dist/http/app.d.ts", "default": "./dist/http/app.js" }
 *   conditions keep their order: { "browser": "./src/web/index.ts", "default": "./src/node/index.ts" }
 *     -> { "browser": { "types": …, "default": "./dist/web/index.js" }, "default": { … } }
 *   a pattern "./*": "./src/*" -> "./*.ts": { "types": "./dist/*.d.ts", "default": "./dist/*.js" }
 *     (specifiers written with .ts, as workspace code does, resolve to the built files)
 *   bin { "latentkit": "./src/main.ts" } -> { "latentkit": "./dist/main.js" }
 *
 * Also: `types` names the "." entry's declarations, `scripts` and `devDependencies` go (they run
 * workspace tooling), and `private` must be absent. `workspace:*` versions are pnpm pack's job.
 */

const SRC = './src/';

/** `./src/a/b.ts` -> `{ types: './dist/a/b.d.ts', default: './dist/a/b.js' }`; other targets unchanged. */
function mapTarget(target, where) {
  if (target === null) return null;
  if (typeof target === 'string') {
    if (!target.startsWith(SRC)) return target;
    const rest = target.slice(SRC.length);
    if (rest.endsWith('.ts')) {
      const base = rest.slice(0, -'.ts'.length);
      return { types: `./dist/${base}.d.ts`, default: `./dist/${base}.js` };
    }
    throw new Error(`${where}: "${target}" points into src/ but not at a .ts file; name the .ts entry, or put the asset outside src/`);
  }
  if (Array.isArray(target)) return target.map((t, i) => mapTarget(t, `${where}[${i}]`));
  if (typeof target === 'object') {
    return Object.fromEntries(
      Object.entries(target).map(([cond, t]) => {
        const mapped = mapTarget(t, `${where}.${cond}`);
        // A `types` condition already there keeps naming declarations only.
        return [cond, cond === 'types' && mapped && typeof mapped === 'object' && 'types' in mapped ? mapped.types : mapped];
      }),
    );
  }
  throw new Error(`${where}: unexpected exports value ${JSON.stringify(target)}`);
}

/** A subpath pattern onto src/ (`"./*": "./src/*"`): the `.ts` specifiers it served, onto dist. */
function mapPattern(key, target, where) {
  if (typeof target === 'string' && target.startsWith(SRC) && target.endsWith('*') && key.endsWith('*')) {
    return [`${key}.ts`, mapTarget(`${target}.ts`, where)];
  }
  return [key, mapTarget(target, where)];
}

/**
 * @param {Record<string, unknown>} manifest a workspace package.json
 * @returns {Record<string, unknown>} the package.json that goes into its tarball
 * @throws {Error} when an entry points into src/ at something that is not a .ts file
 */
export function distManifest(manifest) {
  const out = { ...manifest };
  const name = String(manifest.name);
  if (manifest.exports !== undefined) {
    const exp = manifest.exports;
    if (typeof exp === 'string' || Array.isArray(exp) || !Object.keys(exp).every((k) => k.startsWith('.'))) {
      out.exports = mapTarget(exp, `${name} exports`);
    } else {
      out.exports = Object.fromEntries(
        Object.entries(exp).map(([key, target]) =>
          key.includes('*') ? mapPattern(key, target, `${name} exports["${key}"]`) : [key, mapTarget(target, `${name} exports["${key}"]`)],
        ),
      );
    }
    const root = typeof exp === 'object' && !Array.isArray(exp) && '.' in exp ? exp['.'] : exp;
    const types = firstTypes(mapTarget(root, `${name} exports["."]`));
    if (types) out.types = types;
  }
  if (typeof manifest.bin === 'string') out.bin = jsOf(manifest.bin, `${name} bin`);
  else if (manifest.bin && typeof manifest.bin === 'object') {
    out.bin = Object.fromEntries(Object.entries(manifest.bin).map(([cmd, p]) => [cmd, jsOf(p, `${name} bin.${cmd}`)]));
  }
  delete out.scripts;
  delete out.devDependencies;
  delete out.private;
  return out;
}

function jsOf(path, where) {
  const mapped = mapTarget(path, where);
  return typeof mapped === 'object' && mapped !== null ? mapped.default : mapped;
}

/** The `types` of the default branch of a mapped entry (the Node one where conditions differ). */
function firstTypes(mapped) {
  if (!mapped || typeof mapped !== 'object') return undefined;
  if (typeof mapped.types === 'string') return mapped.types;
  if ('default' in mapped) return firstTypes(mapped.default);
  for (const v of Object.values(mapped)) {
    const t = firstTypes(v);
    if (t) return t;
  }
  return undefined;
}
