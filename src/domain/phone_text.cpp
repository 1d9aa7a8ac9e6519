#include "domain/phone_text.hpp"

#include <algorithm>
#include <cctype>
#include <optional>

namespace siaga::domain {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool is_separator(char c) { return c == ' ' || c == '-' || c == '.' || c == '/' || c == '(' || c == ')'; }

// The national digits of an Indonesian E.164 number ("+6281234567" -> "81234567"); none for
// anything else.
std::optional<std::string_view> national_of(std::string_view e164) {
  if (!e164.starts_with("+62")) return std::nullopt;
  auto national = e164.substr(3);
  if (national.size() < 7 || national.size() > 12) return std::nullopt;
  for (char c : national) {
    if (!is_digit(c)) return std::nullopt;
  }
  return national;
}

// One group of digits of a run.
struct group {
  std::size_t begin = 0;
  std::size_t end = 0;
};

// Whether the digits of groups [first, last] written in text are the national number.
bool same_number(std::string_view text, const std::vector<group>& groups, std::size_t first, std::size_t last,
                 std::string_view national) {
  std::string digits;
  for (std::size_t g = first; g <= last; ++g) digits.append(text.substr(groups[g].begin, groups[g].end - groups[g].begin));
  std::string_view d = digits;
  if (d.starts_with("62")) {
    d.remove_prefix(2);
    if (d.starts_with("0")) d.remove_prefix(1);  // "+62 0812...", as people write it
  } else if (d.starts_with("0")) {
    d.remove_prefix(1);
  }
  return d == national;
}

}  // namespace

std::vector<text_span> find_phone_in_text(std::string_view text, std::string_view e164) {
  std::vector<text_span> out;
  auto national = national_of(e164);
  if (!national) return out;
  std::size_t i = 0;
  while (i < text.size()) {
    // A run starts at a digit that does not continue a word or a number ("A12", "x0812").
    if (!is_digit(text[i]) || (i > 0 && (is_digit(text[i - 1]) || std::isalpha(static_cast<unsigned char>(text[i - 1]))))) {
      ++i;
      continue;
    }
    // The groups of the run: digits, split by one separator (or ") " after a trunk code).
    std::vector<group> groups;
    std::size_t j = i;
    for (;;) {
      group g{j, j};
      while (g.end < text.size() && is_digit(text[g.end])) ++g.end;
      groups.push_back(g);
      std::size_t next = g.end;
      if (next < text.size() && is_separator(text[next])) ++next;
      if (next < text.size() && text[next] == ' ' && text[next - 1] == ')') ++next;
      if (next == g.end || next >= text.size() || !is_digit(text[next])) break;
      j = next;
    }
    // A run glued to letters after it ("0812345678abc") is a code, not a number.
    const std::size_t run_end = groups.back().end;
    const bool glued = run_end < text.size() && std::isalpha(static_cast<unsigned char>(text[run_end]));
    // The longest whole-group stretch that is the number, from the earliest group.
    std::optional<text_span> found;
    std::size_t resume = run_end;
    for (std::size_t first = 0; first < groups.size() && !found; ++first) {
      for (std::size_t last = groups.size(); last-- > first;) {
        if (glued && last == groups.size() - 1) continue;
        if (!same_number(text, groups, first, last, *national)) continue;
        std::size_t begin = groups[first].begin;
        if (begin > 0 && text[begin - 1] == '+') --begin;
        if (begin > 0 && text[begin - 1] == '(') --begin;
        found = text_span{begin, groups[last].end};
        resume = groups[last].end;
        break;
      }
    }
    if (found) out.push_back(*found);
    i = std::max(resume, i + 1);
  }
  return out;
}

std::string replace_phone_in_text(std::string_view text, std::string_view e164, std::string_view mask) {
  std::string out;
  std::size_t at = 0;
  for (const auto& s : find_phone_in_text(text, e164)) {
    out.append(text.substr(at, s.begin - at));
    out.append(mask);
    at = s.end;
  }
  out.append(text.substr(at));
  return out;
}

std::string phone_text_probe(std::string_view e164) {
  auto national = national_of(e164);
  if (!national) return {};
  return std::string(national->substr(national->size() - 3));
}

}  // namespace siaga::domain
