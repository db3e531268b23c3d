/**
 * The velocity cloud: one replica's particles as round points in a three.js scene, coloured by
 * speed, with labelled axes, orbit/zoom (OrbitControls) and a speed legend. d = 2 shows the
 * (v_x, v_y) plane seen from above (pan and zoom only).
 *
 * Positions (issue 5): the same view with x₁, x₂ (, x₃) axes; vortices (Biot–Savart) are coloured
 * by their circulation m (the vec4's fourth component: blue −1, grey 0, red +1) instead of the
 * distance; the torus is drawn as its unit cell [0, 1]^d (frame on the cell, camera on its centre,
 * colour by the distance from the centre).
 *
 * How the points get their data (`source`):
 * - 'shared-device' (the normal WebGPU path): three's WebGPURenderer is created on the engine's
 *   own GPUDevice (`new WebGPURenderer({ device })`). The points' instanced vertex buffer is then
 *   a GPUBuffer on the same device, and every frame the current particle buffer (one replica's
 *   slice) is copied into it GPU-to-GPU (`copyFromGpu`): no CPU round trip, no stall.
 * - 'readback' (the CPU engine, or if the shared renderer cannot start): three renders with its
 *   WebGL2 backend and the loop feeds `setParticles` from asynchronous readbacks.
 *
 * Axis labels are HTML over the canvas (crisp text at any zoom); `capture()` draws the canvas
 * and the same labels and legend into a 2D canvas for the PNG export, rendering first in the
 * same task so the WebGPU drawing buffer is still valid.
 */
import * as THREE from 'three/webgpu';
import { attribute, clamp, color as tslColor, length, mix, shapeCircle, uniform } from 'three/tsl';
import { OrbitControls } from 'three/addons/controls/OrbitControls.js';
import { CIRCULATION_COLOURS, SPEED_COLORMAPS, circulationGradient, circulationRgb, colormapRgb, cssGradient, type ColormapName } from './colormap';

export type CloudSource = 'shared-device' | 'readback';

/** How the points are coloured: by |v − centre| (speed, distance) or by the circulation m. */
export type CloudColouring = 'speed' | 'circulation';

export interface CloudLayout {
  /** Centre of the drawn range on every axis: 0, or ½ for the torus cell (drawn as [0, 1]^d). */
  center?: number;
  colouring?: CloudColouring;
  /**
   * Most points to draw (default CLOUD_MAX_POINTS); the frame loop passes CLOUD_MAX_POINTS_CPU
   * on a CPU fallback adapter, where every render is rasterised in software.
   */
  maxPoints?: number;
  /** Why the cap is lower than CLOUD_MAX_POINTS, for the legend's note. */
  maxPointsReason?: string;
}

interface AxisLabel {
  el: HTMLSpanElement;
  at: THREE.Vector3;
  text: string;
  kind: 'axis' | 'tick';
}

const THEMES = {
  dark: { background: 0x10131a, axis: [0xff6b6b, 0x6bdc6b, 0x6ba8ff], frame: 0x3a4152, text: '#e8ecf4', tick: '#aab3c5' },
  light: { background: 0xffffff, axis: [0xb00000, 0x006400, 0x0030b0], frame: 0x9099aa, text: '#000000', tick: '#222222' },
} as const;

/** Tick values on [−L, L]: a "nice" step giving 2–4 ticks per half axis. */
export function axisTicks(L: number): number[] {
  const raw = L / 3;
  const p = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * p).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let k = -Math.floor(L / step); k <= Math.floor(L / step); k++) if (k !== 0) out.push(+(k * step).toPrecision(6));
  return out;
}

/**
 * Frees three.js's per-object GPU state (its render objects and their uniform buffers): three
 * listens for a 'dispose' event on the object; removing it from the scene is not enough when the
 * material lives on (the points' material is shared across rebuilds).
 */
function disposeObject(obj: THREE.Object3D): void {
  (obj as unknown as THREE.EventDispatcher<{ dispose: object }>).dispatchEvent({ type: 'dispose' });
}

const SUBSCRIPT_DIGITS: Record<string, string> = { 1: '₁', 2: '₂', 3: '₃' };

/**
 * Most points the cloud draws (issue 11: N·R up to 2²² with interactions=batch). Above it the
 * cloud draws the first CLOUD_MAX_POINTS particles of the replica, which are a uniformly random
 * subset: the particles are exchangeable (i.i.d. initial data, dynamics symmetric under
 * relabelling, the random partition included), so any fixed set of indices has the law of a
 * random one. Histograms and moments still use every particle.
 */
export const CLOUD_MAX_POINTS = 1 << 20;
/**
 * Most points drawn on a CPU fallback adapter (SwiftShader, llvmpipe): a render of 2²⁰ points
 * there takes seconds and holds the GPU process, so the page and Pause would stall with it.
 */
export const CLOUD_MAX_POINTS_CPU = 1 << 16;

/** Points drawn for a replica of n particles, and the sentence saying so when it is a subset. */
export function cloudSubset(n: number, max = CLOUD_MAX_POINTS, reason = ''): { drawn: number; total: number; note: string } {
  const drawn = Math.min(n, max);
  const note = drawn < n
    ? `drawing ${drawn.toLocaleString('en')} of ${n.toLocaleString('en')} particles (a random subset${reason ? `: ${reason}` : ''}; histograms and moments use all)`
    : '';
  return { drawn, total: n, note };
}

export class CloudView {
  private readonly scene = new THREE.Scene();
  private readonly camera = new THREE.PerspectiveCamera(40, 1, 0.01, 1000);
  private readonly controls: OrbitControls;
  private readonly canvas: HTMLCanvasElement;
  private readonly overlay: HTMLDivElement;
  private readonly legend: HTMLDivElement;
  private readonly resizeObserver: ResizeObserver;
  private readonly pointSize = uniform(4);
  private readonly speedScale = uniform(1);
  private readonly stops = SPEED_COLORMAPS.dark.map((c) => uniform(new THREE.Color(c)));
  private readonly circulationStops = CIRCULATION_COLOURS.dark.map((c) => uniform(new THREE.Color(c)));
  /** 1: colour by circulation, 0: by distance from `centre`. */
  private readonly circulationMode = uniform(0);
  private readonly centre = uniform(new THREE.Vector3());
  private center = 0;
  private colouring: CloudColouring = 'speed';
  private readonly material: THREE.PointsNodeMaterial;
  private readonly decorations = new THREE.Group();
  private points: THREE.Sprite | null = null;
  private geometry: THREE.BufferGeometry | null = null;
  private velocity: THREE.InstancedBufferAttribute | null = null;
  private labels: AxisLabel[] = [];
  private count = 0;
  /** Particles of the replica (count ≤ total: CLOUD_MAX_POINTS). */
  private total = 0;
  private d: 2 | 3 = 3;
  private vMax = 1;
  private speedMax = 1;
  private theme: ColormapName = 'dark';
  /** Axis symbol: v (velocities) or x (positions, first-order systems). */
  private symbol: 'v' | 'x' = 'v';
  private disposed = false;
  /** Frames rendered (debug hook). */
  frames = 0;

  private constructor(
    private readonly container: HTMLElement,
    private readonly renderer: THREE.WebGPURenderer,
    readonly source: CloudSource,
  ) {
    this.canvas = renderer.domElement;
    this.canvas.setAttribute('aria-label', 'Velocity cloud: one replica’s particles, coloured by speed; drag to rotate, wheel to zoom');
    this.canvas.setAttribute('role', 'img');
    this.canvas.className = 'cloud-canvas';
    this.overlay = document.createElement('div');
    this.overlay.className = 'cloud-labels';
    this.overlay.setAttribute('aria-hidden', 'true');
    this.legend = document.createElement('div');
    this.legend.className = 'cloud-legend';
    container.append(this.canvas, this.overlay, this.legend);

    this.material = new THREE.PointsNodeMaterial({ sizeAttenuation: false, transparent: false });
    const v = attribute('velocity', 'vec4');
    this.material.positionNode = v.xyz;
    this.material.sizeNode = this.pointSize;
    // Piecewise-linear colour map in the same stops as the CSS legend.
    const s = clamp(length(v.xyz.sub(this.centre)).mul(this.speedScale), 0, 1).mul(this.stops.length - 1);
    let c = tslColor(this.stops[0]);
    for (let k = 1; k < this.stops.length; k++) c = tslColor(mix(c, this.stops[k], clamp(s.sub(k - 1), 0, 1)));
    // Circulation m ∈ [−1, 1] → [0, 2] along the diverging stops.
    const m = clamp(v.w.add(1), 0, 2);
    const [neg, mid, pos] = this.circulationStops;
    const circulation = mix(mix(neg, mid, clamp(m, 0, 1)), pos, clamp(m.sub(1), 0, 1));
    this.material.colorNode = mix(c, circulation, this.circulationMode);
    this.material.opacityNode = shapeCircle();
    this.material.alphaTest = 0.5;

    this.scene.add(this.decorations);
    this.controls = new OrbitControls(this.camera, this.canvas);
    this.controls.enableDamping = false;
    // A resize clears the canvas: draw again at once, playing or paused (issue 14), so the cloud
    // is never shown stretched with its labels left where they were.
    this.resizeObserver = new ResizeObserver(() => {
      this.resize();
      if (this.frames > 0) this.render();
    });
    this.resizeObserver.observe(container);
    this.resize();
    this.applyTheme();
  }

  /**
   * Starts the renderer: on `device` (shared with the engine) when given, else on WebGL2.
   * Falls back to 'readback' on WebGL2 if the shared renderer cannot start.
   */
  static async create(container: HTMLElement, device: GPUDevice | null): Promise<CloudView> {
    if (device) {
      const renderer = new THREE.WebGPURenderer({ device, antialias: false, alpha: false });
      try {
        await renderer.init();
        if ((renderer.backend as { isWebGPUBackend?: boolean }).isWebGPUBackend) return new CloudView(container, renderer, 'shared-device');
      } catch (e) {
        console.warn('Shared-device renderer failed; drawing from readbacks with WebGL2:', e);
      }
      renderer.dispose();
    }
    const renderer = new THREE.WebGPURenderer({ forceWebGL: true, antialias: false, alpha: false });
    await renderer.init();
    return new CloudView(container, renderer, 'readback');
  }

  /** The drawing area: the canvas's box (the legend has a strip of its own below it). */
  private viewSize(): { w: number; h: number } {
    return {
      w: Math.max(1, this.canvas.clientWidth || this.container.clientWidth),
      h: Math.max(1, this.canvas.clientHeight || this.container.clientHeight),
    };
  }

  /** Matches the renderer and camera to the view's size now (also callable by the frame loop). */
  resize(): void {
    if (this.disposed) return;
    const { w, h } = this.viewSize();
    this.renderer.setPixelRatio(Math.min(window.devicePixelRatio || 1, 2));
    this.renderer.setSize(w, h, false);
    this.camera.aspect = w / h;
    this.camera.updateProjectionMatrix();
  }

  /** Rebuilds the points for n particles, the axes for dimension d and ranges (velocity units). */
  configure(n: number, d: 2 | 3, vMax: number, speedMax: number, symbol: 'v' | 'x' = 'v', layout: CloudLayout = {}): void {
    // Above CLOUD_MAX_POINTS, draw a random subset (cloudSubset); the legend says how many.
    this.total = n;
    this.maxPoints = layout.maxPoints ?? CLOUD_MAX_POINTS;
    this.maxPointsReason = layout.maxPointsReason ?? '';
    n = cloudSubset(n, this.maxPoints).drawn;
    const center = layout.center ?? 0;
    const sameShape = n === this.count && d === this.d && vMax === this.vMax && symbol === this.symbol && center === this.center;
    this.symbol = symbol;
    this.speedMax = speedMax;
    this.speedScale.value = 1 / speedMax;
    this.colouring = layout.colouring ?? 'speed';
    this.circulationMode.value = this.colouring === 'circulation' ? 1 : 0;
    this.center = center;
    this.centre.value.set(center, center, d === 3 ? center : 0);
    this.renderLegend();
    if (sameShape) return;
    this.d = d;
    this.vMax = vMax;
    if (n !== this.count || !this.points) {
      this.disposePoints();
      this.count = n;
      const geometry = new THREE.BufferGeometry();
      geometry.setAttribute('position', new THREE.Float32BufferAttribute([-0.5, -0.5, 0, 0.5, -0.5, 0, 0.5, 0.5, 0, -0.5, 0.5, 0], 3));
      geometry.setAttribute('uv', new THREE.Float32BufferAttribute([0, 0, 1, 0, 1, 1, 0, 1], 2));
      geometry.setIndex([0, 1, 2, 0, 2, 3]);
      this.velocity = new THREE.InstancedBufferAttribute(new Float32Array(n * 4), 4);
      // Static usage: three re-uploads Dynamic attributes every frame, which would overwrite the
      // GPU-to-GPU copies; the readback path bumps the version instead (needsUpdate).
      geometry.setAttribute('velocity', this.velocity);
      this.geometry = geometry;
      const points = new THREE.Sprite(this.material);
      points.geometry = geometry;
      points.count = n;
      points.frustumCulled = false;
      this.points = points;
      this.scene.add(points);
    }
    this.buildDecorations();
    this.resetCamera();
  }

  private disposePoints(): void {
    if (this.points) {
      this.scene.remove(this.points);
      disposeObject(this.points);
    }
    this.geometry?.dispose();
    this.points = null;
    this.geometry = null;
    this.velocity = null;
  }

  private buildDecorations(): void {
    for (const child of [...this.decorations.children]) {
      this.decorations.remove(child);
      disposeObject(child);
      const obj = child as THREE.LineSegments;
      obj.geometry.dispose();
      (obj.material as THREE.Material).dispose();
    }
    for (const l of this.labels) l.el.remove();
    this.labels = [];
    const L = this.vMax;
    const th = THEMES[this.theme];
    const axes = this.d === 3 ? 3 : 2;
    // Components v₁, v₂, v₃ and x₁, x₂, x₃: subscripts, the notation of every chart (issue 14).
    const sub = ['1', '2', '3'];
    if (this.center !== 0) {
      this.buildCellDecorations(axes, sub);
      return;
    }
    const ticks = axisTicks(L);
    for (let k = 0; k < axes; k++) {
      const pts: number[] = [];
      const e = [0, 0, 0];
      e[k] = 1;
      pts.push(-L * e[0], -L * e[1], -L * e[2], L * e[0], L * e[1], L * e[2]);
      const tickLen = L * 0.025;
      const perp = k === 0 ? [0, 1, 0] : [1, 0, 0];
      for (const t of ticks) {
        const c = [t * e[0], t * e[1], t * e[2]];
        pts.push(c[0] - tickLen * perp[0], c[1] - tickLen * perp[1], c[2] - tickLen * perp[2], c[0] + tickLen * perp[0], c[1] + tickLen * perp[1], c[2] + tickLen * perp[2]);
        // Labels on the outer ticks only: the inner ones would sit on the cloud.
        if (Math.abs(t) >= L / 2) this.addLabel(new THREE.Vector3(c[0] + 3 * tickLen * perp[0], c[1] + 3 * tickLen * perp[1], c[2] + 3 * tickLen * perp[2]), String(t), 'tick');
      }
      const g = new THREE.BufferGeometry();
      g.setAttribute('position', new THREE.Float32BufferAttribute(pts, 3));
      const line = new THREE.LineSegments(g, new THREE.LineBasicNodeMaterial({ color: th.axis[k] }));
      line.userData.axis = k;
      this.decorations.add(line);
      this.addLabel(new THREE.Vector3(1.1 * L * e[0], 1.1 * L * e[1], 1.1 * L * e[2]), `${this.symbol}${sub[k]}`, 'axis');
    }
    // Frame: the box [−L, L]^3 (3D) or the square [−L, L]^2 (2D) with a light grid.
    const frameGeometry = this.d === 3
      ? new THREE.EdgesGeometry(new THREE.BoxGeometry(2 * L, 2 * L, 2 * L))
      : (() => {
        const pts: number[] = [];
        const lines = [-L, ...ticks, L];
        for (const x of lines) pts.push(x, -L, 0, x, L, 0, -L, x, 0, L, x, 0);
        const g = new THREE.BufferGeometry();
        g.setAttribute('position', new THREE.Float32BufferAttribute(pts, 3));
        return g;
      })();
    const frame = new THREE.LineSegments(frameGeometry, new THREE.LineBasicNodeMaterial({ color: th.frame, transparent: true, opacity: 0.6 }));
    frame.userData.frame = true;
    this.decorations.add(frame);
  }

  /**
   * The torus: the unit cell [lo, hi]^d (lo = c − L, hi = c + L) as a frame, axes along its edges
   * from the corner (lo, lo, lo) with quarter ticks, a light grid in 2D.
   */
  private buildCellDecorations(axes: number, sub: string[]): void {
    const th = THEMES[this.theme];
    const lo = this.center - this.vMax, hi = this.center + this.vMax;
    const zlo = this.d === 3 ? lo : 0;
    const quarter = [0.25, 0.5, 0.75].map((u) => lo + (hi - lo) * u);
    const tickLen = (hi - lo) * 0.025;
    for (let k = 0; k < axes; k++) {
      const at = (x: number): [number, number, number] => [k === 0 ? x : lo, k === 1 ? x : lo, k === 2 ? x : zlo];
      const pts: number[] = [...at(lo), ...at(hi)];
      const perp = k === 0 ? [0, -1, 0] : [-1, 0, 0];
      for (const t of [lo, ...quarter, hi]) {
        const c = at(t);
        pts.push(...c, c[0] + tickLen * perp[0], c[1] + tickLen * perp[1], c[2] + tickLen * perp[2]);
        this.addLabel(new THREE.Vector3(c[0] + 4 * tickLen * perp[0], c[1] + 4 * tickLen * perp[1], c[2] + 4 * tickLen * perp[2]), String(+t.toPrecision(3)), 'tick');
      }
      const g = new THREE.BufferGeometry();
      g.setAttribute('position', new THREE.Float32BufferAttribute(pts, 3));
      const line = new THREE.LineSegments(g, new THREE.LineBasicNodeMaterial({ color: th.axis[k] }));
      line.userData.axis = k;
      this.decorations.add(line);
      // The axis name beside the middle of its edge, outside the cell (the corner is the legend's).
      const mid = at((lo + hi) / 2);
      // Below the bottom edge there is little room; beside the left edge, more (wide views).
      const off = (k === 0 ? 7 : 12) * tickLen;
      this.addLabel(new THREE.Vector3(mid[0] + off * perp[0], mid[1] + off * perp[1], mid[2] + off * perp[2]), `${this.symbol}${sub[k]}`, 'axis');
    }
    const pts: number[] = [];
    if (this.d === 3) {
      const box = new THREE.EdgesGeometry(new THREE.BoxGeometry(hi - lo, hi - lo, hi - lo));
      box.translate(this.center, this.center, this.center);
      const frame = new THREE.LineSegments(box, new THREE.LineBasicNodeMaterial({ color: th.frame, transparent: true, opacity: 0.8 }));
      frame.userData.frame = true;
      this.decorations.add(frame);
      return;
    }
    for (const x of [lo, ...quarter, hi]) pts.push(x, lo, 0, x, hi, 0, lo, x, 0, hi, x, 0);
    const g = new THREE.BufferGeometry();
    g.setAttribute('position', new THREE.Float32BufferAttribute(pts, 3));
    const frame = new THREE.LineSegments(g, new THREE.LineBasicNodeMaterial({ color: th.frame, transparent: true, opacity: 0.6 }));
    frame.userData.frame = true;
    this.decorations.add(frame);
  }

  private addLabel(at: THREE.Vector3, text: string, kind: AxisLabel['kind']): void {
    const el = document.createElement('span');
    el.className = kind === 'axis' ? 'cloud-axis-label' : 'cloud-tick-label';
    if (kind === 'axis') {
      // "v" with the component as a subscript.
      el.append(text[0]);
      const s = document.createElement('sub');
      s.textContent = text.slice(1);
      el.append(s);
    } else {
      el.textContent = text;
    }
    this.overlay.append(el);
    this.labels.push({ el, at, text, kind });
  }

  private resetCamera(): void {
    const L = this.vMax;
    const c = this.center;
    const cz = this.d === 3 ? c : 0;
    this.controls.reset();
    if (this.d === 3) {
      this.camera.up.set(0, 0, 1);
      this.camera.position.set(c + 1.9 * L, c - 2.5 * L, cz + 1.45 * L);
      this.controls.enableRotate = true;
    } else {
      this.camera.up.set(0, 1, 0);
      // The cell needs room for its tick and axis labels outside the frame.
      this.camera.position.set(c, c, (c !== 0 ? 4.4 : 3.3) * L);
      this.controls.enableRotate = false;
    }
    this.camera.near = L * 0.01;
    this.camera.far = L * 100;
    this.camera.lookAt(c, c, cz);
    this.camera.updateProjectionMatrix();
    this.controls.target.set(c, c, cz);
    this.controls.update();
    this.controls.saveState();
  }

  setPointSize(px: number): void {
    this.pointSize.value = px;
  }

  setHighContrast(on: boolean): void {
    const theme: ColormapName = on ? 'light' : 'dark';
    if (theme === this.theme) return;
    this.theme = theme;
    this.applyTheme();
    this.buildDecorations();
  }

  private applyTheme(): void {
    const th = THEMES[this.theme];
    this.scene.background = new THREE.Color(th.background);
    SPEED_COLORMAPS[this.theme].forEach((c, k) => this.stops[k].value.set(c));
    CIRCULATION_COLOURS[this.theme].forEach((c, k) => this.circulationStops[k].value.set(c));
    this.container.dataset.theme = this.theme;
    this.renderLegend();
  }

  /** The legend's title: what the colour shows. */
  private legendTitle(): string {
    if (this.colouring === 'circulation') return 'circulation m';
    if (this.center !== 0) return 'distance from the cell centre';
    return this.symbol === 'v' ? 'speed |v|' : 'distance |x|';
  }

  private renderLegend(): void {
    this.legend.replaceChildren();
    this.legend.dataset.colouring = this.colouring;
    const title = document.createElement('div');
    title.className = 'cloud-legend-title';
    title.textContent = this.legendTitle();
    const bar = document.createElement('div');
    bar.className = 'cloud-legend-bar';
    bar.style.background = this.colouring === 'circulation' ? circulationGradient(this.theme) : cssGradient(this.theme);
    const scale = document.createElement('div');
    scale.className = 'cloud-legend-scale';
    const ticks = this.colouring === 'circulation' ? ['−1', '0', '+1'] : [0, this.speedMax / 2, this.speedMax].map((x) => `${+x.toPrecision(3)}${x === this.speedMax ? '+' : ''}`);
    for (const text of ticks) {
      const s = document.createElement('span');
      s.textContent = text;
      scale.append(s);
    }
    this.legend.append(title, bar, scale);
    const { note } = cloudSubset(this.total, this.maxPoints, this.maxPointsReason);
    if (note) {
      const subset = document.createElement('div');
      subset.className = 'cloud-legend-subset';
      subset.textContent = note;
      this.legend.append(subset);
    }
  }

  private maxPoints = CLOUD_MAX_POINTS;
  private maxPointsReason = '';

  /** Points drawn and particles in the replica (drawn < total: a random subset, cloudSubset). */
  get subset(): { drawn: number; total: number } {
    return { drawn: this.count, total: this.total };
  }

  /** The GPU buffer behind the points (shared-device mode, after the first render), or null. */
  private velocityBuffer(): GPUBuffer | null {
    if (this.source !== 'shared-device' || !this.velocity) return null;
    const data = (this.renderer.backend as unknown as { get(o: object): { buffer?: GPUBuffer } }).get(this.velocity);
    return data.buffer ?? null;
  }

  /**
   * Encodes a GPU-to-GPU copy of `count` particles of `src` from particle `first` into the
   * points' buffer. False when the buffer does not exist yet (before the first render).
   */
  copyFromGpu(encoder: GPUCommandEncoder, src: GPUBuffer, first: number): boolean {
    const dst = this.velocityBuffer();
    if (!dst) return false;
    encoder.copyBufferToBuffer(src, first * 16, dst, 0, this.count * 16);
    return true;
  }

  /** Readback path: particles first..first+n−1 of a vec4 array (float32 or float64). */
  setParticles(v: ArrayLike<number>, first: number): void {
    if (!this.velocity) return;
    const a = this.velocity.array as Float32Array;
    const n = Math.min(this.count, Math.floor(v.length / 4) - first);
    for (let k = 0; k < 4 * n; k++) a[k] = v[first * 4 + k];
    this.velocity.needsUpdate = true;
  }

  render(): void {
    if (this.disposed) return;
    this.controls.update();
    this.renderer.render(this.scene, this.camera);
    this.placeLabels();
    this.frames++;
  }

  private placeLabels(): void {
    const { w, h } = this.viewSize();
    const p = new THREE.Vector3();
    for (const l of this.labels) {
      p.copy(l.at).project(this.camera);
      const visible = p.z > -1 && p.z < 1 && Math.abs(p.x) < 1.2 && Math.abs(p.y) < 1.2;
      l.el.style.display = visible ? '' : 'none';
      if (visible) l.el.style.transform = `translate(${((p.x + 1) / 2) * w}px, ${((1 - p.y) / 2) * h}px) translate(-50%, -50%)`;
    }
  }

  /** Renders and copies the view, labels and legend into a 2D canvas (PNG export). */
  capture(): HTMLCanvasElement {
    this.render();
    const w = this.canvas.width;
    const h = this.canvas.height;
    const scale = w / this.viewSize().w;
    const out = document.createElement('canvas');
    out.width = w;
    out.height = h;
    const ctx = out.getContext('2d')!;
    ctx.drawImage(this.canvas, 0, 0);
    const th = THEMES[this.theme];
    const p = new THREE.Vector3();
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    for (const l of this.labels) {
      p.copy(l.at).project(this.camera);
      if (!(p.z > -1 && p.z < 1)) continue;
      ctx.font = `${l.kind === 'axis' ? 'bold ' : ''}${Math.round((l.kind === 'axis' ? 18 : 12) * scale)}px sans-serif`;
      ctx.fillStyle = l.kind === 'axis' ? th.text : th.tick;
      const label = l.kind === 'axis' ? `${l.text[0]}${[...l.text.slice(1)].map((ch) => SUBSCRIPT_DIGITS[ch] ?? ch).join('')}` : l.text;
      ctx.fillText(label, ((p.x + 1) / 2) * w, ((1 - p.y) / 2) * h);
    }
    // Legend: bottom right.
    const bw = 160 * scale, bh = 12 * scale, x0 = w - bw - 16 * scale, y0 = h - 40 * scale;
    const circulation = this.colouring === 'circulation';
    for (let i = 0; i < bw; i++) {
      const [r, g, b] = circulation ? circulationRgb(this.theme, (2 * i) / bw - 1) : colormapRgb(this.theme, i / bw);
      ctx.fillStyle = `rgb(${r},${g},${b})`;
      ctx.fillRect(x0 + i, y0, 1, bh);
    }
    ctx.fillStyle = th.text;
    ctx.font = `${Math.round(12 * scale)}px sans-serif`;
    ctx.textAlign = 'left';
    ctx.fillText(circulation ? '−1' : '0', x0, y0 + bh + 9 * scale);
    ctx.textAlign = 'right';
    ctx.fillText(circulation ? '+1' : `${+this.speedMax.toPrecision(3)}+`, x0 + bw, y0 + bh + 9 * scale);
    ctx.textAlign = 'center';
    ctx.fillText(this.legendTitle(), x0 + bw / 2, y0 - 9 * scale);
    return out;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.resizeObserver.disconnect();
    this.controls.dispose();
    this.disposePoints();
    for (const child of [...this.decorations.children]) {
      const obj = child as THREE.LineSegments;
      obj.geometry.dispose();
      (obj.material as THREE.Material).dispose();
    }
    this.material.dispose();
    this.renderer.dispose();
    this.canvas.remove();
    this.overlay.remove();
    this.legend.remove();
  }
}
