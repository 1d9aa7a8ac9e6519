// Small number formats for figures.

/** A share (0..1) as a whole percentage, "—" when unknown: 0.934 -> "93 %". */
export function percent(share: number | null | undefined): string {
  if (share === null || share === undefined || !Number.isFinite(share)) return '—';
  return `${Math.round(share * 100)} %`;
}

/**
 * Seconds for people: "8 dtk", "2 mnt 05 dtk", from an hour on "1 jam 52 mnt" and from a day on
 * "2 hari 3 jam" (or English units); "—" when unknown.
 */
export function seconds(s: number | null | undefined, lang: 'id' | 'en'): string {
  if (s === null || s === undefined || !Number.isFinite(s)) return '—';
  const total = Math.max(0, Math.round(s));
  const u = lang === 'id' ? { s: 'dtk', m: 'mnt', h: 'jam', d: 'hari' } : { s: 's', m: 'min', h: 'h', d: 'd' };
  const two = (n: number) => String(n).padStart(2, '0');
  if (total < 60) return `${total} ${u.s}`;
  if (total < 3600) return `${Math.floor(total / 60)} ${u.m} ${two(total % 60)} ${u.s}`;
  const minutes = Math.floor(total / 60);
  if (minutes < 24 * 60) return `${Math.floor(minutes / 60)} ${u.h} ${two(minutes % 60)} ${u.m}`;
  return `${Math.floor(minutes / 1440)} ${u.d} ${Math.floor((minutes % 1440) / 60)} ${u.h}`;
}

/** Below target is worth a red mark: a share under the target (unknown is not). */
export const belowTarget = (share: number | null | undefined, target: number) =>
  share !== null && share !== undefined && Number.isFinite(share) && share < target;

/**
 * A count with the language's grouping: "13.746" in Indonesian, "13,746" in English. Plain
 * String() would print "13746", and English grouping misreads as a decimal in Indonesia.
 */
export function count(n: number | null | undefined, lang: 'id' | 'en'): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  return n.toLocaleString(lang === 'id' ? 'id-ID' : 'en-US', { maximumFractionDigits: 0 });
}
