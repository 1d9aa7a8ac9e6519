// Phone numbers as callers are known by: E.164 for subscriber numbers, short codes as dialled.
#pragma once

#include "core/error.hpp"

#include <string>
#include <string_view>

namespace siaga::domain {

// Normalises a caller number to E.164 ("+6281234567890"). Accepts the forms PBXs and people
// write: "0812-3456-7890", "62812...", "+62 812-3456-7890", "(0911) 312345", "0062812..."
// (international prefix), with spaces, dashes, dots, slashes and parentheses ignored. A leading
// trunk 0 after +62 ("+62 0812...") is dropped, as Indonesians often write it. Short codes of 3
// to 6 digits ("112", "110", "1500", "14045") are kept as they are, since they have no E.164
// form. Fails with invalid_input (naming the text) for anything else: letters, too few or too
// many digits (an Indonesian national number has 7 to 12 digits after +62; E.164 allows at most
// 15 digits in all), or an empty text.
core::result<std::string> normalize_phone(std::string_view text);

// True for the markers a PBX sends when the caller withheld the number: "", "anonymous",
// "unknown", "private", "restricted", "unavailable" (any case, surrounding spaces ignored).
bool is_withheld_number(std::string_view text);

// True when a normalised number is a short code (no '+'), which cannot be called back.
bool is_short_code(std::string_view normalized);

// A reporter's number as it is stored: the E.164 form of normalize_phone, so that a number
// typed by staff, sent by the public form or taken from a call is one caller. Fails with
// invalid_input, naming `field` and what to type, for what normalize_phone refuses and for a
// short code (a reporter must be reachable again: "112" cannot be called back).
core::result<std::string> normalize_reporter_phone(std::string_view text, std::string_view field);

// A number as someone without the right to it sees it: "+6281234566789" -> "+62 ••• •••• 6789".
// Only the country code of Indonesian numbers and at most the last 4 digits show (3 for numbers
// of 5 to 7 digits, 1 for 3 or 4 digits, none below); the hidden part has one fixed shape so
// that even the length is not told. Characters other than digits are never shown, so text
// that is not a number (a row from before numbers were checked) shows nothing of itself.
std::string mask_phone(std::string_view phone);

}  // namespace siaga::domain
