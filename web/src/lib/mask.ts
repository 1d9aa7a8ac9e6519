// Masking of a reporter's number on screen, as the server masks it (domain::mask_phone): the
// first 6 and last 4 characters kept; numbers of 10 characters or fewer keep only the last 2.
export function maskPhone(phone: string | null | undefined): string {
  if (!phone) return '';
  const s = phone.trim();
  if (s.length <= 10) return '*'.repeat(Math.max(0, s.length - 2)) + s.slice(-2);
  return s.slice(0, 6) + '*'.repeat(s.length - 10) + s.slice(-4);
}

/** A name shown masked: initials only ("Salma Hehanussa" -> "S. H."). */
export function maskName(name: string | null | undefined): string {
  if (!name) return '';
  return name
    .trim()
    .split(/\s+/)
    .map((w) => w.charAt(0).toUpperCase() + '.')
    .join(' ');
}

/** A typed Indonesian number in E.164 where it is plainly one (0812… -> +62812…). */
export function normalisePhone(text: string): string {
  const s = text.replace(/[\s().-]/g, '');
  if (/^0\d{6,14}$/.test(s)) return '+62' + s.slice(1);
  if (/^62\d{6,14}$/.test(s)) return '+' + s;
  return s;
}
