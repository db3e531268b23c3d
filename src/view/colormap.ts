/**
 * Speed colour maps of the velocity cloud, shared by the three.js material (TSL) and the HTML
 * legend (CSS gradient), so the legend is exactly what is drawn. Piecewise linear in sRGB stops.
 * Viridis (from 0.25: its darkest quarter vanishes on the dark background) on the dark theme; on the high-contrast (white) theme a truncated plasma whose light
 * end still stands out on white.
 */
export const SPEED_COLORMAPS = {
  dark: ['#3b528b', '#2c728e', '#21918c', '#5ec962', '#fde725'],
  light: ['#0d0887', '#6a00a8', '#b12a90', '#e16462', '#f2842a'],
} as const;

export type ColormapName = keyof typeof SPEED_COLORMAPS;

export function cssGradient(name: ColormapName, direction = 'to right'): string {
  const stops = SPEED_COLORMAPS[name];
  return `linear-gradient(${direction}, ${stops.map((c, k) => `${c} ${((100 * k) / (stops.length - 1)).toFixed(0)}%`).join(', ')})`;
}

/** The colour at s ∈ [0, 1] as [r, g, b] in 0..255 (PNG export legend, tests). */
export function colormapRgb(name: ColormapName, s: number): [number, number, number] {
  const stops = SPEED_COLORMAPS[name].map((h) => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16)));
  const x = Math.max(0, Math.min(1, s)) * (stops.length - 1);
  const k = Math.min(stops.length - 2, Math.floor(x));
  const f = x - k;
  return [0, 1, 2].map((c) => Math.round(stops[k][c] + (stops[k + 1][c] - stops[k][c]) * f)) as [number, number, number];
}

/**
 * Diverging colours of the vortex circulation m ∈ [−1, 1] (issue 5): negative blue, 0 grey,
 * positive red, per theme; the cloud's material and its legend use the same three stops.
 */
export const CIRCULATION_COLOURS = {
  dark: ['#4ea1ff', '#b8bec9', '#ff5a4e'],
  light: ['#0033cc', '#777777', '#c00000'],
} as const;

export function circulationGradient(name: ColormapName, direction = 'to right'): string {
  const [neg, mid, pos] = CIRCULATION_COLOURS[name];
  return `linear-gradient(${direction}, ${neg} 0%, ${mid} 50%, ${pos} 100%)`;
}

/** The circulation colour at m ∈ [−1, 1] as [r, g, b] in 0..255 (PNG export legend). */
export function circulationRgb(name: ColormapName, m: number): [number, number, number] {
  const stops = CIRCULATION_COLOURS[name].map((h) => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16)));
  const x = (Math.max(-1, Math.min(1, m)) + 1) / 2 * 2;
  const k = Math.min(1, Math.floor(x));
  const f = x - k;
  return [0, 1, 2].map((c) => Math.round(stops[k][c] + (stops[k + 1][c] - stops[k][c]) * f)) as [number, number, number];
}
