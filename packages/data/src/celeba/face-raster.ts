/**
 * A tiny anti-aliased rasteriser for the synthetic faces: shapes are inside-tests, painted in order
 * onto an RGB float canvas, with 4x4 supersampling at the shape's edges. Pure
 * arithmetic, so a seed draws the same pixels on every machine (no font or SVG renderer involved).
 */

export type Rgb = [number, number, number];

export interface Shape {
  /** Bounding box [x0, y0, x1, y1] in pixels; only pixels inside it are tested. */
  box: [number, number, number, number];
  inside(x: number, y: number): boolean;
}

export class Canvas {
  readonly width: number;
  readonly height: number;
  /** RGB, 0-255 floats, row-major. */
  readonly pixels: Float32Array;

  constructor(width: number, height: number) {
    this.width = width;
    this.height = height;
    this.pixels = new Float32Array(width * height * 3);
  }

  /** A vertical gradient from `top` to `bottom` over the whole canvas. */
  gradient(top: Rgb, bottom: Rgb): void {
    for (let y = 0; y < this.height; y++) {
      const t = y / (this.height - 1);
      for (let x = 0; x < this.width; x++) {
        const o = (y * this.width + x) * 3;
        for (let c = 0; c < 3; c++) this.pixels[o + c] = top[c] * (1 - t) + bottom[c] * t;
      }
    }
  }

  fill(shape: Shape, color: Rgb, alpha = 1): void {
    const SS = 4;
    const x0 = Math.max(0, Math.floor(shape.box[0])), y0 = Math.max(0, Math.floor(shape.box[1]));
    const x1 = Math.min(this.width - 1, Math.ceil(shape.box[2])), y1 = Math.min(this.height - 1, Math.ceil(shape.box[3]));
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        // Corners and centre agreeing means the pixel is wholly in or out (shapes here are never
        // thinner than 1.5 px, so one cannot slip between these points); only edges are supersampled.
        const c = +shape.inside(x + 0.5, y + 0.5);
        let coverage: number;
        if (
          c === +shape.inside(x, y) && c === +shape.inside(x + 1, y) &&
          c === +shape.inside(x, y + 1) && c === +shape.inside(x + 1, y + 1)
        ) {
          coverage = c;
        } else {
          let hits = 0;
          for (let sy = 0; sy < SS; sy++) {
            for (let sx = 0; sx < SS; sx++) if (shape.inside(x + (sx + 0.5) / SS, y + (sy + 0.5) / SS)) hits++;
          }
          coverage = hits / (SS * SS);
        }
        if (coverage === 0) continue;
        const a = alpha * coverage;
        const o = (y * this.width + x) * 3;
        for (let c = 0; c < 3; c++) this.pixels[o + c] += (color[c] - this.pixels[o + c]) * a;
      }
    }
  }

  /** The canvas as 8-bit RGB. */
  toBytes(): Uint8Array {
    const out = new Uint8Array(this.pixels.length);
    for (let i = 0; i < out.length; i++) out[i] = Math.max(0, Math.min(255, Math.round(this.pixels[i])));
    return out;
  }
}

export function ellipse(cx: number, cy: number, rx: number, ry: number): Shape {
  return {
    box: [cx - rx, cy - ry, cx + rx, cy + ry],
    inside: (x, y) => ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 <= 1,
  };
}

/** The band between an ellipse and the same ellipse shrunk by `thickness` (a glasses rim). */
export function ring(cx: number, cy: number, rx: number, ry: number, thickness: number): Shape {
  const inner = ellipse(cx, cy, rx - thickness, ry - thickness);
  const outer = ellipse(cx, cy, rx, ry);
  return { box: outer.box, inside: (x, y) => outer.inside(x, y) && !inner.inside(x, y) };
}

/** A segment with round ends, `r` = half its width. */
export function capsule(ax: number, ay: number, bx: number, by: number, r: number): Shape {
  const dx = bx - ax, dy = by - ay;
  const len2 = dx * dx + dy * dy || 1e-9;
  return {
    box: [Math.min(ax, bx) - r, Math.min(ay, by) - r, Math.max(ax, bx) + r, Math.max(ay, by) + r],
    inside: (x, y) => {
      const t = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / len2));
      return (x - ax - t * dx) ** 2 + (y - ay - t * dy) ** 2 <= r * r;
    },
  };
}

/**
 * A mouth-like curve y = cy + sag * (1 - (dx / halfWidth)^2), |dx| <= halfWidth, `r` thick. sag > 0
 * puts the middle below the corners (a smile, y grows downwards).
 */
export function curve(cx: number, cy: number, halfWidth: number, sag: number, r: number): Shape {
  const lo = Math.min(cy, cy + sag), hi = Math.max(cy, cy + sag);
  return {
    box: [cx - halfWidth - r, lo - r, cx + halfWidth + r, hi + r],
    inside: (x, y) => {
      const u = (x - cx) / halfWidth;
      if (Math.abs(u) > 1) return false;
      const cyAt = cy + sag * (1 - u * u);
      // Vertical distance, scaled by the slope so steep parts keep their width.
      const slope = (-2 * sag * u) / halfWidth;
      return Math.abs(y - cyAt) <= r * Math.sqrt(1 + slope * slope);
    },
  };
}

/** Points of `a` that satisfy `keep` (e.g. y < line): cuts hair caps and beards out of ellipses. */
export function clip(a: Shape, keep: (x: number, y: number) => boolean): Shape {
  return { box: a.box, inside: (x, y) => a.inside(x, y) && keep(x, y) };
}
