#include "domain/phone_text.hpp"

#include "core/id.hpp"
#include "domain/phone.hpp"

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

// Whether groups [first, last] are written as thousands split by '.' after a first group of 1
// to 3 digits that is no trunk code ("812.345.678", "625.000.000").
bool thousands_grouped(std::string_view text, const std::vector<group>& groups, std::size_t first, std::size_t last) {
  if (last == first || text[groups[first].begin] == '0' || size_of(groups[first]) > 3) return false;
  for (std::size_t g = first; g < last; ++g) {
    if (text[groups[g].end] != '.' || size_of(groups[g + 1]) != 3) return false;
  }
  return true;
}

// Whether groups [first, last] are an amount: thousands split by '.' or ',' ("812.345.678"),
// with no trunk code or country code in front (those make it a number: "0812.345.678").
bool is_amount(std::string_view text, const std::vector<group>& groups, std::size_t first, std::size_t last) {
  return thousands_grouped(text, groups, first, last) && !text.substr(groups[first].begin).starts_with("62");
}

// Whether the run starting at i continues a code of letters and a dash ("AMB-261206-0007").
bool continues_code(std::string_view text, std::size_t i) {
  return i >= 2 && text[i - 1] == '-' && std::isalpha(static_cast<unsigned char>(text[i - 2]));
}

// Where a stretch of groups [first, last] is written: a '+' and a '(' before it included.
text_span span_of(std::string_view text, const std::vector<group>& groups, std::size_t first, std::size_t last) {
  std::size_t begin = groups[first].begin;
  if (begin > 0 && text[begin - 1] == '+') --begin;
  if (begin > 0 && text[begin - 1] == '(') --begin;
  return {begin, groups[last].end};
}

// Walks the runs of digit groups in text: a run starts at a digit that does not continue a word
// or a number ("A12", "x0812") and goes on over groups of digits split by one separator (or ") "
// after a trunk code). A run that continues a code of letters and a dash ("AMB-261206-0007") is
// skipped; for each other run, take(groups, glued) (glued: letters follow the run at once, as
// in "0812345678abc") returns where the walk goes on (the end of what it took), or nullopt to go
// on after the run.
template <class Take>
void for_each_run(std::string_view text, Take take) {
  std::size_t i = 0;
  while (i < text.size()) {
    if (!is_digit(text[i]) || (i > 0 && (is_digit(text[i - 1]) || std::isalpha(static_cast<unsigned char>(text[i - 1]))))) {
      ++i;
      continue;
    }
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
    const std::size_t run_end = groups.back().end;
    if (continues_code(text, i)) {
      i = run_end;
      continue;
    }
    const bool glued = run_end < text.size() && std::isalpha(static_cast<unsigned char>(text[run_end]));
    i = std::max(take(groups, glued).value_or(run_end), i + 1);
  }
}

// The Indonesian number (E.164, by domain::normalize_phone) that groups [first, last] write when
// they are written as one: "+62..." or "62..." (country code) or "0..." (trunk code, not the
// international prefix "00"), each group of at least 2 digits (a lone digit is the integer part
// of a decimal, "0.81234567", or a count after the number, "0812 3456 789 2 orang"); nullopt
// for anything else.
std::optional<std::string> number_of(std::string_view text, const std::vector<group>& groups, std::size_t first,
                                     std::size_t last) {
  std::string digits;
  for (std::size_t g = first; g <= last; ++g) {
    if (size_of(groups[g]) < 2) return std::nullopt;
    digits.append(text.substr(groups[g].begin, size_of(groups[g])));
  }
  const bool plus = groups[first].begin > 0 && text[groups[first].begin - 1] == '+';
  if (!digits.starts_with("62") && (plus || !digits.starts_with("0") || digits.starts_with("00"))) return std::nullopt;
  auto e164 = normalize_phone((plus ? "+" : "") + digits);
  if (!e164 || !e164->starts_with("+62")) return std::nullopt;
  return std::move(*e164);
}

// Whether a date (three groups in a row that is_date takes) overlaps groups [first, last] of a
// run: "2024-08-12 0812..." and "12/08/2024 0812..." start with one, and neither a date nor its
// end glued to a number's digits is a number.
bool overlaps_date(std::string_view text, const std::vector<group>& groups, std::size_t first, std::size_t last) {
  for (std::size_t g = first >= 2 ? first - 2 : 0; g + 2 < groups.size() && g <= last; ++g) {
    if (is_date(text, groups, g, g + 2)) return true;
  }
  return false;
}

// Whether groups [first, last] are written as an amount: thousands split by '.' after a first
// group of 1 to 3 digits that is no trunk code ("625.000.000", "62.500.000"); with a '+' in
// front it is a number.
bool looks_like_amount(std::string_view text, const std::vector<group>& groups, std::size_t first, std::size_t last) {
  const bool plus = groups[first].begin > 0 && text[groups[first].begin - 1] == '+';
  return !plus && thousands_grouped(text, groups, first, last);
}

// Whether the text before a run names a currency ("Rp 625000000", "Rp. 62.500", "IDR 6250000"):
// the run is money.
bool after_currency(std::string_view text, std::size_t begin) {
  auto before = text.substr(0, begin);
  while (!before.empty() && (before.back() == ' ' || before.back() == '.')) before.remove_suffix(1);
  const auto ends_with = [&](std::string_view word) {
    if (before.size() < word.size()) return false;
    auto tail = before.substr(before.size() - word.size());
    for (std::size_t k = 0; k < word.size(); ++k) {
      if (std::tolower(static_cast<unsigned char>(tail[k])) != word[k]) return false;
    }
    return before.size() == word.size() || !std::isalpha(static_cast<unsigned char>(before[before.size() - word.size() - 1]));
  };
  return ends_with("rp") || ends_with("idr");
}

// Whether the digits at begin are a segment of a UUID (a record id: "01903456-e29b-...-
// 081234567890"), which a payload names.
bool inside_uuid(std::string_view text, std::size_t begin) {
  for (std::size_t offset : {0, 9, 14, 19, 24}) {
    if (begin >= offset && core::looks_like_uuid(text.substr(begin - offset, 36))) return true;
  }
  return false;
}

// Whether a run has 16 digits in all: a NIK or KK (family card) number or a payment card's,
// grouped or not ("3171 0812 3456 7890"), never a phone number (at most 14 digits with "62").
bool is_identity_number(const std::vector<group>& groups) {
  std::size_t digits = 0;
  for (const auto& g : groups) digits += size_of(g);
  return digits == 16;
}

// One past the last group of the longest stretch from first whose digits could be a number: no
// phone number has more than 16 digits ("+62" and 12 national digits is 14), so the search of
// a run looks at a few groups from each, not at every stretch of a run of thousands (a text
// of digit pairs would otherwise cost the cube of its length).
std::size_t stretch_end(const std::vector<group>& groups, std::size_t first) {
  constexpr std::size_t max_number_digits = 16;
  std::size_t digits = 0;
  std::size_t end = first;
  while (end < groups.size() && digits + size_of(groups[end]) <= max_number_digits) digits += size_of(groups[end++]);
  return end;
}

}  // namespace

std::vector<text_span> find_phone_in_text(std::string_view text, std::string_view e164) {
  std::vector<text_span> out;
  auto national = national_of(e164);
  if (!national) return out;
  for_each_run(text, [&](const std::vector<group>& groups, bool glued) -> std::optional<std::size_t> {
    // The longest whole-group stretch that is the number, from the earliest group.
    for (std::size_t first = 0; first < groups.size(); ++first) {
      for (std::size_t last = stretch_end(groups, first); last-- > first;) {
        if (glued && last == groups.size() - 1) continue;
        if (!same_number(text, groups, first, last, *national)) continue;
        // Dates and amounts whose digits happen to be the number's (a short number read with
        // a trunk 0 or none) are what they look like.
        if (is_date(text, groups, first, last) || is_amount(text, groups, first, last)) continue;
        out.push_back(span_of(text, groups, first, last));
        return groups[last].end;
      }
    }
    return std::nullopt;
  });
  return out;
}

std::vector<written_phone> find_phones_in_text(std::string_view text) {
  std::vector<written_phone> out;
  for_each_run(text, [&](const std::vector<group>& groups, bool glued) -> std::optional<std::size_t> {
    if (after_currency(text, groups.front().begin) || is_identity_number(groups) ||
        inside_uuid(text, groups.front().begin)) {
      return std::nullopt;
    }
    for (std::size_t first = 0; first < groups.size(); ++first) {
      for (std::size_t last = stretch_end(groups, first); last-- > first;) {
        if (glued && last == groups.size() - 1) continue;
        auto e164 = number_of(text, groups, first, last);
        if (!e164 || overlaps_date(text, groups, first, last) || looks_like_amount(text, groups, first, last)) continue;
        out.push_back({span_of(text, groups, first, last), std::move(*e164)});
        return groups[last].end;
      }
    }
    return std::nullopt;
  });
  return out;
}

std::string mask_phones_in_text(std::string_view text) {
  std::string out(text);
  // Again until none is left: a mask can end the code or number a run of groups continued, and
  // the groups after it are then read as a number of their own (found by the fuzz target
  // fuzz/phone_fuzz.cpp). Each pass replaces at least 7 digits by at most 4, so it ends.
  for (auto found = find_phones_in_text(out); !found.empty(); found = find_phones_in_text(out)) {
    std::string next;
    std::size_t at = 0;
    for (const auto& p : found) {
      next.append(out, at, p.span.begin - at);
      next.append(mask_phone(p.e164));
      at = p.span.end;
    }
    next.append(out, at);
    out = std::move(next);
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
