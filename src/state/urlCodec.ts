/**
 * The share link: the store's params slice as a query string, versioned (LINK_VERSION of
 * physics/params.ts), so that old links keep working. Parameters go through the one schema
 * (parseQuery/toQuery); the app adds two fields of its own: `compare` (a second noise system run
 * alongside, for the conservative-vs-non-conservative preset) and `hc=1` (projector mode: high
 * contrast, larger type; a view setting, so a lecturer can send the projector link). `hc` is not
 * a parameter of the run: it never changes which preset a link matches.
 *
 * Nothing from a link is executed or injected as HTML: values are parsed by the schema, and
 * messages quote the offending text only after stripping it to printable characters (React
 * escapes it when shown).
 */
import { LINK_VERSION, MAX_N, MAX_TOTAL, paramDef, parseQuery, parseValue, toQuery, validateParams, type Noise, type Params } from '../physics/params';

/**
 * The companion run drawn beside the main one from the same initial particles: another noise
 * system, or `all-pairs` — the same system with every pair interacting, beside a run of random
 * batches (interactions=batch, models.md §1.5), where both fit the all-pairs limits.
 */
export type CompareMode = Noise | 'all-pairs';

/**
 * Why the companion `compare` cannot run beside `p` (null: it can): all pairs need random batches
 * and the all-pairs limits; another noise system must itself be valid with p (validateParams:
 * e.g. two-point increments have no random-batch step).
 */
export function compareProblem(p: Params, compare: CompareMode): string | null {
  if (compare === 'all-pairs') return allPairsCompareProblem(p);
  if (p.model !== 'landau') return `compare=${compare} compares Landau noise systems: it needs model=landau`;
  const errors = validateParams({ ...p, noise: compare });
  return errors.length ? `compare=${compare}: the companion run would be invalid (${errors.map((e) => e.message).join('; ')})` : null;
}

/** Why `compare=all-pairs` cannot run with these parameters (null: it can). */
export function allPairsCompareProblem(p: Params): string | null {
  if (p.model !== 'landau' || p.interactions !== 'batch') return 'compare=all-pairs compares random batches with all pairs: it needs model=landau and interactions=batch';
  if (p.n > MAX_N) return `compare=all-pairs needs n ≤ ${MAX_N} (all pairs cost N² per step; got n = ${p.n})`;
  if (p.n * p.replicas > MAX_TOTAL) return `compare=all-pairs needs n · replicas ≤ ${MAX_TOTAL} (got ${p.n} · ${p.replicas})`;
  return null;
}

export interface LinkState {
  params: Params;
  /** Noise system of the companion run (same parameters otherwise), or null. */
  compare: CompareMode | null;
  /** Projector mode (`hc=1`): high contrast and larger type. Absent means off. */
  highContrast?: boolean;
}

export interface DecodedLink extends LinkState {
  highContrast: boolean;
  /** One line per bad or unknown field, naming it (empty for a clean link). */
  messages: string[];
}

/** App fields beyond the parameter schema. */
const APP_FIELDS = ['compare', 'hc'] as const;

/**
 * Upgrades from older link versions: MIGRATIONS[k] turns a version-k query into version k + 1.
 * Version 1 is the first; add an entry here when the schema changes incompatibly.
 */
const MIGRATIONS: Record<number, (sp: URLSearchParams) => URLSearchParams> = {};

/** Printable, bounded text for a message about a field the link carried. */
export function quoteField(raw: string, max = 40): string {
  // eslint-disable-next-line no-control-regex
  const clean = raw.replace(/[\u0000-\u001f\u007f-\u009f<>]/g, '?');
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}

/**
 * The app's own message (which may quote link text): control characters removed and length
 * bounded, but '<' and '>' kept ("gamma < 0"): React escapes it when shown.
 */
function printable(message: string, max: number): string {
  // eslint-disable-next-line no-control-regex
  const clean = message.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}

export function decodeLink(search: string): DecodedLink {
  const sp = new URLSearchParams(search.replace(/^[?#]/, ''));
  const messages: string[] = [];
  // Version: missing means current; older versions are migrated step by step.
  const rawVersion = sp.get('v');
  if (rawVersion !== null && /^\d+$/.test(rawVersion)) {
    let version = Number(rawVersion);
    let migrated = sp;
    while (version < LINK_VERSION && MIGRATIONS[version]) {
      migrated = MIGRATIONS[version](migrated);
      version++;
    }
    if (migrated !== sp) {
      if (version === LINK_VERSION) migrated.set('v', String(LINK_VERSION));
      for (const key of [...sp.keys()]) sp.delete(key);
      for (const [k, v] of migrated) sp.append(k, v);
    }
  }
  let compare: CompareMode | null = null;
  const rawCompare = sp.get('compare');
  if (rawCompare === 'all-pairs') {
    compare = 'all-pairs';
  } else if (rawCompare !== null) {
    const { value, error } = parseValue(paramDef('noise'), rawCompare);
    if (error) messages.push(`compare: got "${quoteField(rawCompare)}", expected one of ${(paramDef('noise').options as readonly string[]).join(', ')} (the companion run's noise system) or all-pairs (with interactions=batch); ignored`);
    else compare = value as Noise;
  }
  let highContrast = false;
  const rawHc = sp.get('hc');
  if (rawHc !== null) {
    if (rawHc === '1' || rawHc === '0') highContrast = rawHc === '1';
    else messages.push(`hc: got "${quoteField(rawHc)}", expected 0 or 1 (projector mode: high contrast, larger type); ignored`);
  }
  for (const f of APP_FIELDS) sp.delete(f);
  const { params, errors, unknown } = parseQuery(sp);
  for (const e of errors) messages.push(`${printable(e.message, 300)} — ${e.key === 'v' ? 'kept reading it as the current version' : e.fixed ?? 'kept the default'}`);
  for (const u of unknown) messages.push(`"${quoteField(u)}": not a parameter of this app; ignored`);
  if (compare === params.noise) compare = null;
  if (compare !== null) {
    const problem = compareProblem(params, compare);
    if (problem) {
      messages.push(`${printable(problem, 300)}; ignored`);
      compare = null;
    }
  }
  return { params, compare, highContrast, messages };
}

/** The query string (without "?") that reproduces this state. */
export function encodeLink(s: LinkState): string {
  const q = toQuery(s.params);
  const withCompare = s.compare && s.compare !== s.params.noise ? `${q}&compare=${s.compare}` : q;
  return s.highContrast ? `${withCompare}&hc=1` : withCompare;
}

/** A preset's (or any) query with the projector flag added when on: links keep projector mode. */
export function withProjector(query: string, highContrast: boolean): string {
  return highContrast ? `${query}&hc=1` : query;
}

/** Absolute link for the current page (origin + path + query). */
export function shareUrl(s: LinkState, loc: Pick<Location, 'origin' | 'pathname'> = window.location): string {
  return `${loc.origin}${loc.pathname}?${encodeLink(s)}`;
}
