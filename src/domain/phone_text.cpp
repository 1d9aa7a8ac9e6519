#include "domain/phone_text.hpp"

#include <algorithm>
#include <cctype>
#include <optional>

namespace siaga::domain {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool is_separator(char c) { return phone_text_separators.find(c) != std::string_view::npos; }

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

std::size_t size_of(const group& g) { return g.end - g.begin; }

int value_of(std::string_view text, const group& g) {
  int v = 0;
  for (std::size_t k = g.begin; k < g.end; ++k) v = v * 10 + (text[k] - '0');
  return v;
}

// Whether groups [first, last] are a date: day, month, year (or year, month, day) split by the
// same '.', '/' or '-' ("08.12.2026", "2026-12-08").
bool is_date(std::string_view text, const std::vector<group>& groups, std::size_t first, std::size_t last) {
  if (last != first + 2) return false;
  const char sep = text[groups[first].end];
  if ((sep != '.' && sep != '/' && sep != '-') || text[groups[first + 1].end] != sep) return false;
  const auto& a = groups[first];
  const auto& m = groups[first + 1];
  const auto& b = groups[last];
  const auto day_month = [&](const group& d) {
    return size_of(d) <= 2 && size_of(m) <= 2 && value_of(text, d) >= 1 && value_of(text, d) <= 31 &&
           value_of(text, m) >= 1 && value_of(text, m) <= 12;
  };
  return (size_of(b) == 4 && day_month(a)) || (size_of(a) == 4 && day_month(b));
}

// Whether groups [first, last] are an amount: thousands split by '.' or ',' ("812.345.678"),
// with no trunk code or country code in front (those make it a number: "0812.345.678").
bool is_amount(std::string_view text, const std::vector<group>& groups, std::size_t first, std::size_t last) {
  if (last == first || text[groups[first].begin] == '0' || size_of(groups[first]) > 3) return false;
  if (text.substr(groups[first].begin).starts_with("62")) return false;
  for (std::size_t g = first; g < last; ++g) {
    if (text[groups[g].end] != '.' || size_of(groups[g + 1]) != 3) return false;
  }
  return true;
}

// Whether the run starting at i continues a code of letters and a dash ("AMB-261206-0007").
bool continues_code(std::string_view text, std::size_t i) {
  return i >= 2 && text[i - 1] == '-' && std::isalpha(static_cast<unsigned char>(text[i - 2]));
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
    // A run glued to letters after it ("0812345678abc") or following a code's letters and dash
    // ("AMB-261206-0007", an incident number) is a code, not a number.
    const std::size_t run_end = groups.back().end;
    if (continues_code(text, i)) {
      i = run_end;
      continue;
    }
    const bool glued = run_end < text.size() && std::isalpha(static_cast<unsigned char>(text[run_end]));
    // The longest whole-group stretch that is the number, from the earliest group.
    std::optional<text_span> found;
    std::size_t resume = run_end;
    for (std::size_t first = 0; first < groups.size() && !found; ++first) {
      for (std::size_t last = groups.size(); last-- > first;) {
        if (glued && last == groups.size() - 1) continue;
        if (!same_number(text, groups, first, last, *national)) continue;
        // Dates and amounts whose digits happen to be the number's (a short number read with
        // a trunk 0 or none) are what they look like.
        if (is_date(text, groups, first, last) || is_amount(text, groups, first, last)) continue;
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
