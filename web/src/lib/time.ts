// Times: the API speaks UTC (ISO 8601 with microseconds); people read the jurisdiction's zone.

export type Lang = 'id' | 'en';

/** Parses an API time ("2026-11-23T18:42:00.187819Z") to epoch milliseconds; NaN when absent. */
export function parseTime(iso: string | null | undefined): number {
  if (!iso) return NaN;
  // Keep at most milliseconds: not every engine reads six fraction digits.
  const trimmed = iso.replace(/(\.\d{3})\d+/, '$1');
  return Date.parse(trimmed);
}

const ZONE_ABBR: Record<string, string> = {
  'Asia/Jakarta': 'WIB',
  'Asia/Pontianak': 'WIB',
  'Asia/Makassar': 'WITA',
  'Asia/Ujung_Pandang': 'WITA',
  'Asia/Jayapura': 'WIT',
};

/** WIB / WITA / WIT for Indonesian zones, else the offset ("UTC+7"). */
export function zoneAbbr(timeZone: string): string {
  const known = ZONE_ABBR[timeZone];
  if (known) return known;
  const minutes = zoneOffsetMinutes(Date.now(), timeZone);
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `UTC${sign}${Math.floor(abs / 60)}${abs % 60 ? ':' + String(abs % 60).padStart(2, '0') : ''}`;
}

interface Parts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const partFormatters = new Map<string, Intl.DateTimeFormat>();
function partsIn(ms: number, timeZone: string): Parts {
  let f = partFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    partFormatters.set(timeZone, f);
  }
  const out: Record<string, number> = {};
  for (const p of f.formatToParts(new Date(ms))) {
    if (p.type !== 'literal') out[p.type] = Number(p.value);
  }
  return {
    year: out.year ?? 0,
    month: out.month ?? 1,
    day: out.day ?? 1,
    hour: (out.hour ?? 0) % 24,
    minute: out.minute ?? 0,
    second: out.second ?? 0,
  };
}

/** The zone's offset from UTC in minutes at that instant (Asia/Jayapura: 540). */
export function zoneOffsetMinutes(ms: number, timeZone: string): number {
  const p = partsIn(ms, timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60000);
}

/** Epoch ms of the local midnight that starts the day containing ms, in that zone. */
export function startOfLocalDay(ms: number, timeZone: string): number {
  const p = partsIn(ms, timeZone);
  const offset = zoneOffsetMinutes(ms, timeZone);
  return Date.UTC(p.year, p.month - 1, p.day) - offset * 60000;
}

const pad = (n: number) => String(n).padStart(2, '0');
const MONTHS: Record<Lang, string[]> = {
  id: ['Jan', 'Feb', 'Mar', 'Apr', 'Mei', 'Jun', 'Jul', 'Agu', 'Sep', 'Okt', 'Nov', 'Des'],
  en: ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'],
};

/** "14:32" in the zone. */
export function formatClock(ms: number, timeZone: string, seconds = false): string {
  if (!Number.isFinite(ms)) return '—';
  const p = partsIn(ms, timeZone);
  return `${pad(p.hour)}:${pad(p.minute)}${seconds ? ':' + pad(p.second) : ''}`;
}

/** "14:32 WIT" today, "23 Nov 14:32 WIT" on another day (relative to now). */
export function formatWhen(ms: number, timeZone: string, lang: Lang, now = Date.now()): string {
  if (!Number.isFinite(ms)) return '—';
  const zone = zoneAbbr(timeZone);
  if (startOfLocalDay(ms, timeZone) === startOfLocalDay(now, timeZone)) return `${formatClock(ms, timeZone)} ${zone}`;
  const p = partsIn(ms, timeZone);
  return `${p.day} ${MONTHS[lang][p.month - 1]} ${formatClock(ms, timeZone)} ${zone}`;
}

/** "23 Nov 2026 14:32:05 WIT". */
export function formatFull(ms: number, timeZone: string, lang: Lang): string {
  if (!Number.isFinite(ms)) return '—';
  const p = partsIn(ms, timeZone);
  return `${p.day} ${MONTHS[lang][p.month - 1]} ${p.year} ${formatClock(ms, timeZone, true)} ${zoneAbbr(timeZone)}`;
}

/**
 * A compact duration: "45 dtk", "3 mnt", "1 jam 05 mnt", "2 hari 3 jam" (English "2 d 3 h").
 * Indonesian hours and days are written out: "j" and "hr" were read as "hours" by many.
 */
export function formatDuration(ms: number, lang: Lang): string {
  if (!Number.isFinite(ms)) return '—';
  const u = lang === 'id' ? { s: 'dtk', m: 'mnt', h: 'jam', d: 'hari' } : { s: 's', m: 'min', h: 'h', d: 'd' };
  const total = Math.max(0, Math.floor(ms / 1000));
  if (total < 60) return `${total} ${u.s}`;
  const minutes = Math.floor(total / 60);
  if (minutes < 60) return `${minutes} ${u.m}`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} ${u.h} ${pad(minutes % 60)} ${u.m}`;
  const days = Math.floor(hours / 24);
  return `${days} ${u.d} ${hours % 24} ${u.h}`;
}

/** Seconds as an SLA limit for people: "1 mnt", "15 mnt", "1 hari", "—" for none. */
export function formatLimit(seconds: number, lang: Lang): string {
  if (!seconds) return '—';
  return formatDuration(seconds * 1000, lang).replace(/ 0 (jam|h)$/, '').replace(/ 00 (mnt|min)$/, '');
}
