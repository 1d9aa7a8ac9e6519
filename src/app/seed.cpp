#include "app/seed.hpp"

#include "domain/lifecycle.hpp"
#include "services/context.hpp"
#include "services/directory_service.hpp"
#include "services/events.hpp"
#include "services/incident_service.hpp"
#include "services/passwords.hpp"

#include <boost/json/object.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <stdexcept>
#include <string_view>
#include <utility>

namespace siaga::app {
namespace {

using domain::channel;
using domain::dispatch_status;
using domain::reject_reason;
using domain::role;
using domain::urgency;
using std::chrono::minutes;
using std::chrono::seconds;

constexpr std::string_view city_code = "81.71";
constexpr std::string_view demo_password = "siaga112demo";
constexpr int wit_offset_minutes = 540;  // Asia/Jayapura
// The history's choices (times, names, places) come from this fixed sequence so that the demo
// looks the same on every machine for the same `now`.
constexpr std::uint32_t history_seed = 8171112;

// ---------------------------------------------------------------------------------------------
// The directory of Kota Ambon.

struct district_spec {
  std::string_view code;
  std::string_view name;
  double lat;
  double lon;
};

// Kemendagri codes as in the current decree (Kepmendagri 2022 and later), which names 81.71.03
// "Baguala"; older lists call it Teluk Ambon Baguala.
constexpr std::array<district_spec, 5> districts{{
    {"81.71.01", "Nusaniwe", -3.7280, 128.1500},
    {"81.71.02", "Sirimau", -3.6950, 128.1950},
    {"81.71.03", "Baguala", -3.6400, 128.2400},
    {"81.71.04", "Teluk Ambon", -3.6650, 128.1500},
    {"81.71.05", "Leitimur Selatan", -3.7600, 128.2450},
}};

struct agency_spec {
  std::string_view code;
  std::string_view name;
  domain::agency_kind kind;
  std::string_view phone;
};

constexpr std::array<agency_spec, 13> agencies{{
    {"DAMKAR", "Dinas Pemadam Kebakaran Kota Ambon", domain::agency_kind::fire, "113"},
    {"PSC119", "Dinkes / PSC 119 Kota Ambon", domain::agency_kind::health, "119"},
    {"BPBD", "BPBD Kota Ambon", domain::agency_kind::disaster, ""},
    {"SATPOLPP", "Satpol PP Kota Ambon", domain::agency_kind::civil_order, ""},
    {"POLRESTA", "Polresta Pulau Ambon dan P.P. Lease", domain::agency_kind::police, "110"},
    {"PLN", "PLN UP3 Ambon", domain::agency_kind::electricity, "123"},
    {"PDAM", "PDAM Tirta Yapono", domain::agency_kind::water, ""},
    {"DISHUB", "Dinas Perhubungan Kota Ambon", domain::agency_kind::transport, ""},
    {"DINSOS", "Dinas Sosial Kota Ambon", domain::agency_kind::social, ""},
    {"PMI", "PMI Kota Ambon", domain::agency_kind::blood, ""},
    {"RSUD", "RSUD dr. M. Haulussy", domain::agency_kind::hospital, ""},
    {"BASARNAS", "Basarnas Ambon", domain::agency_kind::search_rescue, "115"},
    {"DINKES", "Dinas Kesehatan Kota Ambon", domain::agency_kind::health, ""},
}};

struct category_spec {
  std::string_view code;
  std::string_view name_id;
  std::string_view name_en;
  urgency urgency_class;
  std::vector<std::string_view> run_card;  // the first leads (primary), the rest support
  std::vector<std::string_view> sop;
};

const std::vector<category_spec>& categories() {
  static const std::vector<category_spec> all{
      {"fire",
       "Kebakaran",
       "Fire",
       urgency::emergency,
       {"DAMKAR", "PLN", "RSUD", "DISHUB"},
       {"Tanyakan alamat lengkap dan patokan terdekat",
        "Tanyakan apa yang terbakar (rumah, kios, kendaraan, lahan) dan apakah api merambat",
        "Tanyakan apakah ada orang terjebak atau korban luka",
        "Minta pelapor menjauh dari api dan tidak masuk kembali ke bangunan",
        "Sarankan memutus aliran listrik dan menutup tabung gas bila aman"}},
      {"medical",
       "Kegawatdaruratan medis",
       "Medical emergency",
       urgency::emergency,
       {"PSC119"},
       {"Tanyakan usia dan jenis kelamin pasien", "Tanyakan apakah pasien sadar dan bernapas normal",
        "Tanyakan keluhan utama dan sejak kapan", "Pandu RJP lewat telepon bila pasien tidak bernapas",
        "Minta keluarga menyiapkan kartu identitas, kartu BPJS dan obat yang sedang diminum"}},
      {"traffic_accident",
       "Kecelakaan lalu lintas",
       "Traffic accident",
       urgency::emergency,
       {"PSC119", "POLRESTA", "DISHUB"},
       {"Tanyakan lokasi persis dan arah jalan", "Tanyakan jumlah kendaraan dan korban serta kondisi korban",
        "Tanyakan apakah ada korban terjepit atau bahan bakar bocor",
        "Minta pelapor tidak memindahkan korban yang diduga cedera leher atau tulang belakang",
        "Minta warga mengamankan lokasi dari arus lalu lintas"}},
      {"crime",
       "Tindak kriminal",
       "Crime",
       urgency::emergency,
       {"POLRESTA"},
       {"Pastikan keselamatan pelapor lebih dulu", "Tanyakan apakah pelaku masih di lokasi dan ciri-cirinya",
        "Tanyakan apakah ada senjata dan korban luka", "Tanyakan arah kabur dan kendaraan pelaku",
        "Minta pelapor tidak mengejar pelaku dan menjaga barang bukti"}},
      {"flood",
       "Banjir",
       "Flood",
       urgency::emergency,
       {"BPBD", "DINSOS", "BASARNAS"},
       {"Tanyakan ketinggian air dan apakah terus naik",
        "Tanyakan jumlah rumah terdampak dan warga rentan (lansia, bayi, penyandang disabilitas)",
        "Tanyakan apakah ada warga terjebak atau hanyut",
        "Sarankan mematikan listrik dan mengungsi ke tempat yang lebih tinggi"}},
      {"landslide",
       "Tanah longsor",
       "Landslide",
       urgency::emergency,
       {"BPBD", "BASARNAS", "DISHUB"},
       {"Tanyakan apakah ada rumah tertimbun atau warga terjebak",
        "Tanyakan apakah jalan tertutup dan tanah masih bergerak",
        "Minta warga menjauh dari lereng dan tidak membersihkan material sendiri",
        "Tanyakan kebutuhan evakuasi dan pengungsian"}},
      {"fallen_tree",
       "Pohon tumbang",
       "Fallen tree",
       urgency::emergency,
       {"BPBD", "DISHUB", "PLN"},
       {"Tanyakan apakah pohon menutup jalan, menimpa rumah atau kendaraan",
        "Tanyakan apakah ada kabel listrik yang tertimpa", "Tanyakan apakah ada korban",
        "Minta warga menjauh dari kabel listrik"}},
      {"animal",
       "Ular atau hewan liar",
       "Snake or wild animal",
       urgency::emergency,
       {"DAMKAR"},
       {"Tanyakan jenis dan ukuran hewan", "Tanyakan posisi hewan saat ini (rumah, kandang, halaman)",
        "Minta warga menjauh dan mengawasi dari jarak aman", "Tanyakan apakah ada yang tergigit atau terluka"}},
      {"bee_nest",
       "Sarang tawon",
       "Bee or wasp nest",
       urgency::urgent,
       {"DAMKAR"},
       {"Tanyakan jenis tawon dan letak sarang", "Tanyakan apakah ada yang tersengat dan reaksi alerginya",
        "Minta warga menjauh dan tidak mengusik sarang"}},
      {"street_light",
       "Lampu jalan",
       "Street light",
       urgency::complaint,
       {"DISHUB"},
       {"Catat lokasi dan jumlah titik lampu yang mati", "Tanyakan sejak kapan lampu mati",
        "Sampaikan perkiraan waktu tindak lanjut kepada pelapor"}},
      {"water_supply",
       "Air bersih",
       "Water supply",
       urgency::complaint,
       {"PDAM"},
       {"Catat alamat dan nomor pelanggan bila ada",
        "Tanyakan sejak kapan air tidak mengalir atau letak pipa yang bocor", "Tanyakan jumlah rumah terdampak"}},
      {"electricity",
       "Gangguan listrik",
       "Power outage or hazard",
       urgency::urgent,
       {"PLN"},
       {"Tanyakan apakah ada kabel putus, tiang roboh atau percikan api",
        "Minta warga menjauh dari kabel dan tiang listrik", "Catat ID pelanggan PLN bila ada"}},
      {"hearse",
       "Mobil jenazah",
       "Hearse",
       urgency::urgent,
       {"DINKES"},
       {"Catat nama almarhum/almarhumah dan lokasi penjemputan", "Catat alamat rumah duka atau tempat pemakaman",
        "Tanyakan apakah surat keterangan kematian sudah ada"}},
      {"missing_person",
       "Orang hilang",
       "Missing person",
       urgency::emergency,
       {"POLRESTA", "BASARNAS"},
       {"Catat nama, usia, ciri-ciri fisik dan pakaian terakhir", "Tanyakan lokasi dan waktu terakhir terlihat",
        "Tanyakan kondisi kesehatan dan apakah membawa telepon", "Minta foto terbaru orang yang hilang"}},
      {"odgj",
       "ODGJ (orang dengan gangguan jiwa)",
       "Person with mental illness",
       urgency::urgent,
       {"DINSOS", "SATPOLPP", "PSC119"},
       {"Tanyakan apakah orang tersebut membahayakan diri sendiri atau orang lain",
        "Tanyakan apakah ia membawa senjata tajam", "Tanyakan apakah keluarganya diketahui",
        "Minta warga tidak memprovokasi dan menjaga jarak"}},
      {"blood_request",
       "Permintaan darah",
       "Blood request",
       urgency::urgent,
       {"PMI"},
       {"Catat nama pasien, rumah sakit dan ruang rawat", "Catat golongan darah, rhesus dan jumlah kantong",
        "Catat nomor kontak keluarga pasien"}},
      {"sea_rescue",
       "Kecelakaan laut",
       "Sea accident and rescue",
       urgency::emergency,
       {"BASARNAS", "PSC119"},
       {"Tanyakan posisi kapal atau korban dan patokan darat terdekat",
        "Tanyakan jumlah penumpang dan apakah memakai pelampung", "Tanyakan jenis dan warna kapal",
        "Minta pelapor memantau korban tanpa ikut masuk ke laut bila tidak aman"}},
      {"information",
       "Layanan informasi",
       "Information",
       urgency::information,
       {},
       {"Berikan informasi yang diminta atau arahkan ke instansi yang tepat",
        "Catat topik pertanyaan untuk statistik layanan"}},
  };
  return all;
}

const category_spec& category_by_code(std::string_view code) {
  for (const auto& c : categories()) {
    if (c.code == code) return c;
  }
  throw std::logic_error("seed: unknown category code " + std::string(code));
}

// DESIGN.md service levels. A complaint follows the SP4N-LAPOR! clock: forwarded within 3
// days and answered within 5 more; the policy holds seconds, so these are calendar days.
domain::sla_policy sla_of(urgency u) {
  constexpr std::int64_t day = 86400;
  switch (u) {
    case urgency::emergency:
      return {60, 120, 900, 0};
    case urgency::urgent:
      return {600, 0, 0, day};
    case urgency::complaint:
      return {3 * day, 0, 0, 8 * day};
    case urgency::information:
      return {};
  }
  return {};
}

struct user_spec {
  std::string_view username;
  std::string_view display_name;
  role user_role;
  std::string_view agency;  // empty unless an agency operator
};

constexpr std::array<user_spec, 6> users{{
    {"admin", "Rizal Tuasikal", role::admin, ""},
    {"supervisor", "Novita Pattiasina", role::supervisor, ""},
    {"calltaker", "Yohana Latumahina", role::call_taker, ""},
    {"damkar", "Marthen Sahetapy", role::agency_operator, "DAMKAR"},
    {"psc119", "Nurhayati Ohorella", role::agency_operator, "PSC119"},
    {"walikota", "Johan Leiwakabessy", role::leader, ""},
}};

std::vector<demo_login> demo_logins() {
  std::vector<demo_login> out;
  for (const auto& u : users) {
    out.push_back({std::string(u.username), std::string(demo_password), std::string(to_string(u.user_role)),
                   std::string(u.display_name)});
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Places and the week's stories.

struct place {
  std::string_view key;
  std::string_view address;
  std::string_view district;  // Kemendagri code
  double lat;
  double lon;
};

constexpr std::array<place, 30> places{{
    {"honipopu", "Jl. Sultan Hairun, Honipopu", "81.71.02", -3.6946, 128.1797},
    {"uritetu", "Jl. Pattimura, Uritetu", "81.71.02", -3.6978, 128.1833},
    {"ay_patty", "Jl. A.Y. Patty", "81.71.02", -3.6962, 128.1846},
    {"batu_merah", "Jl. Jenderal Sudirman, Batu Merah", "81.71.02", -3.6868, 128.1935},
    {"batu_merah_dalam", "Batu Merah Dalam, RT 003/RW 005", "81.71.02", -3.6842, 128.1992},
    {"mardika", "Pasar Mardika, Jl. Pantai Mardika", "81.71.02", -3.6915, 128.1870},
    {"karang_panjang", "Karang Panjang, dekat Monumen Christina Martha Tiahahu", "81.71.02", -3.7030, 128.1895},
    {"galala", "Galala, dekat Jembatan Merah Putih", "81.71.02", -3.6752, 128.1992},
    {"hative_kecil", "Jl. Jenderal Sudirman, Hative Kecil", "81.71.02", -3.6730, 128.2042},
    {"tantui", "Kompleks Tantui, Pandan Kasturi", "81.71.02", -3.6828, 128.1958},
    {"soya", "Negeri Soya", "81.71.02", -3.7050, 128.2080},
    {"pelabuhan", "Pelabuhan Yos Sudarso, Jl. Yos Sudarso", "81.71.02", -3.6932, 128.1788},
    {"sea", "Perairan Teluk Ambon, depan Galala", "81.71.02", -3.6790, 128.1900},
    {"waihaong", "RT 002/RW 004, Waihaong", "81.71.01", -3.7008, 128.1745},
    {"mangga_dua", "Mangga Dua, Kec. Nusaniwe", "81.71.01", -3.7035, 128.1785},
    {"benteng", "Jl. Dr. Kayadoe, Benteng", "81.71.01", -3.7088, 128.1672},
    {"kudamati", "Jl. Dr. Kayadoe, Kudamati (dekat RSUD dr. M. Haulussy)", "81.71.01", -3.7105, 128.1760},
    {"air_salobar", "Pantai Air Salobar, Jl. Nn. Saar Sopacua", "81.71.01", -3.7158, 128.1592},
    {"amahusu", "Jl. Raya Amahusu", "81.71.01", -3.7318, 128.1445},
    {"passo", "Jl. Laksdya Leo Wattimena, Passo", "81.71.03", -3.6345, 128.2462},
    {"passo_pasar", "Pasar Passo", "81.71.03", -3.6372, 128.2488},
    {"lateri", "Lateri, Kec. Baguala", "81.71.03", -3.6488, 128.2258},
    {"waiheru", "Jl. Laksdya Leo Wattimena, Waiheru", "81.71.03", -3.6178, 128.2335},
    {"poka", "Jl. Ir. M. Putuhena, Poka", "81.71.04", -3.6452, 128.1908},
    {"wayame", "Wayame, dekat Depot Pertamina", "81.71.04", -3.6525, 128.1605},
    {"laha", "Jl. Dr. J. Leimena, Laha (arah Bandara Pattimura)", "81.71.04", -3.7040, 128.0930},
    {"tawiri", "Tawiri, Kec. Teluk Ambon", "81.71.04", -3.6935, 128.1135},
    {"hutumuri", "Negeri Hutumuri", "81.71.05", -3.7335, 128.2718},
    {"naku", "Negeri Naku", "81.71.05", -3.7440, 128.2140},
    {"rutong", "Negeri Rutong", "81.71.05", -3.7555, 128.2795},
}};

const place& place_by_key(std::string_view key) {
  for (const auto& p : places) {
    if (p.key == key) return p;
  }
  throw std::logic_error("seed: unknown place " + std::string(key));
}

// How a story ends at `now`.
enum class ending { closed, resolved, in_progress, dispatched, cancelled, rejected, answered, still_new };

// One event of the week as it reached 112: the first report and what became of it.
struct story {
  int day = 0;     // local days before today; 0 counts `minute` back from now
  int minute = 0;  // local minute of that day, or minutes before now when day is 0
  channel source = channel::call;
  std::string_view category = {};  // suggested category code; empty when the report gave none
  std::string_view place = {};
  std::string_view description = {};
  ending end = ending::closed;
  std::string_view summary = {};  // the incident's one-line summary
  std::string_view note = {};     // rejection or answer note, or the lead agency's completion note
  reject_reason reason = reject_reason::prank;
  std::vector<std::string_view> repeats = {};  // later callers linked to the same incident
  std::string_view extra_agency = {};          // dispatched by hand after the run card
  std::string_view declining_agency = {};
  std::string_view decline_reason = {};
  std::string_view cancel_reason = {};
};

constexpr int hm(int h, int m) {
  return h * 60 + m;
}

const std::vector<story>& stories() {
  static const std::vector<story> all{
      // Six days ago.
      {.day = 6,
       .minute = hm(7, 42),
       .category = "medical",
       .place = "batu_merah_dalam",
       .description =
           "Ibu hamil 38 minggu mengalami pendarahan dan nyeri perut hebat, keluarga minta dikirim ambulans.",
       .summary = "Ibu hamil pendarahan di Batu Merah Dalam",
       .note = "Pasien dievakuasi ke RSUD dr. M. Haulussy, kondisi stabil saat serah terima di IGD."},
      {.day = 6,
       .minute = hm(9, 15),
       .place = "uritetu",
       .description = "Penelepon anak-anak tertawa, menyebut ada kebakaran lalu menutup telepon.",
       .end = ending::rejected,
       .note = "Panggilan iseng; saat ditelepon balik, orang tua penelepon meminta maaf."},
      {.day = 6,
       .minute = hm(11, 30),
       .category = "fire",
       .place = "mardika",
       .description = "Kios pakaian di Pasar Mardika terbakar, asap hitam tebal, api mulai merambat ke kios sebelah.",
       .summary = "Kebakaran kios di Pasar Mardika",
       .note = "Api padam setelah 40 menit; 3 unit mobil pemadam dikerahkan, 4 kios terbakar, tidak ada korban jiwa.",
       .repeats = {"Ada kebakaran di Pasar Mardika, api sudah besar dekat terminal angkot.",
                   "Lapor kebakaran kios di Mardika, asap sampai ke jalan raya."},
       .extra_agency = "PSC119"},
      {.day = 6,
       .minute = hm(16, 48),
       .category = "information",
       .place = "honipopu",
       .description = "Penelepon menanyakan apotek yang buka 24 jam di sekitar pusat kota.",
       .end = ending::answered,
       .note = "Diberikan informasi apotek 24 jam di sekitar Jl. Pattimura dan Jl. A.Y. Patty; disarankan "
               "menghubungi 112 bila kondisi darurat."},
      {.day = 6,
       .minute = hm(20, 10),
       .category = "traffic_accident",
       .place = "passo",
       .description = "Tabrakan sepeda motor dengan angkot di Jl. Laksdya Leo Wattimena, Passo; satu pengendara "
                      "motor luka di kepala.",
       .summary = "Tabrakan motor dan angkot di Passo",
       .note = "Luka robek di kepala korban dibalut di lokasi, lalu korban dirujuk ke RSUD dr. M. Haulussy.",
       .declining_agency = "DISHUB",
       .decline_reason = "Tidak ada personel piket Dishub di wilayah Passo malam ini; pengaturan lalu lintas "
                         "ditangani Polresta."},
      {.day = 6,
       .minute = hm(22, 35),
       .place = "batu_merah",
       .description = "Panggilan tanpa suara, hanya terdengar bunyi latar.",
       .end = ending::rejected,
       .note = "Tidak ada suara setelah tiga kali sapaan; ditelepon balik tidak aktif.",
       .reason = reject_reason::ghost},
      // Five days ago.
      {.day = 5,
       .minute = hm(6, 20),
       .category = "fallen_tree",
       .place = "amahusu",
       .description = "Pohon beringin besar tumbang menutup Jl. Raya Amahusu setelah hujan deras semalam, kabel "
                      "listrik ikut tertimpa.",
       .summary = "Pohon tumbang menutup jalan di Amahusu",
       .note = "Pohon dipotong dan diangkut dengan truk; jalan dapat dilalui kembali."},
      {.day = 5,
       .minute = hm(8, 5),
       .place = "galala",
       .description = "Penelepon ingin menanyakan sisa kuota internet dan mengira 112 adalah layanan operator seluler.",
       .end = ending::rejected,
       .note = "Salah sambung; diarahkan ke layanan pelanggan operator seluler.",
       .reason = reject_reason::misdirected},
      {.day = 5,
       .minute = hm(10, 40),
       .source = channel::web,
       .category = "water_supply",
       .place = "waihaong",
       .description = "Air PDAM tidak mengalir sejak empat hari di RT 02 Waihaong, warga terpaksa membeli air tangki.",
       .summary = "Air PDAM mati empat hari di Waihaong",
       .note = "Katup distribusi yang macet diganti; aliran air ke RT 02 normal kembali."},
      {.day = 5,
       .minute = hm(15, 50),
       .place = "kudamati",
       .description = "Penelepon melaporkan kebakaran rumah, tetapi tidak mau menyebut alamat dan tertawa.",
       .end = ending::rejected,
       .note = "Laporan palsu; dikonfirmasi ke ketua RT setempat, tidak ada kebakaran."},
      {.day = 5,
       .minute = hm(19, 30),
       .source = channel::app,
       .category = "animal",
       .place = "lateri",
       .description = "Ular piton sekitar 3 meter masuk ke kandang ayam warga di Lateri, anak-anak takut keluar rumah.",
       .summary = "Ular piton masuk kandang warga di Lateri",
       .note = "Ular piton sepanjang kira-kira 3 m ditangkap dan diserahkan ke BKSDA Maluku."},
      {.day = 5,
       .minute = hm(21, 15),
       .category = "information",
       .place = "tantui",
       .description = "Penelepon menanyakan jadwal kapal cepat dari Pelabuhan Tulehu ke Saparua besok pagi.",
       .end = ending::answered,
       .note = "Diberikan informasi jadwal kapal cepat dari Pelabuhan Tulehu dan nomor kontak syahbandar."},
      // Four days ago.
      {.day = 4,
       .minute = hm(5, 55),
       .category = "medical",
       .place = "poka",
       .description =
           "Mahasiswa di rumah kos dekat kampus Universitas Pattimura kejang-kejang dan tidak sadarkan diri.",
       .summary = "Mahasiswa kejang di Poka",
       .note = "Pasien sadar kembali setelah ditangani, dirujuk ke RSUD dr. M. Haulussy untuk observasi."},
      {.day = 4,
       .minute = hm(8, 30),
       .place = "honipopu",
       .description = "Uji coba jalur 112 oleh teknisi operator seluler.",
       .end = ending::rejected,
       .note = "Panggilan uji oleh teknisi operator seluler.",
       .reason = reject_reason::test},
      {.day = 4,
       .minute = hm(12, 20),
       .category = "landslide",
       .place = "soya",
       .description = "Tanah longsor menimpa dapur rumah warga di Negeri Soya, penghuni sudah keluar rumah.",
       .summary = "Longsor menimpa rumah warga di Soya",
       .note = "Material longsor dibersihkan bersama warga; satu rumah rusak sedang, keluarga mengungsi ke rumah "
               "kerabat."},
      {.day = 4,
       .minute = hm(14, 0),
       .place = "galala",
       .description = "Penelepon mengaku melihat benda terbang aneh di atas Teluk Ambon lalu tertawa.",
       .end = ending::rejected,
       .note = "Panggilan iseng."},
      {.day = 4,
       .minute = hm(17, 35),
       .source = channel::whatsapp,
       .category = "bee_nest",
       .place = "kudamati",
       .description = "Sarang tawon besar di pohon mangga depan sekolah dasar, dua anak sudah tersengat.",
       .summary = "Sarang tawon dekat SD di Kudamati",
       .note = "Sarang tawon dievakuasi; halaman sekolah aman."},
      {.day = 4,
       .minute = hm(23, 10),
       .category = "crime",
       .place = "mangga_dua",
       .description = "Perkelahian antarpemuda di Mangga Dua, ada yang membawa senjata tajam.",
       .summary = "Perkelahian pemuda di Mangga Dua",
       .note = "Situasi kondusif; tiga pemuda dibawa ke Polresta untuk dimintai keterangan.",
       .repeats = {"Ada keributan dan perkelahian di Mangga Dua, tolong kirim polisi."}},
      // Three days ago.
      {.day = 3,
       .minute = hm(4, 40),
       .category = "flood",
       .place = "batu_merah",
       .description =
           "Banjir setinggi lutut masuk ke rumah warga di bantaran Sungai Batu Merah setelah hujan semalaman.",
       .summary = "Banjir di bantaran Sungai Batu Merah",
       .note = "Air sudah surut; 35 rumah terdampak, warga lansia dievakuasi ke posko.",
       .repeats = {"Air sungai meluap masuk rumah di Batu Merah, tolong bantu evakuasi orang tua.",
                   "Banjir di Batu Merah, jalan depan masjid tidak bisa dilewati."}},
      {.day = 3,
       .minute = hm(7, 0),
       .place = "passo",
       .description = "Panggilan tanpa suara.",
       .end = ending::rejected,
       .note = "Tidak ada suara; ditelepon balik tidak diangkat.",
       .reason = reject_reason::ghost},
      {.day = 3,
       .minute = hm(11, 45),
       .category = "information",
       .place = "batu_merah",
       .description = "Penelepon menanyakan lokasi posko pengungsian banjir terdekat di Batu Merah.",
       .end = ending::answered,
       .note = "Diberikan lokasi posko BPBD terdekat dan nomor kontak koordinator posko."},
      {.day = 3,
       .minute = hm(15, 20),
       .place = "laha",
       .description = "Penelepon berulang kali memutar musik lalu menutup telepon.",
       .end = ending::rejected,
       .note = "Panggilan iseng; nomor dicatat."},
      {.day = 3,
       .minute = hm(18, 5),
       .category = "blood_request",
       .place = "kudamati",
       .description = "Keluarga pasien di RSUD dr. M. Haulussy membutuhkan 2 kantong darah golongan O untuk operasi "
                      "malam ini.",
       .summary = "Permintaan 2 kantong darah golongan O",
       .note = "Dua kantong darah golongan O+ diserahkan ke bank darah RSUD dr. M. Haulussy."},
      {.day = 3,
       .minute = hm(20, 50),
       .source = channel::whatsapp,
       .category = "odgj",
       .place = "pelabuhan",
       .description = "Seorang pria diduga ODGJ mengamuk dan melempari kendaraan dengan batu di sekitar Pelabuhan Yos "
                      "Sudarso.",
       .summary = "ODGJ mengamuk di Pelabuhan Yos Sudarso",
       .note = "Yang bersangkutan ditenangkan dan diantar ke RSKD Provinsi Maluku; keluarga sudah dihubungi."},
      // Two days ago.
      {.day = 2,
       .minute = hm(6, 30),
       .source = channel::web,
       .category = "street_light",
       .place = "hative_kecil",
       .description = "Lampu penerangan jalan di Jl. Jenderal Sudirman, Hative Kecil mati sepanjang 200 meter, sering "
                      "terjadi kecelakaan malam hari.",
       .end = ending::resolved,
       .summary = "PJU mati di Hative Kecil",
       .note = "Tiga titik lampu PJU diganti; lampu menyala kembali."},
      {.day = 2,
       .minute = hm(8, 20),
       .category = "traffic_accident",
       .place = "galala",
       .description = "Mobil pikap terguling di turunan dekat Jembatan Merah Putih, sopir terjepit di kabin.",
       .summary = "Pikap terguling dekat Jembatan Merah Putih",
       .note = "Sopir berhasil dikeluarkan dan dirujuk ke RSUD dr. M. Haulussy dengan patah tulang kaki.",
       .repeats = {"Ada mobil terbalik dekat Jembatan Merah Putih, sopirnya terjepit."}},
      {.day = 2,
       .minute = hm(9, 0),
       .place = "uritetu",
       .description = "Penelepon ingin mengajukan pemasangan listrik baru dan menanyakan tagihan.",
       .end = ending::rejected,
       .note = "Salah sasaran; diarahkan ke layanan PLN 123.",
       .reason = reject_reason::misdirected},
      {.day = 2,
       .minute = hm(10, 15),
       .category = "hearse",
       .place = "naku",
       .description =
           "Keluarga di Negeri Naku membutuhkan mobil jenazah untuk membawa jenazah dari RSUD ke rumah duka.",
       .summary = "Mobil jenazah ke Negeri Naku",
       .note = "Jenazah diantar dari RSUD ke rumah duka di Negeri Naku."},
      {.day = 2,
       .minute = hm(16, 0),
       .place = "amahusu",
       .description = "Penelepon melaporkan orang tenggelam di pantai lalu tertawa dan menutup telepon.",
       .end = ending::rejected,
       .note = "Laporan palsu; dikonfirmasi ke warga di lokasi, tidak ada kejadian."},
      {.day = 2,
       .minute = hm(19, 25),
       .source = channel::lapor,
       .category = "water_supply",
       .place = "passo_pasar",
       .description = "Pipa PDAM bocor besar di depan Pasar Passo, air terbuang dan jalan tergenang.",
       .summary = "Pipa PDAM bocor di depan Pasar Passo",
       .note = "Pipa yang bocor disambung ulang; genangan sudah surut."},
      {.day = 2,
       .minute = hm(22, 0),
       .place = "waiheru",
       .description = "Panggilan tanpa suara, terdengar suara televisi.",
       .end = ending::rejected,
       .note = "Tidak ada respons; ditelepon balik tidak aktif.",
       .reason = reject_reason::ghost},
      // Yesterday.
      {.day = 1,
       .minute = hm(7, 10),
       .category = "missing_person",
       .place = "hutumuri",
       .description = "Nelayan Negeri Hutumuri belum kembali sejak melaut kemarin sore dengan perahu ketinting.",
       .summary = "Nelayan Hutumuri belum kembali",
       .note = "Laporan ditutup: nelayan ditemukan selamat oleh tim SAR di perairan Pulau Haruku."},
      {.day = 1,
       .minute = hm(8, 45),
       .category = "information",
       .place = "mangga_dua",
       .description = "Penelepon menanyakan cara mengurus surat keterangan kehilangan dan lokasi polsek terdekat.",
       .end = ending::answered,
       .note = "Dijelaskan prosedur surat keterangan kehilangan dan diberikan alamat polsek terdekat."},
      {.day = 1,
       .minute = hm(10, 30),
       .category = "sea_rescue",
       .place = "sea",
       .description =
           "Speedboat mati mesin dan terombang-ambing di Teluk Ambon depan Galala, enam penumpang di atasnya.",
       .end = ending::resolved,
       .summary = "Speedboat mati mesin di Teluk Ambon",
       .note = "Speedboat ditarik ke dermaga Galala; enam penumpang selamat."},
      {.day = 1,
       .minute = hm(11, 5),
       .place = "benteng",
       .description = "Penelepon mengaku terjebak di lift, padahal gedung yang disebut tidak memiliki lift.",
       .end = ending::rejected,
       .note = "Panggilan iseng."},
      {.day = 1,
       .minute = hm(12, 50),
       .source = channel::whatsapp,
       .category = "fire",
       .place = "wayame",
       .description = "Kebakaran ilalang dekat permukiman di Wayame, angin kencang ke arah rumah warga.",
       .end = ending::cancelled,
       .summary = "Kebakaran ilalang di Wayame",
       .cancel_reason = "Pelapor mengonfirmasi api sudah dipadamkan warga sebelum unit tiba."},
      {.day = 1,
       .minute = hm(14, 30),
       .category = "information",
       .place = "lateri",
       .description = "Penelepon menanyakan jadwal pemadaman listrik bergilir di Kecamatan Baguala.",
       .end = ending::answered,
       .note = "Diberikan informasi jadwal pemeliharaan jaringan dari PLN UP3 Ambon dan nomor layanan PLN 123."},
      {.day = 1,
       .minute = hm(15, 45),
       .source = channel::web,
       .category = "electricity",
       .place = "rutong",
       .description =
           "Tiang listrik miring hampir roboh di Negeri Rutong setelah angin kencang, kabel menjuntai rendah.",
       .summary = "Tiang listrik miring di Rutong",
       .note = "Tiang ditegakkan dan kabel dirapikan; jaringan aman."},
      // Today, counted back from now.
      {.day = 0,
       .minute = 380,
       .category = "traffic_accident",
       .place = "uritetu",
       .description = "Tabrakan beruntun tiga kendaraan di Jl. Pattimura, dua orang luka ringan.",
       .end = ending::resolved,
       .summary = "Tabrakan beruntun di Jl. Pattimura",
       .note = "Dua korban luka ringan ditangani di lokasi, satu dirujuk ke RSUD dr. M. Haulussy.",
       .repeats = {"Tabrakan di Jl. Pattimura, jalan macet total."}},
      {.day = 0,
       .minute = 300,
       .place = "passo",
       .description = "Penelepon tertawa dan memaki petugas.",
       .end = ending::rejected,
       .note = "Panggilan iseng disertai makian; nomor dicatat."},
      {.day = 0,
       .minute = 240,
       .category = "information",
       .place = "karang_panjang",
       .description = "Penelepon menanyakan rumah sakit yang melayani cuci darah.",
       .end = ending::answered,
       .note = "Diberikan daftar rumah sakit dengan layanan hemodialisis di Kota Ambon."},
      {.day = 0,
       .minute = 200,
       .category = "missing_person",
       .place = "air_salobar",
       .description =
           "Anak laki-laki 7 tahun belum pulang sejak siang, terakhir terlihat bermain di Pantai Air Salobar.",
       .end = ending::in_progress,
       .summary = "Anak 7 tahun hilang di Air Salobar"},
      {.day = 0,
       .minute = 130,
       .source = channel::lapor,
       .category = "water_supply",
       .place = "tawiri",
       .description = "Sudah seminggu air bersih tidak mengalir di Tawiri, warga minta bantuan tangki air.",
       .end = ending::dispatched,
       .summary = "Air bersih tidak mengalir di Tawiri"},
      {.day = 0,
       .minute = 95,
       .category = "fire",
       .place = "batu_merah_dalam",
       .description =
           "Rumah semi permanen terbakar di Batu Merah Dalam, api membesar, warga memadamkan dengan air sumur.",
       .end = ending::in_progress,
       .summary = "Kebakaran rumah di Batu Merah Dalam",
       .repeats = {"Kebakaran rumah di Batu Merah Dalam, dekat jalan setapak ke atas.",
                   "Tolong, rumah tetangga terbakar di Batu Merah Dalam!"}},
      {.day = 0,
       .minute = 80,
       .source = channel::whatsapp,
       .category = "fallen_tree",
       .place = "laha",
       .description = "Pohon tumbang menutup jalan menuju Bandara Pattimura di Laha, antrean kendaraan panjang.",
       .end = ending::in_progress,
       .summary = "Pohon tumbang di jalan ke bandara"},
      {.day = 0,
       .minute = 48,
       .source = channel::web,
       .category = "street_light",
       .place = "karang_panjang",
       .description = "Lampu jalan di tanjakan Karang Panjang mati sejak tiga malam, jalan gelap dan rawan.",
       .end = ending::still_new},
      {.day = 0,
       .minute = 40,
       .category = "crime",
       .place = "honipopu",
       .description = "Penjambretan tas di Jl. Sultan Hairun dekat Lapangan Merdeka, pelaku kabur dengan sepeda motor.",
       .end = ending::dispatched,
       .summary = "Penjambretan di Jl. Sultan Hairun"},
      {.day = 0,
       .minute = 31,
       .category = "fire",
       .place = "ay_patty",
       .description = "Asap keluar dari lantai dua ruko di Jl. A.Y. Patty, belum jelas sumbernya.",
       .end = ending::still_new},
      {.day = 0,
       .minute = 20,
       .place = "kudamati",
       .description = "Penelepon diam lalu terdengar tawa anak-anak.",
       .end = ending::rejected,
       .note = "Panggilan iseng anak-anak."},
      {.day = 0,
       .minute = 14,
       .source = channel::whatsapp,
       .category = "bee_nest",
       .place = "benteng",
       .description = "Ada sarang tawon besar di plafon rumah di Jl. Dr. Kayadoe, Benteng.",
       .end = ending::still_new},
      {.day = 0,
       .minute = 12,
       .category = "medical",
       .place = "lateri",
       .description = "Bapak 60 tahun nyeri dada hebat dan keringat dingin, keluarga minta ambulans.",
       .end = ending::dispatched,
       .summary = "Nyeri dada di Lateri"},
      {.day = 0,
       .minute = 8,
       .place = "waiheru",
       .description = "Panggilan tanpa suara.",
       .end = ending::rejected,
       .note = "Tidak ada suara setelah tiga kali sapaan.",
       .reason = reject_reason::ghost},
      {.day = 0,
       .minute = 4,
       .category = "traffic_accident",
       .place = "karang_panjang",
       .description = "Pengendara motor jatuh sendiri di turunan Karang Panjang, masih sadar tetapi kaki tidak bisa "
                      "digerakkan.",
       .end = ending::still_new},
  };
  return all;
}

// What a supporting agency writes when it completes; the lead agency's note is the story's.
std::string_view supporting_note(std::string_view agency) {
  static const std::map<std::string_view, std::string_view> notes{
      {"PSC119", "Korban ditangani di lokasi; yang perlu perawatan lanjut dirujuk ke RSUD dr. M. Haulussy."},
      {"POLRESTA", "Lokasi diamankan dan keterangan saksi dicatat; penanganan lanjutan oleh Polresta."},
      {"DISHUB", "Arus lalu lintas dialihkan sementara; jalan kembali normal."},
      {"PLN", "Aliran listrik di sekitar lokasi dipadamkan sementara demi keamanan, lalu dinyalakan kembali."},
      {"RSUD", "Ambulans RSUD siaga di lokasi; tidak ada korban yang perlu dirujuk."},
      {"BASARNAS", "Tim SAR membantu evakuasi warga; operasi SAR selesai."},
      {"DINSOS", "Bantuan makanan siap saji dan perlengkapan disalurkan kepada warga terdampak."},
      {"SATPOLPP", "Personel Satpol PP membantu mengamankan lokasi."},
      {"BPBD", "Asesmen kerusakan selesai; data warga terdampak dicatat."},
  };
  auto it = notes.find(agency);
  return it != notes.end() ? it->second : std::string_view("Penanganan selesai.");
}

constexpr std::array<std::string_view, 20> first_names{
    "Yohanes", "Maria",  "Abdul", "Fatima",    "Ronald", "Elisabeth", "Hasan",    "Nurlela", "Jefry",    "Stevi",
    "Novita",  "Rahman", "Ahmad", "Dominggus", "Yanti",  "Ismail",    "Agustina", "Frengky", "Oktavina", "Salma"};
constexpr std::array<std::string_view, 20> last_names{"Latuconsina", "Tuhumury", "Lewerissa", "Matulessy", "Tahapary",
                                                      "Rumahlatu",   "Nanlohy",  "Soselisa",  "Sopacua",   "Tuasikal",
                                                      "Marasabessy", "Loppies",  "Pelupessy", "Talakua",   "Hehanussa",
                                                      "Huwae",       "Manuhutu", "Siahaya",   "Pentury",   "Uneputty"};
constexpr std::array<std::string_view, 10> mobile_prefixes{"11", "12", "13", "21", "22", "52", "53", "77", "81", "95"};

// std::mt19937's output is fixed by the standard (unlike the distributions), so reducing it
// by hand keeps the history identical across standard libraries.
class sequence {
 public:
  explicit sequence(std::uint32_t seed) : gen_(seed) {}

  std::int64_t between(std::int64_t lo, std::int64_t hi) {
    return lo + static_cast<std::int64_t>(gen_() % static_cast<std::uint64_t>(hi - lo + 1));
  }
  // Uniform in [-max, max], in steps of max / 1000.
  double spread(double max) { return max * static_cast<double>(between(-1000, 1000)) / 1000.0; }

  template <class Array>
  auto pick(const Array& a) {
    return a[static_cast<std::size_t>(between(0, static_cast<std::int64_t>(a.size()) - 1))];
  }

 private:
  std::mt19937 gen_;
};

// ---------------------------------------------------------------------------------------------
// Writing the city.

using id_map = std::map<std::string, std::string, std::less<>>;

// map::at has no heterogeneous overload; a missing key is a bug in the tables above.
const std::string& lookup(const id_map& m, std::string_view key) {
  auto it = m.find(key);
  if (it == m.end()) throw std::logic_error("seed: no id for " + std::string(key));
  return it->second;
}

// The ids and actors the history needs, once the directory is written.
struct directory {
  std::string jurisdiction_id;
  id_map district_ids;  // by Kemendagri code
  id_map agency_ids;    // by agency code
  id_map agency_codes;  // by agency id
  id_map category_ids;  // by category code
  services::actor system;
  services::actor call_taker;
  services::actor damkar;
  services::actor psc119;
};

core::result<directory> write_directory(storage::store_txn& tx, const services::context& ctx, core::manual_clock& clock,
                                        const std::vector<std::string>& hashes) {
  // An admin takes a few seconds per entry; spacing them keeps the audit log readable.
  auto tick = [&] { clock.advance(seconds(7)); };
  directory dir;
  domain::jurisdiction j{ctx.ids.next(clock.now()), std::string(city_code), "Kota Ambon", "Asia/Jayapura", "AMB"};
  if (auto w = tx.insert_jurisdiction(j); !w) return w.error();
  dir.jurisdiction_id = j.id;
  dir.system = services::system_actor(j.id);
  auto e = services::record(
      tx, ctx, dir.system, domain::subject_kind::jurisdiction, j.id, "jurisdiction.created",
      {{"code", j.code}, {"name", j.name}, {"timezone", j.timezone}, {"incident_prefix", j.incident_prefix}});
  if (!e) return e.error();

  for (const auto& spec : districts) {
    tick();
    domain::district d;
    d.id = ctx.ids.next(clock.now());
    d.jurisdiction_id = j.id;
    d.code = spec.code;
    d.name = spec.name;
    d.center = domain::geo_point{spec.lat, spec.lon};
    if (auto w = tx.insert_district(d); !w) return w.error();
    auto de = services::record(tx, ctx, dir.system, domain::subject_kind::district, d.id, "district.created",
                               {{"code", d.code}, {"name", d.name}});
    if (!de) return de.error();
    dir.district_ids.emplace(d.code, d.id);
  }

  for (const auto& spec : agencies) {
    tick();
    domain::agency a;
    a.code = spec.code;
    a.name = spec.name;
    a.kind = spec.kind;
    a.phone = spec.phone;
    auto saved = services::save_agency(tx, ctx, dir.system, std::move(a));
    if (!saved) return saved.error();
    dir.agency_ids.emplace(saved->code, saved->id);
    dir.agency_codes.emplace(saved->id, saved->code);
  }

  for (const auto& spec : categories()) {
    tick();
    domain::category c;
    c.code = spec.code;
    c.name_id = spec.name_id;
    c.name_en = spec.name_en;
    c.urgency_class = spec.urgency_class;
    for (std::size_t i = 0; i < spec.run_card.size(); ++i) {
      c.run_card.push_back({lookup(dir.agency_ids, spec.run_card[i]),
                            i == 0 ? domain::dispatch_role::primary : domain::dispatch_role::supporting});
    }
    for (auto line : spec.sop) c.sop.emplace_back(line);
    c.sla = sla_of(spec.urgency_class);
    auto saved = services::save_category(tx, ctx, dir.system, std::move(c));
    if (!saved) return saved.error();
    dir.category_ids.emplace(saved->code, saved->id);
  }

  for (std::size_t i = 0; i < users.size(); ++i) {
    tick();
    const auto& spec = users[i];
    services::new_user in;
    in.username = spec.username;
    in.display_name = spec.display_name;
    in.user_role = spec.user_role;
    if (!spec.agency.empty()) in.agency_id = lookup(dir.agency_ids, spec.agency);
    in.password_hash = hashes[i];
    auto made = services::create_user(tx, ctx, dir.system, in);
    if (!made) return made.error();
    services::actor who{made->id, j.id, made->user_role, made->agency_id, made->display_name};
    if (spec.user_role == role::call_taker) dir.call_taker = who;
    if (spec.agency == "DAMKAR") dir.damkar = who;
    if (spec.agency == "PSC119") dir.psc119 = who;
  }
  return dir;
}

// How long each step takes, in seconds, by urgency class.
struct span_s {
  int lo;
  int hi;
};
struct pace {
  span_s triage_call;     // answer to decision on a call
  span_s triage_message;  // arrival to decision on a message (web, WhatsApp, app, LAPOR!)
  span_s acknowledge;
  span_s en_route;
  span_s on_scene;
  span_s complete;
  span_s close;  // resolved to closed, after the call taker confirmed with the reporter
};

const pace& pace_of(urgency u) {
  static const pace emergency{{40, 95}, {120, 420}, {30, 110}, {45, 180}, {360, 840}, {1500, 5400}, {900, 2700}};
  static const pace urgent{{60, 180}, {300, 900}, {120, 420}, {300, 900}, {600, 2100}, {1800, 5400}, {1200, 3600}};
  static const pace complaint{{300, 1800}, {1200, 5400}, {3600, 10800}, {3600, 14400},
                              {900, 2400}, {1800, 7200}, {3600, 10800}};
  switch (u) {
    case urgency::emergency:
      return emergency;
    case urgency::urgent:
      return urgent;
    case urgency::complaint:
    case urgency::information:
      return complaint;
  }
  return complaint;
}

// Categories served without a trip to the scene: PMI hands blood over at its own counter.
bool served_in_place(std::string_view category) {
  return category == "blood_request";
}

// Categories whose agencies need to call the family back.
bool shares_contact(std::string_view category) {
  return category == "medical" || category == "hearse" || category == "blood_request" || category == "missing_person";
}

// Plans the week as timed steps, then replays them in time order with the clock set to each
// step's time, so that every row and event carries a realistic past time and the event log
// is chronological. Steps later than `now` are left out, so that a story which an early `now`
// cuts short simply ends in an earlier state instead of reaching into the future.
class history {
 public:
  history(const directory& dir, const services::context& ctx, core::manual_clock& clock, core::timestamp now)
      : dir_(dir), ctx_(ctx), clock_(clock), now_(now), seq_(history_seed) {
    auto local = std::chrono::floor<std::chrono::days>(now + minutes(wit_offset_minutes));
    midnight_ = core::timestamp(local) - minutes(wit_offset_minutes);
  }

  void plan(const story& s, std::size_t index);

  core::result<void> run(storage::store_txn& tx) {
    std::stable_sort(steps_.begin(), steps_.end(), [](const step& a, const step& b) { return a.at < b.at; });
    for (auto& st : steps_) {
      clock_.set(st.at);
      if (auto r = st.run(tx); !r) {
        return core::make_error(r.error().code, "seed: " + st.what + ": " + r.error().message);
      }
    }
    return {};
  }

  int reports() const { return reports_; }
  int incidents() const { return incidents_; }

 private:
  using command = std::function<core::result<void>(storage::store_txn&)>;
  struct step {
    core::timestamp at;
    std::string what;
    command run;
  };
  struct live_incident {
    std::string id;
    id_map dispatch_of;  // agency code -> dispatch id
  };
  using report_slot = std::shared_ptr<std::string>;
  using incident_slot = std::shared_ptr<live_incident>;

  seconds draw(span_s s) { return seconds(seq_.between(s.lo, s.hi)); }

  void at(core::timestamp t, std::string what, command run) {
    if (t > now_) return;
    steps_.push_back({t, std::move(what), std::move(run)});
  }

  const services::actor& actor_for(std::string_view agency) const {
    if (agency == "DAMKAR") return dir_.damkar;
    if (agency == "PSC119") return dir_.psc119;
    return dir_.call_taker;
  }

  report_slot intake(core::timestamp t, const std::string& what, channel source, std::string_view category,
                     const place& p, std::string_view text, bool silent);
  core::timestamp progress(core::timestamp notified, const std::string& what, const incident_slot& inc,
                           std::string_view agency, const pace& pc, dispatch_status stage, bool travels,
                           std::string note);
  void move(core::timestamp t, const std::string& what, const incident_slot& inc, std::string_view agency,
            dispatch_status to, std::string text);

  const directory& dir_;
  const services::context& ctx_;
  core::manual_clock& clock_;
  core::timestamp now_;
  core::timestamp midnight_{};  // start of today in WIT
  sequence seq_;
  std::vector<step> steps_;
  int reports_ = 0;
  int incidents_ = 0;
};

history::report_slot history::intake(core::timestamp t, const std::string& what, channel source,
                                     std::string_view category, const place& p, std::string_view text, bool silent) {
  services::new_report in;
  in.source = source;
  if (!silent) in.reporter_name = std::string(seq_.pick(first_names)) + " " + std::string(seq_.pick(last_names));
  in.reporter_phone = "+628" + std::string(seq_.pick(mobile_prefixes));
  for (int i = 0; i < 8; ++i) in.reporter_phone += static_cast<char>('0' + seq_.between(0, 9));
  in.description = text;
  if (!category.empty()) in.category_id = lookup(dir_.category_ids, category);
  // Within about 250 m of the place, as a caller's handset or a pin on a map would put it.
  in.location = domain::geo_point{p.lat + seq_.spread(0.0022), p.lon + seq_.spread(0.0022)};
  in.address = p.address;
  in.district_id = lookup(dir_.district_ids, p.district);
  auto slot = std::make_shared<std::string>();
  // Calls are typed in by the call taker; messages arrive through the channel integrations.
  const auto& who = source == channel::call ? dir_.call_taker : dir_.system;
  at(t, what + ": report", [this, in = std::move(in), slot, &who](storage::store_txn& tx) -> core::result<void> {
    auto r = services::create_report(tx, ctx_, who, in);
    if (!r) return r.error();
    *slot = r->id;
    ++reports_;
    return {};
  });
  return slot;
}

void history::move(core::timestamp t, const std::string& what, const incident_slot& inc, std::string_view agency,
                   dispatch_status to, std::string text) {
  const auto& who = actor_for(agency);
  at(t, what + ": " + std::string(agency) + " " + std::string(to_string(to)),
     [this, inc, code = std::string(agency), to, text = std::move(text),
      &who](storage::store_txn& tx) -> core::result<void> {
       auto d = services::move_dispatch(tx, ctx_, who, lookup(inc->dispatch_of, code), to, text);
       if (!d) return d.error();
       return {};
     });
}

// Schedules one dispatch's steps from its notification up to `stage`; returns the time of the
// last one. An agency that does not travel goes from acknowledged straight to completed.
core::timestamp history::progress(core::timestamp notified, const std::string& what, const incident_slot& inc,
                                  std::string_view agency, const pace& pc, dispatch_status stage, bool travels,
                                  std::string note) {
  if (stage == dispatch_status::notified) return notified;
  if (stage == dispatch_status::declined) {
    auto t = notified + draw(pc.acknowledge);
    move(t, what, inc, agency, dispatch_status::declined, std::move(note));
    return t;
  }
  auto t = notified + draw(pc.acknowledge);
  move(t, what, inc, agency, dispatch_status::acknowledged, "");
  if (stage == dispatch_status::acknowledged) return t;
  if (!travels) {
    t += draw(pc.complete);
    move(t, what, inc, agency, dispatch_status::completed, std::move(note));
    return t;
  }
  t += draw(pc.en_route);
  move(t, what, inc, agency, dispatch_status::en_route, "");
  if (stage == dispatch_status::en_route) return t;
  t += draw(pc.on_scene);
  move(t, what, inc, agency, dispatch_status::on_scene, "");
  if (stage == dispatch_status::on_scene) return t;
  t += draw(pc.complete);
  move(t, what, inc, agency, dispatch_status::completed, std::move(note));
  return t;
}

void history::plan(const story& s, std::size_t index) {
  auto t0 = s.day == 0 ? now_ - minutes(s.minute) - draw({0, 59})
                       : midnight_ - std::chrono::days(s.day) + minutes(s.minute) + draw({0, 59});
  const auto what = "story " + std::to_string(index + 1);
  const auto& p = place_by_key(s.place);
  auto first = intake(t0, what, s.source, s.category, p, s.description,
                      s.reason == reject_reason::ghost && s.end == ending::rejected);
  const bool by_call = s.source == channel::call;
  const auto& ct = dir_.call_taker;

  switch (s.end) {
    case ending::still_new:
      return;
    case ending::rejected: {
      auto t = t0 + (by_call ? draw({20, 90}) : draw({120, 600}));
      at(t, what + ": reject",
         [this, first, &ct, reason = s.reason,
          note = std::string(s.note)](storage::store_txn& tx) -> core::result<void> {
           auto r = services::reject_report(tx, ctx_, ct, *first, reason, note);
           if (!r) return r.error();
           return {};
         });
      return;
    }
    case ending::answered: {
      auto t = t0 + (by_call ? draw({60, 240}) : draw({300, 900}));
      at(t, what + ": answer",
         [this, first, &ct, note = std::string(s.note)](storage::store_txn& tx) -> core::result<void> {
           auto r = services::answer_report(tx, ctx_, ct, *first, note);
           if (!r) return r.error();
           return {};
         });
      return;
    }
    default:
      break;
  }

  const auto& cat = category_by_code(s.category);
  const auto& pc = pace_of(cat.urgency_class);
  auto inc = std::make_shared<live_incident>();
  auto t_inc = t0 + draw(by_call ? pc.triage_call : pc.triage_message);
  services::new_incident fresh;
  fresh.summary = s.summary;
  fresh.share_contact = shares_contact(s.category);
  at(t_inc, what + ": accept", [this, first, inc, fresh, &ct](storage::store_txn& tx) -> core::result<void> {
    auto made = services::accept_report(tx, ctx_, ct, *first, std::nullopt, fresh);
    if (!made) return made.error();
    inc->id = made->id;
    auto ds = tx.dispatches_of_incident(made->id);
    if (!ds) return ds.error();
    for (const auto& d : *ds) inc->dispatch_of[lookup(dir_.agency_codes, d.agency_id)] = d.id;
    ++incidents_;
    return {};
  });

  // Repeat callers about the same event, linked to the incident rather than duplicated.
  auto last = t_inc;
  for (auto text : s.repeats) {
    last += draw({90, 300});
    auto rep = intake(last, what, channel::call, s.category, p, text, false);
    last += draw({30, 75});
    at(last, what + ": link repeat", [this, rep, inc, &ct](storage::store_txn& tx) -> core::result<void> {
      auto linked = services::accept_report(tx, ctx_, ct, *rep, inc->id, {});
      if (!linked) return linked.error();
      return {};
    });
  }

  if (s.end == ending::dispatched) return;
  auto stage = s.end == ending::in_progress ? dispatch_status::on_scene : dispatch_status::completed;
  const bool travels = !served_in_place(s.category);
  for (std::size_t i = 0; i < cat.run_card.size(); ++i) {
    auto agency = cat.run_card[i];
    auto to = stage;
    std::string note = std::string(i == 0 ? s.note : supporting_note(agency));
    if (agency == s.declining_agency) {
      to = dispatch_status::declined;
      note = s.decline_reason;
    } else if (s.end == ending::cancelled) {
      to = i == 0 ? dispatch_status::en_route : dispatch_status::acknowledged;
    }
    last = std::max(last, progress(t_inc, what, inc, agency, pc, to, travels, std::move(note)));
  }
  if (!s.extra_agency.empty()) {
    // The call taker learns of a need the run card did not foresee (an injured trader).
    auto t_add = t_inc + draw({300, 900});
    auto agency = std::string(s.extra_agency);
    at(t_add, what + ": add " + agency, [this, inc, agency, &ct](storage::store_txn& tx) -> core::result<void> {
      auto made = services::add_dispatches(tx, ctx_, ct, inc->id, {lookup(dir_.agency_ids, agency)}, false);
      if (!made) return made.error();
      for (const auto& d : *made) inc->dispatch_of[agency] = d.id;
      return {};
    });
    last = std::max(last, progress(t_add, what, inc, agency, pc, stage, travels, std::string(supporting_note(agency))));
  }

  auto act = [&](core::timestamp t, domain::incident_action action, std::string reason) {
    at(t, what + ": incident " + std::string(action == domain::incident_action::close ? "close" : "cancel"),
       [this, inc, action, reason = std::move(reason), &ct](storage::store_txn& tx) -> core::result<void> {
         auto r = services::act_on_incident(tx, ctx_, ct, inc->id, action, reason);
         if (!r) return r.error();
         return {};
       });
  };
  if (s.end == ending::cancelled)
    act(last + draw({120, 300}), domain::incident_action::cancel, std::string(s.cancel_reason));
  if (s.end == ending::closed) act(last + draw(pc.close), domain::incident_action::close, "");
}

core::result<seed_summary> summary_of_existing(storage::store_reader& rd, const domain::jurisdiction& j) {
  seed_summary out;
  out.jurisdiction_id = j.id;
  out.logins = demo_logins();
  out.already_seeded = true;
  storage::report_filter rf;
  rf.jurisdiction_id = j.id;
  rf.page.limit = 1;
  auto reports = rd.list_reports(rf);
  if (!reports) return reports.error();
  storage::incident_filter inf;
  inf.jurisdiction_id = j.id;
  inf.page.limit = 1;
  auto incidents = rd.list_incidents(inf);
  if (!incidents) return incidents.error();
  out.reports = static_cast<int>(reports->total);
  out.incidents = static_cast<int>(incidents->total);
  return out;
}

}  // namespace

core::result<seed_summary> seed_demo(storage::store& st, core::random_source& rnd, core::timestamp now) {
  auto existing = st.reader().find_jurisdiction_by_code(std::string(city_code));
  if (!existing) return existing.error();
  if (*existing) return summary_of_existing(st.reader(), **existing);

  // Argon2id is slow on purpose: hash before taking the writer.
  std::vector<std::string> hashes;
  for (std::size_t i = 0; i < users.size(); ++i) {
    auto h = services::hash_password(demo_password);
    if (!h) return h.error();
    hashes.push_back(std::move(*h));
  }

  // The city was set up the morning (08:00 WIT) a week before today.
  auto today = std::chrono::floor<std::chrono::days>(now + minutes(wit_offset_minutes));
  core::manual_clock clock(core::timestamp(today) - minutes(wit_offset_minutes) - std::chrono::days(7) +
                           std::chrono::hours(8));
  core::id_generator ids(rnd);
  services::context ctx{clock, ids, rnd};

  seed_summary out;
  bool raced = false;
  // One command: the city appears whole or not at all, and a concurrent seed that got there
  // first is noticed under the writer's lock.
  auto written = st.write([&](storage::store_txn& tx) -> core::result<void> {
    auto again = tx.find_jurisdiction_by_code(std::string(city_code));
    if (!again) return again.error();
    if (*again) {
      raced = true;
      return {};
    }
    auto dir = write_directory(tx, ctx, clock, hashes);
    if (!dir) return dir.error();
    history h(*dir, ctx, clock, now);
    const auto& all = stories();
    for (std::size_t i = 0; i < all.size(); ++i) h.plan(all[i], i);
    if (auto r = h.run(tx); !r) return r.error();
    out.jurisdiction_id = dir->jurisdiction_id;
    out.reports = h.reports();
    out.incidents = h.incidents();
    return {};
  });
  if (!written) return written.error();
  if (raced) {
    auto j = st.reader().find_jurisdiction_by_code(std::string(city_code));
    if (!j) return j.error();
    if (!*j) return core::make_error(core::errc::internal, "seed: jurisdiction 81.71 vanished after a concurrent seed");
    return summary_of_existing(st.reader(), **j);
  }
  out.logins = demo_logins();
  return out;
}

}  // namespace siaga::app
