// Errors for people: the API's error code as a sentence in the console's language (the
// server's own message, in English, follows as the detail), and an action that did not happen
// said so plainly: an operator must never read a failed dispatch as a sent one.
import { isKey, translate, type Key, type Lang } from './i18n';

/** What the consoles know of a failed request (ApiError has these fields). */
export interface ErrorLike {
  /** HTTP status; 0 when no answer came (network). */
  status: number;
  /** The API's code ("conflict"), "network", or "http_<status>" when the body had none. */
  code: string;
  message: string;
  /** The request's method; anything but GET changes something. */
  method?: string;
}

// Other spellings of the same codes (from other gateways and older servers).
const ALIASES: Record<string, string> = {
  validation_failed: 'invalid_input',
  unauthorized: 'unauthenticated',
  unsupported_media: 'unsupported_media_type',
  rate_limited: 'too_many_requests',
};

// Codes for bodies without one, by status.
const BY_STATUS: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'too_many_requests',
  500: 'internal',
  502: 'unavailable',
  503: 'unavailable',
  504: 'unavailable',
};

/** The translated sentence for an error code (or its status), null for an unknown one. */
export function codeSentence(lang: Lang, code: string, status = 0): string | null {
  const c = ALIASES[code] ?? (code.startsWith('http_') ? BY_STATUS[status || Number(code.slice(5))] : code);
  const key = 'err_' + (c ?? '');
  return isKey(key) ? translate(lang, key) : null;
}

export const isNetwork = (e: ErrorLike) => e.code === 'network' || e.status === 0;
const isWrite = (e: ErrorLike) => !!e.method && e.method.toUpperCase() !== 'GET';

/**
 * The message for a failed request. With an action (or for any write) it starts by saying the
 * action was not sent (network) or not done (refused); a read says what is wrong.
 */
export function describeError(lang: Lang, e: ErrorLike, action?: Key): string {
  const a = translate(lang, action ?? 'action_generic');
  if (isNetwork(e)) return action || isWrite(e) ? translate(lang, 'action_not_sent', { a }) : translate(lang, 'network_error');
  const sentence = codeSentence(lang, e.code, e.status);
  const detail = e.message.trim();
  const why = sentence ? (detail && detail !== sentence ? `${sentence} — ${detail}` : sentence) : detail || e.code;
  return action || isWrite(e) ? translate(lang, 'action_refused', { a, why }) : why;
}
