// A phone number written in free text (a report's description, a note, a message): found in the
// forms people write it ("0812-3456-789", "0812 3456 789", "+62 812...", "62812...",
// "08123456789") and replaced by its mask, for a data subject's erasure (UU PDP, issue 12).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace siaga::domain {

// The characters that split a written number into groups (besides ") " after a trunk code).
inline constexpr std::string_view phone_text_separators = " -./()";

// Where a number is written in a text: [begin, end) in bytes, a leading '+' included.
struct text_span {
  std::size_t begin = 0;
  std::size_t end = 0;
  bool operator==(const text_span&) const = default;
};

// The places where text writes the Indonesian number e164 ("+62..."), in order, not
// overlapping. A written number is a run of digits split into groups by single spaces, dashes,
// dots or slashes, or with the trunk code in parentheses ("(0812) 3456 789"), with an optional
// leading '+'; its digits, read as "62..." (country code), "0..." (trunk 0) or "8..." (no
// prefix), must be the number's national digits exactly. A run of groups matches whole or by
// whole groups (so "0812 3456 789 2 orang" matches its first three groups); never part of a
// group, so a longer number that contains the digits ("081234567890"), a number with more
// digits in its last group ("0812-3456-7890") and an incident number do not match. Nothing for
// an e164 that is not "+62" followed by 7 to 12 digits.
std::vector<text_span> find_phone_in_text(std::string_view text, std::string_view e164);

// text with every place find_phone_in_text finds replaced by mask (domain::mask_phone of the
// number, as the views show it); text unchanged when there is none.
std::string replace_phone_in_text(std::string_view text, std::string_view e164, std::string_view mask);

// A phone number written in a text, as find_phones_in_text finds it: where, and which (E.164).
struct written_phone {
  text_span span;
  std::string e164;
};

// Every Indonesian phone number a text writes, whichever it is (the retention job's search: it
// knows no number to look for), in order, not overlapping. A number is found in the runs of
// groups find_phone_in_text reads, as the longest whole-group stretch from the earliest group
// that domain::normalize_phone takes as an Indonesian number written with its country code
// ("+62 812-3456-7890", "62812...") or trunk code ("0812.3456.7890", "(021) 555-1234"), every
// group of it at least 2 digits. Never found: a number written without a prefix ("812 3456
// 7890": any 9 to 12 digits would be), a foreign one ("+1 ..."), dates ("2024-08-12",
// "12/08/2024 0812" keeps the date whole), amounts ("Rp 1.250.000", "625.000.000", any run after
// "Rp" or "IDR"), a run of 16 digits in all (a NIK, KK or card number), a decimal or a
// coordinate ("-6.2088, 106.8456", "0.81234567": its integer part is one digit), an incident
// or tracking number (letters and a dash before it, or letters glued after it). Limits: a
// 9 to 14-digit number starting "62" or "0" that is not a phone (an account number) is taken
// for one; one written with single-digit groups ("0 8 1 2...") is not found.
std::vector<written_phone> find_phones_in_text(std::string_view text);

// text with every number find_phones_in_text finds replaced by its mask (domain::mask_phone, as
// the views show it: at most the last 4 digits), again until it finds none; text unchanged when
// there is none. A masked text holds no number any more, so masking again changes nothing.
std::string mask_phones_in_text(std::string_view text);

// A cheap filter for a store's text search: every written form find_phone_in_text matches
// contains this once its phone_text_separators are removed (the last 3 digits of the number,
// which a short last group such as "0812 3456 78" splits; "" for an e164 it does not take).
std::string phone_text_probe(std::string_view e164);

}  // namespace siaga::domain
