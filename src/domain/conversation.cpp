#include "domain/conversation.hpp"

#include "core/enum_names.hpp"

#include <algorithm>
#include <cctype>
#include <sstream>

namespace siaga::domain {
namespace {

constexpr auto step_names = core::make_enum_names<dialogue_step>("dialogue step", {"what", "where", "photo"});
constexpr auto kind_names =
    core::make_enum_names<message_kind>("message kind", {"text", "location", "image", "other"});

std::string trimmed_upper(const std::string& s) {
  auto b = s.find_first_not_of(" \t\r\n.!");
  if (b == std::string::npos) return {};
  auto e = s.find_last_not_of(" \t\r\n.!");
  std::string out = s.substr(b, e - b + 1);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::toupper(c); });
  return out;
}

std::string trimmed(const std::string& s) {
  auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return {};
  auto e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

int words(const std::string& s) {
  std::istringstream in(s);
  std::string w;
  int n = 0;
  while (in >> w) ++n;
  return n;
}

constexpr std::string_view greeting =
    "Halo, ini layanan darurat 112. Dengan melanjutkan, Anda setuju nomor Anda dipakai untuk menindaklanjuti "
    "laporan ini. Ketik BATAL untuk membatalkan.\n";
constexpr std::string_view ask_what = "Apa yang terjadi? Ceritakan singkat kejadiannya.";
constexpr std::string_view ask_where_with_share =
    "Di mana kejadiannya? Bagikan lokasi (lampiran > Lokasi) atau tulis alamat/patokan terdekat.";
constexpr std::string_view ask_where_typed = "Di mana kejadiannya? Tulis alamat atau patokan terdekat.";
constexpr std::string_view ask_photo =
    "Jika aman, kirim satu foto kejadian. Jika tidak, ketik SELESAI. Jangan mendekat ke bahaya.";

std::string where_question(const conversation& c) {
  return std::string(c.source == channel::sms ? ask_where_typed : ask_where_with_share);
}

// The place is known: ask for a photo, or submit when the channel has none.
dialogue_turn after_place(conversation c, bool photos) {
  if (!photos) return {std::move(c), "", true, false};
  c.step = dialogue_step::photo;
  return {std::move(c), std::string(ask_photo), false, false};
}

}  // namespace

std::string_view to_string(dialogue_step s) { return step_names.name(s); }
core::result<dialogue_step> parse_dialogue_step(std::string_view s) { return step_names.parse(s); }
std::string_view to_string(message_kind k) { return kind_names.name(k); }
core::result<message_kind> parse_message_kind(std::string_view s) { return kind_names.parse(s); }

dialogue_turn advance(const std::optional<conversation>& current, const conversation& fresh,
                      const inbound_content& message, bool photos, core::timestamp now) {
  bool is_new = !current || now - current->updated_at > conversation_window;
  conversation c = is_new ? fresh : *current;
  if (is_new) {
    c.step = dialogue_step::what;
    c.description.clear();
    c.location.reset();
    c.address.clear();
    c.started_at = now;
  }
  c.updated_at = now;
  const std::string text = trimmed(message.text);
  const std::string command = trimmed_upper(message.text);
  if (message.kind == message_kind::text && command == "BATAL") {
    return {std::move(c), "Laporan dibatalkan. Kirim pesan lagi kapan saja untuk melapor.", false, true};
  }
  const std::string hello = is_new ? std::string(greeting) : std::string();

  switch (c.step) {
    case dialogue_step::what:
      if (message.kind == message_kind::location && message.location) {
        c.location = message.location;
        c.address = message.location_label;
        return {std::move(c), hello + "Lokasi diterima. " + std::string(ask_what), false, false};
      }
      if ((message.kind == message_kind::text || message.kind == message_kind::image) && !text.empty() &&
          (!is_new || words(text) >= 3)) {
        c.description = text;
        if (c.location || !c.address.empty()) return after_place(std::move(c), photos);
        c.step = dialogue_step::where;
        return {std::move(c), hello + where_question(c), false, false};
      }
      return {std::move(c), hello + std::string(ask_what), false, false};
    case dialogue_step::where:
      if (message.kind == message_kind::location && message.location) {
        c.location = message.location;
        c.address = message.location_label;
        return after_place(std::move(c), photos);
      }
      if (message.kind == message_kind::text && !text.empty()) {
        c.address = text;
        return after_place(std::move(c), photos);
      }
      return {std::move(c), where_question(c), false, false};
    case dialogue_step::photo:
      if (message.kind == message_kind::image) return {std::move(c), "", true, false};
      if (message.kind == message_kind::text &&
          (command == "SELESAI" || command == "TIDAK" || command == "LEWATI" || command == "TIDAK ADA")) {
        return {std::move(c), "", true, false};
      }
      if (message.kind == message_kind::location && message.location) {
        c.location = message.location;
        if (!message.location_label.empty()) c.address = message.location_label;
        return {std::move(c), "Lokasi diperbarui. " + std::string(ask_photo), false, false};
      }
      return {std::move(c), std::string(ask_photo), false, false};
  }
  return {std::move(c), std::string(ask_what), false, false};
}

std::string receipt_text(const std::string& tracking_code, const std::string& track_url) {
  std::string out = "Terima kasih, laporan Anda sudah kami terima dengan kode " + tracking_code +
                    ". Petugas 112 akan memeriksanya. Anda akan diberi kabar di sini.";
  if (!track_url.empty()) out += " Lacak: " + track_url;
  return out;
}

std::string status_text(const std::string& status, const std::string& tracking_code, const std::string& agencies,
                        const std::string& notes) {
  const std::string head = "Laporan " + tracking_code + ": ";
  if (status == "verified") return head + "sudah diverifikasi petugas 112.";
  if (status == "in_progress") {
    return head + "sudah diteruskan" + (agencies.empty() ? std::string() : " ke " + agencies) + " dan sedang ditangani.";
  }
  if (status == "done") {
    return head + "penanganan selesai." + (notes.empty() ? std::string() : " Catatan: " + notes) +
           " Terima kasih atas laporan Anda.";
  }
  if (status == "answered") return head + "sudah dijawab petugas 112.";
  if (status == "closed") return head + "ditutup oleh petugas 112.";
  if (status == "cancelled") return head + "dibatalkan oleh petugas 112.";
  return {};
}

std::string joined_text(const std::string& tracking_code, const std::string& agencies) {
  return "Laporan " + tracking_code + ": kejadian yang sama sudah dilaporkan warga lain; laporan Anda digabungkan " +
         "dengan laporan itu" +
         (agencies.empty() ? std::string(" dan sudah diverifikasi petugas 112.")
                           : " yang sudah diteruskan ke " + agencies + " dan sedang ditangani.") +
         " Terima kasih.";
}

}  // namespace siaga::domain
