/**
 * What the browser tests (and the bench) do to a page: record the elements' events from the first
 * script on, read canvas pixels inside the shadow roots, drive the pointer and sliders.
 */
import type { Page } from 'playwright-core';

export const ARTIFACTS = process.env.LATENTKIT_ARTIFACTS ?? new URL('../../../.artifacts/demo/', import.meta.url).pathname;

export interface RecordedEvent {
  type: string;
  detail: Record<string, unknown> & { view?: string; t?: number; z?: number[]; pc?: number[]; interpolation?: string; norm?: number; message?: string };
}

/** Install before navigation: every latent-* event lands in window.__lk. */
export async function recordEvents(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const w = window as unknown as { __lk: { type: string; detail: unknown }[] };
    w.__lk = [];
    for (const type of ['latent-ready', 'latent-first-image', 'latent-decoded', 'latent-error']) {
      document.addEventListener(type, (e) => w.__lk.push({ type, detail: (e as CustomEvent).detail }), true);
    }
  });
}

export async function events(page: Page, type?: string): Promise<RecordedEvent[]> {
  const all = (await page.evaluate(() => (window as unknown as { __lk: RecordedEvent[] }).__lk)) ?? [];
  return type ? all.filter((e) => e.type === type) : all;
}

/** Resolves with the first event of `type`; rejects early with the page's own error if one comes. */
export async function waitForEvent(page: Page, type: string, timeout = 60_000): Promise<RecordedEvent> {
  const handle = await page.waitForFunction(
    (t) => {
      const lk = (window as unknown as { __lk?: RecordedEvent[] }).__lk ?? [];
      return lk.find((e) => e.type === t) ?? lk.find((e) => e.type === 'latent-error');
    },
    type,
    { timeout, polling: 50 },
  );
  const e = (await handle.jsonValue()) as RecordedEvent;
  if (e.type === 'latent-error' && type !== 'latent-error') throw new Error(`page reported latent-error: ${e.detail.message}`);
  return e;
}

/** RGBA bytes of a canvas with data-testid `testid` inside the shadow root of the first `host`. */
export async function pixels(page: Page, testid: string, host = 'latent-explorer'): Promise<number[]> {
  return page.evaluate(
    ([h, id]) => {
      const el = document.querySelector(h)?.shadowRoot?.querySelector(`[data-testid="${id}"]`) as HTMLCanvasElement | null;
      if (!el) throw new Error(`no canvas [data-testid="${id}"] in <${h}>`);
      const ctx = el.getContext('2d');
      if (!ctx) throw new Error(`canvas ${id} has no 2d context`);
      return Array.from(ctx.getImageData(0, 0, el.width, el.height).data);
    },
    [host, testid] as const,
  );
}

/** Mean absolute difference per RGB channel value (alpha ignored), in 0..255. */
export function meanAbsDiff(a: number[], b: number[]): number {
  if (a.length !== b.length) throw new Error(`pixel arrays differ in length: ${a.length} vs ${b.length}`);
  let s = 0;
  let n = 0;
  for (let i = 0; i < a.length; i++) {
    if (i % 4 === 3) continue;
    s += Math.abs(a[i] - b[i]);
    n++;
  }
  return s / n;
}

/** Spread of RGB values: 0 for a blank (uniform) canvas. */
export function spread(p: number[]): number {
  let lo = 255;
  let hi = 0;
  for (let i = 0; i < p.length; i++) {
    if (i % 4 === 3) continue;
    lo = Math.min(lo, p[i]);
    hi = Math.max(hi, p[i]);
  }
  return hi - lo;
}

/**
 * Move the pointer to fractions (fx, fy) of the latent plane and wait until the decoded image is
 * the one for the point now under the pointer (the coordinates label and the last plane decode agree).
 */
export async function hoverPlane(page: Page, fx: number, fy: number): Promise<number[]> {
  const box = await page.locator('latent-explorer [data-testid="plane"]').boundingBox();
  if (!box) throw new Error('latent plane is not visible');
  await page.mouse.move(box.x + box.width * fx, box.y + box.height * fy, { steps: 4 });
  await page.waitForFunction(
    () => {
      const root = document.querySelector('latent-explorer')?.shadowRoot;
      const text = root?.querySelector('[data-testid="plane-coords"]')?.textContent;
      const lk = (window as unknown as { __lk: RecordedEvent[] }).__lk;
      const last = [...lk].reverse().find((e) => e.type === 'latent-decoded' && e.detail.view === 'plane');
      const z = last?.detail.z;
      return !!z && text === `z = (${z[0].toFixed(2)}, ${z[1].toFixed(2)})`;
    },
    undefined,
    { timeout: 60_000, polling: 50 },
  );
  const last = (await events(page, 'latent-decoded')).filter((e) => e.detail.view === 'plane').at(-1);
  if (!last?.detail.z) throw new Error('no plane decode recorded');
  return last.detail.z;
}

/** Set the morph slider to t and wait for the morph image decoded at exactly t. */
export async function setMorph(page: Page, t: number): Promise<void> {
  await page.evaluate((value) => {
    const input = document.querySelector('latent-explorer')?.shadowRoot?.querySelector('[data-testid="morph-slider"]') as HTMLInputElement;
    input.value = String(value);
    input.dispatchEvent(new Event('input', { bubbles: true }));
  }, t);
  await page.waitForFunction(
    (value) => {
      const lk = (window as unknown as { __lk: RecordedEvent[] }).__lk;
      const last = [...lk].reverse().find((e) => e.type === 'latent-decoded' && e.detail.view === 'morph');
      return last !== undefined && Math.abs((last.detail.t ?? -1) - value) < 1e-9;
    },
    t,
    { timeout: 60_000, polling: 50 },
  );
}

/** Wait until a view has decoded at least once. */
export async function waitForView(page: Page, view: string, timeout = 60_000): Promise<void> {
  await page.waitForFunction(
    (v) => (window as unknown as { __lk: RecordedEvent[] }).__lk.some((e) => e.type === 'latent-decoded' && e.detail.view === v),
    view,
    { timeout, polling: 50 },
  );
}

/**
 * Click two points of the plane (fractions of its box): the first click pins morph endpoint A,
 * the second B. Resolves when the morph strip for the new pair is drawn.
 */
export async function pinMorphEndpoints(page: Page, a: [number, number], b: [number, number]): Promise<void> {
  const box = await page.locator('latent-explorer [data-testid="plane"]').boundingBox();
  if (!box) throw new Error('latent plane is not visible');
  const strips = (await events(page, 'latent-decoded')).filter((e) => e.detail.view === 'morph-strip').length;
  await page.mouse.click(box.x + box.width * a[0], box.y + box.height * a[1]);
  await page.mouse.click(box.x + box.width * b[0], box.y + box.height * b[1]);
  await page.waitForFunction(
    (n) => (window as unknown as { __lk: RecordedEvent[] }).__lk.filter((e) => e.type === 'latent-decoded' && e.detail.view === 'morph-strip').length >= n,
    strips + 2,
    { timeout: 120_000, polling: 50 },
  );
}

/**
 * Move the pointer to fractions (fx, fy) of the principal-component plane (latents above 2-d) and
 * wait until the decoded image is the one for the point now under the pointer. Returns (PC1, PC2).
 */
export async function hoverPcPlane(page: Page, fx: number, fy: number): Promise<number[]> {
  const box = await page.locator('latent-explorer [data-testid="pc-plane"]').boundingBox();
  if (!box) throw new Error('principal-component plane is not visible');
  await page.mouse.move(box.x + box.width * fx, box.y + box.height * fy, { steps: 4 });
  await page.waitForFunction(
    () => {
      const root = document.querySelector('latent-explorer')?.shadowRoot;
      const text = root?.querySelector('[data-testid="pc-plane-coords"]')?.textContent;
      const lk = (window as unknown as { __lk: RecordedEvent[] }).__lk;
      const last = [...lk].reverse().find((e) => e.type === 'latent-decoded' && e.detail.view === 'pc-plane');
      const pc = last?.detail.pc;
      return !!pc && text === `PC1 = ${pc[0].toFixed(2)}, PC2 = ${pc[1].toFixed(2)}`;
    },
    undefined,
    { timeout: 60_000, polling: 50 },
  );
  const last = (await events(page, 'latent-decoded')).filter((e) => e.detail.view === 'pc-plane').at(-1);
  if (!last?.detail.pc) throw new Error('no principal-component plane decode recorded');
  return last.detail.pc;
}
