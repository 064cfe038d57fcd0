/** The explorer's stylesheet, injected into each element's shadow root so host pages cannot break it. */
export const EXPLORER_CSS = `
:host { display: block; color-scheme: dark; --bg: #0b0f17; --card: #141a26; --line: #243049; --text: #e6e9ef;
  --muted: #8d97ab; --accent: #7aa2f7; --accent2: #06d6a0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
* { box-sizing: border-box; }
.root { background: var(--bg); color: var(--text); padding: 16px; border-radius: 14px; }
.bar { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; margin-bottom: 14px; }
.bar h1 { font-size: 17px; margin: 0 8px 0 0; font-weight: 650; letter-spacing: .2px; }
.chip { background: #1b2333; border: 1px solid var(--line); border-radius: 999px; padding: 2px 10px; font-size: 12px; color: var(--muted); white-space: nowrap; }
.chip b { color: var(--text); font-weight: 600; }
.chip.backend { border-color: #3b5bdb; color: #c5d3ff; }
.chip.backend.webgpu { border-color: #06d6a0; color: #b8f5e3; }
.root { container-type: inline-size; }
.cards { display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: 14px; }
.span2 { grid-column: span 2; }
@container (max-width: 980px) { .cards { grid-template-columns: minmax(0, 1fr); } .span2, .card.wide { grid-column: auto; } }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 12px; padding: 14px 16px; min-width: 0; }
.card.wide { grid-column: 1 / -1; }
.card h2 { font-size: 15px; margin: 0 0 4px; font-weight: 620; }
.muted { color: var(--muted); margin: 0 0 10px; }
.small { font-size: 12px; }
canvas.img { image-rendering: pixelated; background: #000; border-radius: 6px; display: block; }
canvas.big { width: 224px; height: 224px; }
.morph-row canvas.big { width: 196px; height: 196px; }
canvas.thumb { width: 84px; height: 84px; }
canvas.tile { width: 100%; aspect-ratio: 1; cursor: pointer; transition: transform .08s; }
canvas.tile:hover { transform: scale(1.04); outline: 2px solid var(--accent); }
.plane-row { display: flex; flex-wrap: wrap; gap: 18px; align-items: flex-start; }
.plane-wrap { position: relative; width: min(420px, 100%); aspect-ratio: 1; flex: 0 0 auto; }
.plane-wrap canvas { position: absolute; inset: 0; width: 100%; height: 100%; border-radius: 8px; }
.plane-overlay { cursor: crosshair; touch-action: none; }
.plane-side { display: flex; flex-direction: column; gap: 6px; }
.coords { font: 13px ui-monospace, SFMono-Regular, Menlo, monospace; color: var(--accent); }
.legend { display: flex; flex-wrap: wrap; gap: 4px 12px; margin-top: 10px; font-size: 12px; color: var(--muted); }
.legend-item i { display: inline-block; width: 9px; height: 9px; border-radius: 50%; margin-right: 5px; vertical-align: -1px; }
canvas.mosaic { width: 100%; max-width: 520px; margin: 0 auto; image-rendering: pixelated; border-radius: 8px; background: #000; display: block; }
canvas.strip { width: 100%; image-rendering: pixelated; border-radius: 6px; margin-top: 12px; display: block; background: #000; }
.tiles { display: grid; grid-template-columns: repeat(4, 1fr); gap: 8px; }
.controls { display: flex; flex-wrap: wrap; gap: 10px; align-items: center; margin: 10px 0; }
button, select { background: #1f2a40; color: var(--text); border: 1px solid #32425f; border-radius: 8px; padding: 5px 12px; font: inherit; cursor: pointer; }
button:hover, select:hover { border-color: var(--accent); }
label.slider { display: flex; align-items: center; gap: 8px; color: var(--muted); }
input[type=range] { accent-color: var(--accent); width: 150px; }
.value { font: 12px ui-monospace, Menlo, monospace; color: var(--text); min-width: 34px; }
.morph-row { display: flex; align-items: center; gap: 12px; justify-content: space-between; flex-wrap: wrap; }
.morph-row figure { margin: 0; text-align: center; color: var(--muted); font-size: 12px; }
.morph-mid { display: flex; flex-direction: column; align-items: center; gap: 6px; }
.attr-row { display: flex; gap: 16px; flex-wrap: wrap; }
.attr-list { display: flex; flex-direction: column; gap: 2px; max-height: 320px; overflow: auto; }
.attr-name { width: 130px; text-transform: capitalize; }
.loading, .error { padding: 30px; text-align: center; color: var(--muted); }
.error { color: #ff8787; white-space: pre-wrap; text-align: left; font: 13px ui-monospace, Menlo, monospace; }
.spinner { width: 28px; height: 28px; border: 3px solid var(--line); border-top-color: var(--accent); border-radius: 50%; margin: 0 auto 10px; animation: spin 0.8s linear infinite; }
@keyframes spin { to { transform: rotate(360deg); } }
.compact .root { padding: 10px; }
.toggle { display: inline-flex; gap: 0; }
.toggle button { border-radius: 0; padding: 2px 10px; font-size: 12px; }
.toggle button:first-child { border-radius: 8px 0 0 8px; }
.toggle button:last-child { border-radius: 0 8px 8px 0; }
.toggle button[aria-pressed="true"] { background: #3b5bdb; border-color: #3b5bdb; }
`;
