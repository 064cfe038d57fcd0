/**
 * The demo page: picks a bundle (?bundle=URL, else the server's default from demo-config.json),
 * puts a <latent-explorer> on the page and reports what it says. All UI is the element's.
 */
import '../src/elements/index.ts';
import type { ReadyDetail, FirstImageDetail } from '../src/elements/index.ts';

interface DemoConfig {
  bundle?: string;
  apiUrl?: string;
}

const main = document.getElementById('main') as HTMLElement;
const status = document.getElementById('status') as HTMLElement;
const picker = document.getElementById('picker') as HTMLFormElement;
const bundleInput = document.getElementById('bundle') as HTMLInputElement;
const deviceSelect = document.getElementById('device') as HTMLSelectElement;

async function config(): Promise<DemoConfig> {
  try {
    const res = await fetch('./demo-config.json', { cache: 'no-cache' });
    return res.ok ? ((await res.json()) as DemoConfig) : {};
  } catch {
    return {};
  }
}

async function start(): Promise<void> {
  const params = new URLSearchParams(location.search);
  const cfg = await config();
  const bundle = params.get('bundle') ?? params.get('src') ?? cfg.bundle;
  const device = params.get('device') ?? 'auto';
  // ?precision=fp16|int8|…: the sibling bundle-<precision>/ of the bundle (src/model/precision.ts).
  const precision = params.get('precision');
  deviceSelect.value = device;
  bundleInput.value = bundle ?? '';
  document.getElementById('isolation')!.textContent = crossOriginIsolated ? 'cross-origin isolated: wasm threads on' : 'not cross-origin isolated: wasm runs one thread';
  if (cfg.apiUrl) {
    const a = document.getElementById('api-link') as HTMLAnchorElement;
    a.href = cfg.apiUrl;
    a.textContent = `API: ${cfg.apiUrl}`;
    a.hidden = false;
  }
  if (!bundle) {
    main.innerHTML = `<div class="empty"><p>No model bundle to show yet.</p>
      <p>Train and export one, then serve it: <code>pnpm train --model vae --out runs/vae</code>, <code>pnpm export runs/vae</code>,
      <code>pnpm demo --run runs/vae</code>. Or open this page with <code>?bundle=URL-of-a-bundle-folder</code>.</p></div>`;
    status.textContent = 'no bundle';
    return;
  }
  const el = document.createElement('latent-explorer');
  el.setAttribute('src', bundle);
  el.setAttribute('device', device);
  if (precision) el.setAttribute('precision', precision);
  el.addEventListener('latent-ready', (e) => {
    const d = (e as CustomEvent<ReadyDetail>).detail;
    status.textContent = `model ready on ${d.provider}${d.provider === 'wasm' ? ` (${d.threads} thread${d.threads === 1 ? '' : 's'})` : ''} in ${d.loadMs.toFixed(0)} ms`;
    document.documentElement.dataset.provider = d.provider;
  });
  el.addEventListener('latent-first-image', (e) => {
    const d = (e as CustomEvent<FirstImageDetail>).detail;
    status.textContent += ` · first image ${d.sinceNavigationMs.toFixed(0)} ms after navigation`;
  });
  el.addEventListener('latent-error', (e) => {
    status.textContent = `error: ${(e as CustomEvent<{ message: string }>).detail.message}`;
  });
  main.replaceChildren(el);
}

picker.addEventListener('submit', (ev) => {
  ev.preventDefault();
  const p = new URLSearchParams({ bundle: bundleInput.value.trim(), device: deviceSelect.value });
  const precision = new URLSearchParams(location.search).get('precision');
  if (precision) p.set('precision', precision);
  location.search = p.toString();
});

void start();
