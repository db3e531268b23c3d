/**
 * The 2D (v₁, v₂) density from the histogram pass, as a heat map on a 2D canvas with axes,
 * ticks and a colour bar. Density = count / (total · cell area), velocity⁻² units.
 */
import { HEAT_BINS, type Histograms } from '../gpu/passes/histogram';
import { axisTicks } from './cloudView';
import { colormapRgb, type ColormapName } from './colormap';

const MARGIN = { left: 52, right: 78, top: 10, bottom: 44 };
/** Projector (light theme): larger type and margins to hold it. */
const MARGIN_HC = { left: 64, right: 96, top: 10, bottom: 56 };

export class DensityHeatmap {
  private readonly canvas: HTMLCanvasElement;
  private readonly cells: HTMLCanvasElement;
  private readonly observer: ResizeObserver;
  private last: Histograms | null = null;
  private theme: ColormapName = 'dark';
  private symbol: 'v' | 'x' = 'v';
  version = 0;

  constructor(private readonly container: HTMLElement) {
    this.canvas = document.createElement('canvas');
    this.canvas.className = 'heatmap-canvas';
    this.canvas.setAttribute('role', 'img');
    this.canvas.setAttribute('aria-label', 'Heat map of the (v₁, v₂) density');
    this.cells = document.createElement('canvas');
    this.cells.width = HEAT_BINS;
    this.cells.height = HEAT_BINS;
    container.append(this.canvas);
    this.observer = new ResizeObserver(() => this.draw());
    this.observer.observe(container);
  }

  setHighContrast(on: boolean): void {
    this.theme = on ? 'light' : 'dark';
    this.draw();
  }

  setSymbol(symbol: 'v' | 'x'): void {
    this.symbol = symbol;
    this.canvas.setAttribute('aria-label', symbol === 'v' ? 'Heat map of the (v₁, v₂) density' : 'Heat map of the (x₁, x₂) density');
  }

  update(h: Histograms): void {
    this.last = h;
    this.version++;
    this.draw();
  }

  clear(): void {
    this.last = null;
    this.draw();
  }

  private draw(): void {
    const dpr = Math.min(window.devicePixelRatio || 1, 2);
    const W = Math.max(200, this.container.clientWidth);
    const H = Math.max(160, this.container.clientHeight);
    if (this.canvas.width !== Math.round(W * dpr) || this.canvas.height !== Math.round(H * dpr)) {
      this.canvas.width = Math.round(W * dpr);
      this.canvas.height = Math.round(H * dpr);
    }
    const ctx = this.canvas.getContext('2d')!;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    this.paint(ctx, W, H);
  }

  /** Paints the heat map at the origin of `ctx` in a W×H box (also used by the PNG export). */
  paint(ctx: CanvasRenderingContext2D, W: number, H: number): void {
    const light = this.theme === 'light';
    const text = light ? '#000' : '#d8dee9';
    ctx.fillStyle = light ? '#fff' : '#10131a';
    ctx.fillRect(0, 0, W, H);
    const M = light ? MARGIN_HC : MARGIN;
    const side = Math.max(40, Math.min(W - M.left - M.right, H - M.top - M.bottom));
    const x0 = M.left, y0 = M.top;
    const h = this.last;
    ctx.font = light ? 'bold 16px system-ui, sans-serif' : '12px system-ui, sans-serif';
    ctx.fillStyle = text;
    if (!h) {
      ctx.fillText('waiting for the first histogram…', x0 + 8, y0 + 20);
      return;
    }
    const L = h.range.vMax;
    const c0 = h.range.center ?? 0;
    // Few particles per cell draw isolated dots, not a density: merge 2×2, 4×4 or 8×8 cells until
    // the occupied ones hold ≥ 3 on average (a few hundred particles: 16×16 cells).
    const { bins, counts } = coarsenCells(h.density2d, h.total);
    const cellArea = (2 * L / bins) ** 2;
    let maxCount = 0;
    for (const c of counts) maxCount = Math.max(maxCount, c);
    if (this.cells.width !== bins) {
      this.cells.width = bins;
      this.cells.height = bins;
    }
    const img = new ImageData(bins, bins);
    const bg = light ? [255, 255, 255] : [16, 19, 26];
    for (let row = 0; row < bins; row++) {
      for (let col = 0; col < bins; col++) {
        const c = counts[row * bins + col];
        // Row 0 is the lowest v_y: draw it at the bottom.
        const o = ((bins - 1 - row) * bins + col) * 4;
        const rgb = c === 0 ? bg : colormapRgb(this.theme, Math.sqrt(c / Math.max(1, maxCount)));
        img.data[o] = rgb[0];
        img.data[o + 1] = rgb[1];
        img.data[o + 2] = rgb[2];
        img.data[o + 3] = 255;
      }
    }
    this.cells.getContext('2d')!.putImageData(img, 0, 0);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(this.cells, x0, y0, side, side);
    ctx.strokeStyle = text;
    ctx.lineWidth = 1;
    ctx.strokeRect(x0 + 0.5, y0 + 0.5, side, side);
    // Axes and ticks.
    ctx.fillStyle = text;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    const toX = (v: number) => x0 + ((v - c0 + L) / (2 * L)) * side;
    const toY = (v: number) => y0 + ((L - v + c0) / (2 * L)) * side;
    // The torus cell [0, 1)²: quarter ticks; elsewhere symmetric ticks around 0.
    const ticks = c0 !== 0 ? [0, 0.25, 0.5, 0.75, 1].map((u) => c0 - L + 2 * L * u) : [...axisTicks(L), 0];
    for (const t of ticks) {
      ctx.fillText(String(+t.toPrecision(3)), toX(t), y0 + side + 4);
      ctx.fillRect(toX(t), y0 + side, 1, 4);
    }
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    for (const t of ticks) {
      ctx.fillText(String(+t.toPrecision(3)), x0 - 6, toY(t));
      ctx.fillRect(x0 - 4, toY(t), 4, 1);
    }
    ctx.font = light ? 'bold 18px system-ui, sans-serif' : '13px system-ui, sans-serif';
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    ctx.fillText(this.symbol === 'v' ? 'v₁' : 'x₁', x0 + side / 2, y0 + side + 22);
    ctx.save();
    ctx.translate(14, y0 + side / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.textBaseline = 'middle';
    ctx.fillText(this.symbol === 'v' ? 'v₂' : 'x₂', 0, 0);
    ctx.restore();
    // Colour bar: sqrt scale of the density (shows the tails).
    const bx = x0 + side + 14, bw = 12;
    for (let i = 0; i < side; i++) {
      const [r, g, b] = colormapRgb(this.theme, 1 - i / side);
      ctx.fillStyle = `rgb(${r},${g},${b})`;
      ctx.fillRect(bx, y0 + i, bw, 1);
    }
    ctx.strokeStyle = text;
    ctx.strokeRect(bx + 0.5, y0 + 0.5, bw, side);
    ctx.fillStyle = text;
    ctx.font = light ? 'bold 15px system-ui, sans-serif' : '11px system-ui, sans-serif';
    ctx.textAlign = 'left';
    const maxDensity = maxCount / (h.total * cellArea);
    for (const f of [1, 0.25, 0]) {
      const y = y0 + (1 - Math.sqrt(f)) * side;
      ctx.fillText((f * maxDensity).toPrecision(2), bx + bw + 4, y);
    }
    ctx.save();
    ctx.translate(bx + bw + 4, y0 + side + (light ? 26 : 22));
    ctx.textBaseline = 'top';
    ctx.fillText('density (√ scale)', -bw - 30, 0);
    ctx.fillText(`${bins}×${bins} cells`, -bw - 30, light ? 18 : 13);
    ctx.restore();
  }

  /** The canvas as drawn (PNG export). */
  get element(): HTMLCanvasElement {
    return this.canvas;
  }

  dispose(): void {
    this.observer.disconnect();
    this.canvas.remove();
    this.last = null;
  }
}

/**
 * The 2D counts merged f×f (f = 1, 2, 4, 8): the smallest f for which the occupied merged cells
 * hold at least 3 particles on average.
 */
export function coarsenCells(counts: ArrayLike<number>, total: number): { bins: number; counts: Float64Array } {
  let out = Float64Array.from(counts);
  let bins = HEAT_BINS;
  for (;;) {
    let occupied = 0;
    for (const c of out) if (c > 0) occupied++;
    if (bins <= HEAT_BINS / 8 || occupied === 0 || total / occupied >= 3) return { bins, counts: out };
    const half = bins / 2;
    const merged = new Float64Array(half * half);
    for (let row = 0; row < bins; row++) for (let col = 0; col < bins; col++) merged[(row >> 1) * half + (col >> 1)] += out[row * bins + col];
    out = merged;
    bins = half;
  }
}
