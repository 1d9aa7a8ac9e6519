// Password hashing (Argon2id, libsodium) and opaque tokens for sessions and API clients.
#pragma once

#include "core/error.hpp"
#include "core/id.hpp"

#include <string>
#include <string_view>

namespace siaga::services {

// Argon2id string with libsodium's interactive limits. Fails with invalid_input when the
// password is shorter than 8 characters, internal when memory runs out.
core::result<std::string> hash_password(std::string_view password);

// True when password matches the Argon2id string. Takes on the order of 100 ms by design.
bool verify_password(const std::string& hash, std::string_view password);

// A new random token (32 bytes, base64url without padding): what the client keeps.
std::string make_token(core::random_source& rnd);

// The stored form of a token: lower-case hex SHA-256. Tokens are long and random, so a fast
// hash is enough and lookups stay cheap.
std::string token_hash(std::string_view token);

}  // namespace siaga::services
