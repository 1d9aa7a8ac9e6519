#include "services/password_policy.hpp"

#include "core/text.hpp"

#include <algorithm>
#include <cctype>
#include <set>
#include <string>
#include <unordered_set>

namespace siaga::services {
namespace {

const std::unordered_set<std::string>& common_passwords() {
  static const std::unordered_set<std::string> set = [] {
    std::unordered_set<std::string> out;
    std::string_view text = common_passwords_text();
    while (!text.empty()) {
      auto end = text.find('\n');
      auto line = text.substr(0, end);
      while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
      if (!line.empty() && line.front() != '#') out.insert(core::ascii_lower(line));
      if (end == std::string_view::npos) break;
      text.remove_prefix(end + 1);
    }
    return out;
  }();
  return set;
}

// "sayang2024!" -> "sayang": guessers add digits and a symbol to a favourite word.
std::string without_trailing_decoration(std::string s) {
  while (!s.empty() && !std::isalpha(static_cast<unsigned char>(s.back()))) s.pop_back();
  return s;
}

}  // namespace

core::result<void> check_password_strength(std::string_view password, std::string_view username,
                                           std::string_view display_name) {
  if (password.size() < min_password_length) {
    return core::invalid("kata sandi terlalu pendek: minimal " + std::to_string(min_password_length) +
                         " karakter (password too short: at least " + std::to_string(min_password_length) +
                         " characters)");
  }
  auto pw = core::ascii_lower(password);
  auto bare = without_trailing_decoration(pw);
  const auto& common = common_passwords();
  if (common.contains(pw) || (bare.size() >= 4 && common.contains(bare))) {
    return core::invalid("kata sandi ini terlalu umum dan mudah ditebak, pilih yang lain "
                         "(password is too common: choose another)");
  }
  auto name = core::ascii_lower(username);
  if (name.size() >= 3 && pw.find(name) != std::string::npos) {
    return core::invalid("kata sandi tidak boleh memuat nama pengguna (password must not contain the username)");
  }
  std::string word;
  auto check_word = [&]() -> core::result<void> {
    if (word.size() >= 3 && pw.find(word) != std::string::npos) {
      return core::invalid("kata sandi tidak boleh memuat nama Anda (password must not contain the user's name)");
    }
    word.clear();
    return {};
  };
  for (char ch : core::ascii_lower(display_name)) {
    if (std::isalpha(static_cast<unsigned char>(ch))) {
      word += ch;
    } else {
      SIAGA_CHECK(check_word());
    }
  }
  SIAGA_CHECK(check_word());
  if (std::set<char>(pw.begin(), pw.end()).size() < 4) {
    return core::invalid("kata sandi terlalu sederhana: pakai lebih banyak karakter berbeda "
                         "(password too simple: use more different characters)");
  }
  return {};
}

}  // namespace siaga::services
