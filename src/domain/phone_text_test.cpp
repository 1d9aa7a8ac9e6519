#include "domain/phone_text.hpp"

#include "domain/phone.hpp"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace siaga::domain {
namespace {

constexpr const char* number = "+628123456789";

std::string masked(std::string_view text) { return replace_phone_in_text(text, number, mask_phone(number)); }

TEST(phone_text, finds_every_usual_written_form) {
  const std::string mask = mask_phone(number);
  for (const char* form : {"08123456789", "0812-3456-789", "0812 3456 789", "0812.3456.789", "0812/3456789",
                           "+62 812-3456-789", "+628123456789", "628123456789", "62 812 3456 789", "+62 0812 3456 789",
                           "(0812) 3456 789", "8123456789", "0812-345-6789", "+62-812-3456-789"}) {
    const std::string text = std::string("Hubungi ") + form + ", anak saya.";
    EXPECT_EQ(masked(text), "Hubungi " + mask + ", anak saya.") << form;
  }
  // At the very start and end of a text, and twice.
  EXPECT_EQ(masked("08123456789"), mask);
  EXPECT_EQ(masked("HP 0812-3456-789 / WA +62 812 3456 789"), "HP " + mask + " / WA " + mask);
  EXPECT_EQ(find_phone_in_text("x: 0812 3456 789 ok", number), (std::vector<text_span>{{3, 16}}));
}

TEST(phone_text, a_run_that_goes_on_matches_by_whole_groups) {
  const std::string mask = mask_phone(number);
  EXPECT_EQ(masked("0812 3456 789 2 orang luka"), mask + " 2 orang luka");
  EXPECT_EQ(masked("jam 10 0812 3456 789"), "jam 10 " + mask);
}

TEST(phone_text, no_false_match_on_other_digits) {
  for (const char* text : {
           "081234567890",              // a longer number containing it
           "0812-3456-7890",            // more digits in its last group
           "908123456789",              // digits before it
           "0812345678",                // shorter
           "08123456788",               // one digit differs
           "AMB-261206-0007",           // an incident number
           "kode 08123456789abc",       // glued to letters after it
           "A08123456789",              // glued to letters before it
           "0812 3456 7891",            // another number sharing the first groups
           "",
       }) {
    EXPECT_TRUE(find_phone_in_text(text, number).empty()) << text;
    EXPECT_EQ(masked(text), text) << text;
  }
}

TEST(phone_text, other_numbers_and_non_indonesian_numbers_are_left_alone) {
  EXPECT_EQ(masked("0813 9999 8877 dan 0812 3456 789"), "0813 9999 8877 dan " + mask_phone(number));
  EXPECT_TRUE(find_phone_in_text("+14155550123", "+14155550123").empty());
  EXPECT_TRUE(find_phone_in_text("08123456789", "112").empty());
  EXPECT_TRUE(find_phone_in_text("08123456789", "").empty());
}

TEST(phone_text, the_probe_is_in_every_written_form) {
  EXPECT_EQ(phone_text_probe(number), "789");
  EXPECT_EQ(phone_text_probe("112"), "");
  for (const char* form : {"08123456789", "0812-3456-789", "0812 3456 789", "+62 812-3456-789", "0812-345-6789"}) {
    EXPECT_NE(std::string_view(form).find(phone_text_probe(number)), std::string_view::npos) << form;
  }
}

TEST(phone_text, a_short_last_group_is_found_and_the_probe_is_in_it_once_joined) {
  // +62812345678: 9 national digits, often written with a last group of 2 or 1.
  constexpr const char* short_number = "+62812345678";
  const std::string mask = mask_phone(short_number);
  for (const char* form : {"0812 3456 78", "0812-3456-78", "+62 812 3456 78", "0812.3456.78", "0812 345 67 8",
                           "(0812) 3456 78", "62 812-3456-78"}) {
    const std::string text = std::string("WA ") + form + ", rumah biru.";
    EXPECT_EQ(replace_phone_in_text(text, short_number, mask), "WA " + mask + ", rumah biru.") << form;
    std::string joined;
    for (char c : std::string_view(form)) {
      if (phone_text_separators.find(c) == std::string_view::npos) joined += c;
    }
    EXPECT_NE(joined.find(phone_text_probe(short_number)), std::string::npos) << form;
  }
  EXPECT_EQ(phone_text_probe(short_number), "678");
  EXPECT_EQ(std::string_view("0812 3456 78").find("678"), std::string_view::npos)
      << "without the joining, the probe misses a short last group";
}

TEST(phone_text, dates_amounts_and_incident_numbers_whose_digits_coincide_are_not_numbers) {
  // Each text's digits, read with a trunk 0 or none, are the number's: the shape says otherwise.
  const std::vector<std::pair<const char*, const char*>> cases{
      {"+628122026", "tanggal 08.12.2026 pukul 10"},  // a date, day first
      {"+628122026", "tanggal 08/12/2026"},
      {"+6220261208", "per 2026-12-08"},              // a date, year first
      {"+62812345678", "biaya Rp 812.345.678"},       // an amount
      {"+62812345678", "ganti rugi 812.345.678 rupiah"},
      {"+62812345678", "IDR 812,345,678"},
      {"+622612060007", "insiden AMB-261206-0007"},   // an incident number
      {"+6281206000", "insiden AMB-081206-000"},
  };
  for (const auto& [phone, text] : cases) {
    EXPECT_TRUE(find_phone_in_text(text, phone).empty()) << text;
  }
  // The same digits written as a number are found.
  EXPECT_FALSE(find_phone_in_text("HP 0812 2026", "+628122026").empty());
  EXPECT_FALSE(find_phone_in_text("HP 0812-345-678", "+62812345678").empty());
  EXPECT_FALSE(find_phone_in_text("HP 0812.345.678", "+62812345678").empty()) << "a trunk 0: not an amount";
}


// The numbers find_phones_in_text finds in text, as "E.164@written form".
std::vector<std::string> found_in(std::string_view text) {
  std::vector<std::string> out;
  for (const auto& p : find_phones_in_text(text)) {
    out.push_back(p.e164 + "@" + std::string(text.substr(p.span.begin, p.span.end - p.span.begin)));
  }
  return out;
}

TEST(phone_text, any_number_is_found_in_the_usual_indonesian_forms) {
  using v = std::vector<std::string>;
  EXPECT_EQ(found_in("hubungi saya di 0812 3456 7890"), v{"+6281234567890@0812 3456 7890"});
  EXPECT_EQ(found_in("HP: 0812-3456-7890, atau 0812.3456.7890."),
            (v{"+6281234567890@0812-3456-7890", "+6281234567890@0812.3456.7890"}));
  EXPECT_EQ(found_in("wa +62 812-3456-7890 / 6281234567891"),
            (v{"+6281234567890@+62 812-3456-7890", "+6281234567891@6281234567891"}));
  EXPECT_EQ(found_in("+62 0812 3456 7890"), v{"+6281234567890@+62 0812 3456 7890"}) << "a trunk 0 after +62";
  EXPECT_EQ(found_in("kantor (021) 555-1234 ext"), v{"+62215551234@(021) 555-1234"}) << "a landline";
  EXPECT_EQ(found_in("0274 512345"), v{"+62274512345@0274 512345"});
  // Whole groups only: a count after the number is not part of it.
  EXPECT_EQ(found_in("0812 3456 789 2 orang"), v{"+628123456789@0812 3456 789"});
}

TEST(phone_text, dates_amounts_identity_numbers_codes_and_coordinates_are_not_numbers) {
  for (const char* text : {
           "kejadian 2024-08-12 pukul 08.12",          // a date, year first, and a time
           "tanggal 12/08/2024, 08-12-2024, 12.08.2024",  // dates, day first
           "biaya Rp 1.250.000 dan Rp 625000000",       // amounts, with and without separators
           "ganti rugi 625.000.000 rupiah, IDR 6281234567",
           "NIK 3171081234567890 KK 3171 0812 3456 7890",  // 16 digits: identity and family cards
           "insiden AMB-261206-0007, laporan LAP-0812345678",  // incident and tracking numbers
           "kode 081234567890abc",                      // glued to letters: a code
           "id 01903456-e29b-41d4-a716-081234567890",   // a record id (UUID)
           "titik -6.2088, 106.8456 dan 0.81234567, 117.1",  // coordinates, decimals
           "pukul 08:12:30, RT 003/RW 005, kode pos 40115",
           "nomor 812 3456 7890 tanpa awalan",          // no prefix: any digits could be one
           "telepon +1 415 555 0100",                   // a foreign number
           "0812 345",                                  // too short
           "+62 \u2022\u2022\u2022 \u2022\u2022\u2022\u2022 7890",  // a mask
       }) {
    EXPECT_EQ(found_in(text), std::vector<std::string>{}) << text;
  }
  // A number next to them is still found.
  EXPECT_EQ(found_in("2024-08-12 0812 3456 7890"), std::vector<std::string>{"+6281234567890@0812 3456 7890"});
  EXPECT_EQ(found_in("12/08/2024 08123456789"), std::vector<std::string>{"+628123456789@08123456789"});
  EXPECT_EQ(found_in("Rp 1.250.000, HP 0812.345.678"), std::vector<std::string>{"+62812345678@0812.345.678"})
      << "a trunk 0: not an amount";
}

TEST(phone_text, masking_every_number_leaves_the_rest_and_is_done_once) {
  const std::string text = "Hubungi 0812 3456 7890 atau +62 813-1111-2222 pada 2024-08-12, biaya Rp 1.250.000";
  const auto masked = mask_phones_in_text(text);
  EXPECT_EQ(masked, "Hubungi +62 \u2022\u2022\u2022 \u2022\u2022\u2022\u2022 7890 atau +62 \u2022\u2022\u2022 "
                    "\u2022\u2022\u2022\u2022 2222 pada 2024-08-12, biaya Rp 1.250.000");
  EXPECT_EQ(mask_phones_in_text(masked), masked);
  EXPECT_EQ(mask_phones_in_text("tanpa nomor"), "tanpa nomor");
  EXPECT_EQ(mask_phones_in_text(""), "");
}

// Found by fuzz/phone_fuzz.cpp (fuzz/corpus/phone/regression-mask-then-number-left): a short
// landline at the head of a run of groups is masked, and the groups after it, which the run had
// read as the rest of a code, are then a number of their own. Masking goes on until none is left.
TEST(phone_text, a_number_that_a_mask_frees_is_masked_too) {
  const std::string text = "091108 0812 69108 0812 690 3456";
  const auto masked = mask_phones_in_text(text);
  EXPECT_TRUE(find_phones_in_text(masked).empty()) << masked;
  EXPECT_EQ(mask_phones_in_text(masked), masked);
  EXPECT_EQ(masked.find("69108"), std::string::npos) << masked;
}

}  // namespace
}  // namespace siaga::domain
