// Masking of a number on screen, as the server masks it (domain::mask_phone):
// "+6281234566789" -> "+62 ••• •••• 6789". Only the country code of an Indonesian number and at
// most the last 4 digits show (3 for 5 to 7 digits, 1 for 3 or 4, none below), in one fixed
// shape so that the length is not told; characters other than digits never show.
export function maskPhone(phone: string | null | undefined): string {
  if (!phone) return '';
  const s = phone.trim();
  if (!s) return '';
  const indonesian = s.startsWith('+62');
  let digits = s.replace(/\D/g, '');
  if (indonesian) digits = digits.slice(2);
  const n = digits.length;
  const shown = n >= 8 ? 4 : n >= 5 ? 3 : n >= 3 ? 1 : 0;
  const head = indonesian ? '+62 ' : s.startsWith('+') ? '+' : '';
  return head + '••• ••••' + (shown > 0 ? ' ' + digits.slice(n - shown) : '');
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
