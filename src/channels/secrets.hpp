// The constant-time check of a webhook's shared secret (Telegram's secret token, the SMS
// gateway's header), so that the time of a refusal says nothing about the secret.
#pragma once

#include <openssl/crypto.h>

#include <string_view>

namespace siaga::channels {

// Whether given is secret; false for an empty secret (a channel without one takes nothing).
inline bool same_secret(std::string_view given, std::string_view secret) {
  if (secret.empty()) return false;
  return given.size() == secret.size() && CRYPTO_memcmp(given.data(), secret.data(), secret.size()) == 0;
}

}  // namespace siaga::channels
