#!/usr/bin/env bash
# RunOnReceive for Debian's gammu-smsd: posts every SMS that gammu just received to Siaga 112's
# SMS webhook (POST /api/v1/webhooks/sms, docs/channels.md), so that a centre with only a GSM
# modem and no internet-facing service can take reports by SMS.
#
# In /etc/gammu-smsdrc:
#   [smsd]
#   RunOnReceive = /usr/local/bin/gammu-siaga-receive.sh
# and the settings in /etc/default/siaga-sms (read when present) or the environment:
#   SIAGA_URL=http://127.0.0.1:8112        where siaga listens
#   SIAGA_SMS_SECRET=...                   the server's sms_secret (16+ characters)
#
# gammu-smsd sets SMS_MESSAGES and SMS_<n>_NUMBER / SMS_<n>_TEXT for each part received, and
# DECODED_PARTS / DECODED_<n>_TEXT when it joined a long SMS; its arguments are the ids of the
# messages (the inbox file names or database ids), which become the gateway message_id, so that
# a message posted again after a crash is taken once. Exits non-zero when a post fails, so that
# gammu logs it.
set -uo pipefail

[[ -r /etc/default/siaga-sms ]] && . /etc/default/siaga-sms
url="${SIAGA_URL:-http://127.0.0.1:8112}/api/v1/webhooks/sms"
secret="${SIAGA_SMS_SECRET:?SIAGA_SMS_SECRET is not set}"

# A JSON string literal of $1: backslash, quote and control characters escaped.
json_string() {
  local s="$1" out="" ch i code
  for ((i = 0; i < ${#s}; i++)); do
    ch="${s:i:1}"
    case "$ch" in
      '\') out+='\\' ;;
      '"') out+='\"' ;;
      $'\n') out+='\n' ;;
      $'\r') out+='\r' ;;
      $'\t') out+='\t' ;;
      *)
        printf -v code '%d' "'$ch" 2>/dev/null || code=32
        if ((code >= 0 && code < 32)); then printf -v ch '\\u%04x' "$code"; fi
        out+="$ch"
        ;;
    esac
  done
  printf '"%s"' "$out"
}

post() {
  local id="$1" sender="$2" text="$3" body
  body="{\"message_id\":$(json_string "$id"),\"sender\":$(json_string "$sender"),\"text\":$(json_string "$text"),\"time\":\"$(date -Iseconds)\"}"
  curl --silent --show-error --fail --max-time 20 -X POST "$url" \
    -H 'Content-Type: application/json' -H "X-Siaga-SMS-Secret: $secret" --data-binary "$body" >/dev/null
}

count="${SMS_MESSAGES:-0}"
status=0
if [[ "${DECODED_PARTS:-0}" -gt 0 ]]; then
  # One long SMS in several parts: its joined text, once, under the first part's id.
  text=""
  for ((n = 1; n <= DECODED_PARTS; n++)); do
    var="DECODED_${n}_TEXT"
    text+="${!var:-}"
  done
  number_var="SMS_1_NUMBER"
  post "${1:-$(date +%s%N)}" "${!number_var:-}" "$text" || status=1
else
  for ((n = 1; n <= count; n++)); do
    number_var="SMS_${n}_NUMBER"
    text_var="SMS_${n}_TEXT"
    id="${!n:-}"
    [[ -n "$id" ]] || id="$(date +%s%N)-$n"
    post "$id" "${!number_var:-}" "${!text_var:-}" || status=1
  done
fi
exit "$status"
