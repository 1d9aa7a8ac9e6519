#include "services/passwords.hpp"

#include "domain/media.hpp"

#include <sodium.h>

#include <array>

namespace siaga::services {

core::result<std::string> hash_password(std::string_view password) {
  if (password.size() < 8) return core::invalid("password must have at least 8 characters");
  if (sodium_init() < 0) return core::make_error(core::errc::internal, "libsodium failed to start");
  std::array<char, crypto_pwhash_STRBYTES> out{};
  if (crypto_pwhash_str(out.data(), password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    return core::make_error(core::errc::internal, "out of memory while hashing a password");
  }
  return std::string(out.data());
}

bool verify_password(const std::string& hash, std::string_view password) {
  if (hash.empty() || sodium_init() < 0) return false;
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

std::string make_token(core::random_source& rnd) {
  std::array<std::uint8_t, 32> raw{};
  rnd.fill(raw.data(), raw.size());
  std::array<char, sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_URLSAFE_NO_PADDING)> out{};
  sodium_bin2base64(out.data(), out.size(), raw.data(), raw.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return std::string(out.data());
}

std::string token_hash(std::string_view token) { return domain::sha256_hex(token); }

}  // namespace siaga::services
