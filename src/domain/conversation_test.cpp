#include "domain/conversation.hpp"

#include <gtest/gtest.h>

namespace siaga::domain {
namespace {

using namespace std::chrono_literals;

const core::timestamp t0{std::chrono::seconds{1'733'400'000}};

conversation fresh() {
  conversation c;
  c.source = channel::whatsapp;
  c.sender = "+6281234500001";
  c.jurisdiction_id = "j1";
  c.reply_to = "6281234500001";
  return c;
}

inbound_content text(std::string t) { return {message_kind::text, std::move(t), std::nullopt, ""}; }
inbound_content where(double lat, double lon) { return {message_kind::location, "", geo_point{lat, lon}, "Pasar"}; }
inbound_content image() { return {message_kind::image, "", std::nullopt, ""}; }

TEST(dialogue, a_first_message_that_says_what_happened_is_not_asked_again) {
  auto t = advance(std::nullopt, fresh(), text("Ada kebakaran rumah di belakang pasar"), true, t0);
  EXPECT_FALSE(t.submit);
  EXPECT_EQ(t.next.step, dialogue_step::where);
  EXPECT_EQ(t.next.description, "Ada kebakaran rumah di belakang pasar");
  EXPECT_NE(t.reply.find("Halo"), std::string::npos) << "a new conversation is greeted";
  EXPECT_NE(t.reply.find("Bagikan lokasi"), std::string::npos);
}

TEST(dialogue, a_greeting_is_answered_with_the_first_question) {
  auto t = advance(std::nullopt, fresh(), text("halo"), true, t0);
  EXPECT_EQ(t.next.step, dialogue_step::what);
  EXPECT_TRUE(t.next.description.empty());
  EXPECT_NE(t.reply.find("Apa yang terjadi"), std::string::npos);
  auto t2 = advance(t.next, fresh(), text("banjir"), true, t0 + 1min);
  EXPECT_EQ(t2.next.step, dialogue_step::where) << "a short answer to the question is the description";
  EXPECT_EQ(t2.next.description, "banjir");
}

TEST(dialogue, what_where_photo_then_done) {
  auto t1 = advance(std::nullopt, fresh(), text("Pohon tumbang menutup jalan"), true, t0);
  auto t2 = advance(t1.next, fresh(), where(-3.69, 128.18), true, t0 + 1min);
  EXPECT_EQ(t2.next.step, dialogue_step::photo);
  ASSERT_TRUE(t2.next.location);
  EXPECT_DOUBLE_EQ(t2.next.location->lat, -3.69);
  EXPECT_EQ(t2.next.address, "Pasar");
  auto t3 = advance(t2.next, fresh(), text("apa?"), true, t0 + 2min);
  EXPECT_FALSE(t3.submit) << "anything but a photo or SELESAI asks again";
  EXPECT_EQ(t3.next.step, dialogue_step::photo);
  auto t4 = advance(t3.next, fresh(), image(), true, t0 + 3min);
  EXPECT_TRUE(t4.submit);
  EXPECT_EQ(t4.next.description, "Pohon tumbang menutup jalan");
  auto t5 = advance(t3.next, fresh(), text(" selesai. "), true, t0 + 3min);
  EXPECT_TRUE(t5.submit);
}

TEST(dialogue, without_photos_a_typed_place_completes_it) {
  auto c = fresh();
  c.source = channel::sms;
  auto t1 = advance(std::nullopt, c, text("Banjir setinggi lutut di rumah"), false, t0);
  EXPECT_NE(t1.reply.find("Tulis alamat"), std::string::npos) << "an SMS cannot share a location";
  auto t2 = advance(t1.next, c, text("RT 02 dekat masjid"), false, t0 + 1min);
  EXPECT_TRUE(t2.submit);
  EXPECT_EQ(t2.next.address, "RT 02 dekat masjid");
}

TEST(dialogue, batal_cancels_and_an_old_conversation_starts_over) {
  auto t1 = advance(std::nullopt, fresh(), text("Ada kebakaran rumah di belakang pasar"), true, t0);
  auto cancel = advance(t1.next, fresh(), text("batal"), true, t0 + 1min);
  EXPECT_TRUE(cancel.cancelled);
  auto late = advance(t1.next, fresh(), where(-3.69, 128.18), true, t0 + conversation_window + 1s);
  EXPECT_EQ(late.next.step, dialogue_step::what) << "past the window the dialogue starts again";
  EXPECT_TRUE(late.next.description.empty());
  EXPECT_TRUE(late.next.location) << "a location sent first is kept";
}

TEST(dialogue, the_status_texts_name_the_code_the_agencies_and_the_notes) {
  EXPECT_EQ(status_text("verified", "ABC", "", ""), "Laporan ABC: sudah diverifikasi petugas 112.");
  EXPECT_NE(status_text("in_progress", "ABC", "Damkar", "").find("ke Damkar"), std::string::npos);
  EXPECT_NE(status_text("done", "ABC", "", "Damkar: padam").find("Catatan: Damkar: padam"), std::string::npos);
  EXPECT_TRUE(status_text("received", "ABC", "", "").empty());
  EXPECT_NE(receipt_text("ABC", "https://x/lacak/ABC").find("Lacak: https://x/lacak/ABC"), std::string::npos);
}

TEST(dialogue, the_joined_text_says_others_reported_it_and_where_it_went) {
  auto with = joined_text("ABC", "Damkar, PLN");
  EXPECT_EQ(with.rfind("Laporan ABC: kejadian yang sama sudah dilaporkan warga lain", 0), 0u) << with;
  EXPECT_NE(with.find("diteruskan ke Damkar, PLN"), std::string::npos) << with;
  auto without = joined_text("ABC", "");
  EXPECT_NE(without.find("sudah diverifikasi"), std::string::npos) << without;
  EXPECT_EQ(without.find("diteruskan"), std::string::npos) << without;
}

}  // namespace
}  // namespace siaga::domain
