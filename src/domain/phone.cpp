#include "domain/phone.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace siaga::domain {
namespace {

bool is_separator(char c) {
  return c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || c == '/' || c == '\t';
}

core::error bad_number(std::string_view text, std::string_view why) {
  return core::invalid("nomor telepon '" + std::string(text.substr(0, 40)) + "' tidak dikenali (phone number not " +
                       "recognised): " + std::string(why));
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

}  // namespace

core::result<std::string> normalize_phone(std::string_view text) {
  auto t = trim(text);
  if (t.empty()) return bad_number(text, "empty");
  bool plus = false;
  std::string digits;
  for (std::size_t i = 0; i < t.size(); ++i) {
    char c = t[i];
    if (c == '+' && i == 0) {
      plus = true;
    } else if (std::isdigit(static_cast<unsigned char>(c))) {
      digits += c;
    } else if (!is_separator(c)) {
      return bad_number(text, "only digits, '+' at the start, spaces, dashes, dots and parentheses are allowed");
    }
  }
  if (digits.empty()) return bad_number(text, "no digits");
  if (!plus) {
    if (digits.starts_with("00")) {
      digits.erase(0, 2);
      plus = true;
    } else if (digits.starts_with("0")) {
      digits.replace(0, 1, "62");
      plus = true;
    } else if (digits.size() <= 6) {
      if (digits.size() < 3) return bad_number(text, "too short");
      return digits;  // a short code: 112, 110, 1500, 14045
    } else if (digits.starts_with("62")) {
      plus = true;
    } else {
      return bad_number(text, "a national number starts with 0 or 62");
    }
  }
  if (digits.starts_with("0")) return bad_number(text, "no country code after the international prefix");
  if (digits.starts_with("620")) digits.erase(2, 1);  // "+62 0812...": the trunk 0 does not belong
  // No Indonesian number starts with 0 after the trunk 0 is gone; taking a second one away would
  // make "+6200..." normalise to a number that normalises again to another (found by fuzzing).
  if (digits.starts_with("620")) return bad_number(text, "a number after +62 does not start with 00");
  if (digits.starts_with("62")) {
    auto national = digits.size() - 2;
    if (national < 7 || national > 12) return bad_number(text, "an Indonesian number has 7 to 12 digits after +62");
  } else if (digits.size() < 8 || digits.size() > 15) {
    return bad_number(text, "an international number has 8 to 15 digits");
  }
  return "+" + digits;
}

bool is_withheld_number(std::string_view text) {
  auto t = trim(text);
  if (t.empty()) return true;
  static constexpr std::array<std::string_view, 5> markers{"anonymous", "unknown", "private", "restricted",
                                                           "unavailable"};
  return std::any_of(markers.begin(), markers.end(), [t](std::string_view m) {
    return t.size() == m.size() && std::equal(t.begin(), t.end(), m.begin(), [](char a, char b) {
             return std::tolower(static_cast<unsigned char>(a)) == b;
           });
  });
}

bool is_short_code(std::string_view normalized) {
  return !normalized.empty() && normalized.front() != '+';
}

core::result<std::string> normalize_reporter_phone(std::string_view text, std::string_view field) {
  auto phone = normalize_phone(text);
  if (phone && !is_short_code(*phone)) return phone;
  return core::invalid("nomor HP tidak dikenali; tulis seperti 0812-3456-7890 atau +62 812-3456-7890 (" +
                       std::string(field) + " '" + std::string(text.substr(0, 40)) +
                       "' is not a phone number that can be called back)");
}

std::string mask_phone(std::string_view phone) {
  if (phone.empty()) return {};
  std::string digits;
  for (char c : phone) {
    if (std::isdigit(static_cast<unsigned char>(c))) digits += c;
  }
  const bool indonesian = phone.starts_with("+62");
  if (indonesian) digits.erase(0, 2);
  const std::size_t n = digits.size();
  const std::size_t shown = n >= 8 ? 4 : n >= 5 ? 3 : n >= 3 ? 1 : 0;
  // The bullets are U+2022 (UTF-8, as every answer is).
  std::string out = indonesian ? "+62 " : phone.front() == '+' ? "+" : "";
  out += "\u2022\u2022\u2022 \u2022\u2022\u2022\u2022";
  if (shown > 0) out += " " + digits.substr(n - shown);
  return out;
}

}  // namespace siaga::domain
