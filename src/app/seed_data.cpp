#include "app/seed_data.hpp"

#include "core/enum_names.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <cstdio>
#include <stdexcept>

namespace siaga::app {
namespace json = boost::json;
namespace {

constexpr auto ending_names = core::make_enum_names<ending>(
    "ending", {"closed", "resolved", "in_progress", "dispatched", "cancelled", "rejected", "answered", "still_new"});

// Reads the fields of one element, remembering the first problem with its path.
class reader {
 public:
  reader(std::string where, const json::object& o) : where_(std::move(where)), o_(o) {}

  std::string text(std::string_view key, bool required = true) {
    auto* v = o_.if_contains(key);
    if (!v) {
      if (required) fail(key, "is missing");
      return {};
    }
    if (!v->is_string()) {
      fail(key, "must be a string");
      return {};
    }
    return std::string(v->as_string());
  }

  double number(std::string_view key) {
    auto* v = o_.if_contains(key);
    if (!v || !(v->is_double() || v->is_int64())) {
      fail(key, "must be a number");
      return 0;
    }
    return v->is_double() ? v->as_double() : static_cast<double>(v->as_int64());
  }

  int integer(std::string_view key, int lo, int hi, bool required = true) {
    auto* v = o_.if_contains(key);
    if (!v) {
      if (required) fail(key, "is missing");
      return lo;
    }
    if (!v->is_int64() || v->as_int64() < lo || v->as_int64() > hi) {
      fail(key, "must be a whole number from " + std::to_string(lo) + " to " + std::to_string(hi));
      return lo;
    }
    return static_cast<int>(v->as_int64());
  }

  std::vector<std::string> texts(std::string_view key) {
    std::vector<std::string> out;
    auto* v = o_.if_contains(key);
    if (!v) return out;
    if (!v->is_array()) {
      fail(key, "must be an array of strings");
      return out;
    }
    for (const auto& item : v->as_array()) {
      if (!item.is_string()) {
        fail(key, "must be an array of strings");
        return {};
      }
      out.emplace_back(item.as_string());
    }
    return out;
  }

  template <class E, class Parse>
  E choice(std::string_view key, Parse parse, E fallback, bool required = true) {
    auto t = text(key, required);
    if (t.empty()) return fallback;
    auto r = parse(t);
    if (!r) {
      fail(key, r.error().message);
      return fallback;
    }
    return *r;
  }

  void fail(std::string_view key, const std::string& what) {
    if (!error_) error_ = core::invalid(where_ + "." + std::string(key) + " " + what);
  }

  const std::optional<core::error>& error() const { return error_; }

 private:
  std::string where_;
  const json::object& o_;
  std::optional<core::error> error_;
};

core::result<json::object> parse_object(std::string_view doc, std::string_view name) {
  boost::system::error_code ec;
  auto v = json::parse(doc, ec);
  if (ec) return core::invalid(std::string(name) + ": not valid JSON: " + ec.message());
  if (!v.is_object()) return core::invalid(std::string(name) + ": must be a JSON object");
  return std::move(v.as_object());
}

// Calls fn(reader&, index) for every object of the array `key`.
template <class Fn>
core::result<void> each(const json::object& doc, std::string_view name, std::string_view key, Fn fn) {
  auto* v = doc.if_contains(key);
  if (!v || !v->is_array()) return core::invalid(std::string(name) + ": " + std::string(key) + " must be an array");
  std::size_t i = 0;
  for (const auto& item : v->as_array()) {
    auto where = std::string(name) + ": " + std::string(key) + "[" + std::to_string(i) + "]";
    if (!item.is_object()) return core::invalid(where + " must be an object");
    reader r(where, item.as_object());
    fn(r);
    if (r.error()) return *r.error();
    ++i;
  }
  return {};
}

// "07:42" -> minute of the day.
std::optional<int> clock_time(const std::string& t) {
  int h = -1, m = -1;
  char tail = 0;
  if (t.size() != 5 || std::sscanf(t.c_str(), "%2d:%2d%c", &h, &m, &tail) != 2) return std::nullopt;
  if (h < 0 || h > 23 || m < 0 || m > 59) return std::nullopt;
  return h * 60 + m;
}

template <class T>
bool has(const std::vector<T>& all, const std::string& key, std::string T::*field) {
  for (const auto& x : all) {
    if (x.*field == key) return true;
  }
  return false;
}

}  // namespace

core::result<demo_data> parse_demo_data(std::string_view directory_json, std::string_view history_json) {
  demo_data d;
  SIAGA_TRY(dir, parse_object(directory_json, "directory.json"));
  SIAGA_TRY(hist, parse_object(history_json, "history.json"));
  const std::string dn = "directory.json", hn = "history.json";

  SIAGA_CHECK(each(dir, dn, "districts", [&](reader& r) {
    d.districts.push_back({r.text("code"), r.text("name"), r.number("lat"), r.number("lon")});
  }));
  SIAGA_CHECK(each(dir, dn, "agencies", [&](reader& r) {
    d.agencies.push_back({r.text("code"), r.text("name"),
                          r.choice("kind", domain::parse_agency_kind, domain::agency_kind::other),
                          r.text("phone", false)});
  }));
  SIAGA_CHECK(each(dir, dn, "categories", [&](reader& r) {
    category_spec c{r.text("code"), r.text("name_id"), r.text("name_en"),
                    r.choice("urgency", domain::parse_urgency, domain::urgency::emergency), r.texts("run_card"),
                    r.texts("sop")};
    for (const auto& a : c.run_card) {
      if (!has(d.agencies, a, &agency_spec::code)) r.fail("run_card", "names '" + a + "', which is not an agency code");
    }
    d.categories.push_back(std::move(c));
  }));
  SIAGA_CHECK(each(dir, dn, "users", [&](reader& r) {
    user_spec u{r.text("username"), r.text("display_name"), r.choice("role", domain::parse_role, domain::role::leader),
                r.text("agency", false)};
    if (!u.agency.empty() && !has(d.agencies, u.agency, &agency_spec::code)) {
      r.fail("agency", "'" + u.agency + "' is not an agency code");
    }
    d.users.push_back(std::move(u));
  }));

  SIAGA_CHECK(each(hist, hn, "places", [&](reader& r) {
    place_spec p{r.text("key"), r.text("address"), r.text("district"), r.number("lat"), r.number("lon")};
    if (!has(d.districts, p.district, &district_spec::code)) {
      r.fail("district", "'" + p.district + "' is not a district code");
    }
    d.places.push_back(std::move(p));
  }));
  SIAGA_CHECK(each(hist, hn, "stories", [&](reader& r) {
    story s;
    s.day = r.integer("day", 0, 30);
    if (s.day == 0) {
      s.minute = r.integer("minutes_ago", 0, 24 * 60);
    } else if (auto m = clock_time(r.text("at"))) {
      s.minute = *m;
    } else {
      r.fail("at", "must be a local time HH:MM");
    }
    s.source = r.choice("channel", domain::parse_channel, domain::channel::call, false);
    s.category = r.text("category", false);
    s.place = r.text("place");
    s.description = r.text("description");
    s.end = r.choice("end", [](std::string_view t) { return ending_names.parse(t); }, ending::closed);
    s.summary = r.text("summary", false);
    s.note = r.text("note", false);
    s.reason = r.choice("reason", domain::parse_reject_reason, domain::reject_reason::prank, false);
    s.repeats = r.texts("repeats");
    s.extra_agency = r.text("extra_agency", false);
    s.declining_agency = r.text("declining_agency", false);
    s.decline_reason = r.text("decline_reason", false);
    s.cancel_reason = r.text("cancel_reason", false);
    if (!has(d.places, s.place, &place_spec::key)) r.fail("place", "'" + s.place + "' is not a place key");
    if (!s.category.empty() && !has(d.categories, s.category, &category_spec::code)) {
      r.fail("category", "'" + s.category + "' is not a category code");
    }
    bool incident = s.end != ending::rejected && s.end != ending::answered && s.end != ending::still_new;
    if (incident && s.category.empty()) r.fail("category", "is needed for a story that becomes an incident");
    for (const auto* a : {&s.extra_agency, &s.declining_agency}) {
      if (!a->empty() && !has(d.agencies, *a, &agency_spec::code)) r.fail("agency", "'" + *a + "' is not an agency code");
    }
    d.stories.push_back(std::move(s));
  }));

  reader top(hn, hist);
  d.default_supporting_note = top.text("default_supporting_note");
  d.first_names = top.texts("first_names");
  d.last_names = top.texts("last_names");
  d.mobile_prefixes = top.texts("mobile_prefixes");
  if (top.error()) return *top.error();
  if (d.first_names.empty() || d.last_names.empty() || d.mobile_prefixes.empty()) {
    return core::invalid("history.json: first_names, last_names and mobile_prefixes need at least one entry each");
  }
  if (auto* notes = hist.if_contains("supporting_notes"); notes && notes->is_object()) {
    for (const auto& [agency, note] : notes->as_object()) {
      if (!note.is_string()) return core::invalid("history.json: supporting_notes." + std::string(agency) + " must be a string");
      d.supporting_notes.emplace(std::string(agency), std::string(note.as_string()));
    }
  } else {
    return core::invalid("history.json: supporting_notes must be an object of agency code -> note");
  }
  return d;
}

const category_spec& demo_data::category(std::string_view code) const {
  for (const auto& c : categories) {
    if (c.code == code) return c;
  }
  throw std::logic_error("seed: unknown category code " + std::string(code));
}

const place_spec& demo_data::place(std::string_view key) const {
  for (const auto& p : places) {
    if (p.key == key) return p;
  }
  throw std::logic_error("seed: unknown place " + std::string(key));
}

const std::string& demo_data::supporting_note(std::string_view agency) const {
  auto it = supporting_notes.find(agency);
  return it != supporting_notes.end() ? it->second : default_supporting_note;
}

const demo_data& ambon() {
  static const demo_data data = [] {
    auto d = parse_demo_data(ambon_directory_json(), ambon_history_json());
    if (!d) throw std::logic_error("the compiled-in demo data are broken: " + d.error().message);
    return std::move(*d);
  }();
  return data;
}

}  // namespace siaga::app
