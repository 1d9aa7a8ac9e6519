#include "app/seed.hpp"

#include "app/seed_data.hpp"

#include "domain/lifecycle.hpp"
#include "services/context.hpp"
#include "services/directory_service.hpp"
#include "services/events.hpp"
#include "services/incident_service.hpp"
#include "services/passwords.hpp"
#include "services/places_service.hpp"

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

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

namespace json = boost::json;
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
// The directory of Kota Ambon: its data are in data/demo/ambon/ (app/seed_data.hpp).

}  // namespace

// DESIGN.md service levels. A complaint follows the SP4N-LAPOR! clock in working days:
// forwarded within 3 and answered within 5 more; an information request answered within 3.
domain::sla_policy default_sla(urgency u) {
  constexpr std::int64_t day = 86400;
  domain::sla_policy p;
  switch (u) {
    case urgency::emergency:
      p.dispatch_within_s = 60;
      p.acknowledge_within_s = 120;
      p.on_scene_within_s = 900;
      break;
    case urgency::urgent:
      p.dispatch_within_s = 600;
      p.complete_within_s = day;
      break;
    case urgency::complaint:
      p.dispatch_within_days = 3;
      p.complete_within_days = 8;
      break;
    case urgency::information:
      p.complete_within_days = 3;
      break;
  }
  return p;
}

domain::category template_category(const category_spec& spec,
                                   const std::function<std::string(const std::string&)>& agency_id) {
  domain::category c;
  c.code = spec.code;
  c.name_id = spec.name_id;
  c.name_en = spec.name_en;
  c.urgency_class = spec.urgency_class;
  for (std::size_t i = 0; i < spec.run_card.size(); ++i) {
    c.run_card.push_back({agency_id(spec.run_card[i]), i == 0 ? domain::dispatch_role::primary : domain::dispatch_role::supporting});
  }
  c.sop = spec.sop;
  c.sla = default_sla(spec.urgency_class);
  // Events a resident can report on the public channels; an information request is a call.
  c.is_public = spec.urgency_class != domain::urgency::information;
  return c;
}

namespace {

std::vector<demo_login> demo_logins() {
  std::vector<demo_login> out;
  for (const auto& u : ambon().users) {
    out.push_back({std::string(u.username), std::string(demo_password), std::string(to_string(u.user_role)),
                   std::string(u.display_name)});
  }
  return out;
}

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

  // The approximate boundaries (areas.json), parsed here: a bad compiled-in file is a bug that
  // the seed tests catch.
  auto areas = json::parse(ambon_areas_json()).as_object();
  std::map<std::string, std::string, std::less<>> boundaries;
  for (const auto& d : areas.at("districts").as_array()) {
    boundaries[std::string(d.at("code").as_string())] = json::serialize(d.at("boundary"));
  }
  for (const auto& spec : ambon().districts) {
    tick();
    domain::district d;
    d.id = ctx.ids.next(clock.now());
    d.jurisdiction_id = j.id;
    d.code = spec.code;
    d.name = spec.name;
    d.center = domain::geo_point{spec.lat, spec.lon};
    d.boundary_geojson = boundaries.at(spec.code);
    d.boundary_approximate = true;
    if (auto w = tx.insert_district(d); !w) return w.error();
    auto de = services::record(tx, ctx, dir.system, domain::subject_kind::district, d.id, "district.created",
                               {{"code", d.code}, {"name", d.name}});
    if (!de) return de.error();
    dir.district_ids.emplace(d.code, d.id);
  }
  for (const auto& item : areas.at("villages").as_array()) {
    const auto& o = item.as_object();
    domain::village v;
    v.id = ctx.ids.next(clock.now());
    v.jurisdiction_id = j.id;
    v.district_id = lookup(dir.district_ids, o.at("district").as_string());
    v.code = o.at("code").as_string();
    v.name = o.at("name").as_string();
    v.center = domain::geo_point{o.at("lat").to_number<double>(), o.at("lon").to_number<double>()};
    v.boundary_geojson = json::serialize(o.at("boundary"));
    v.boundary_approximate = true;
    if (auto w = tx.insert_village(v); !w) return w.error();
    auto ve = services::record(tx, ctx, dir.system, domain::subject_kind::village, v.id, "village.created",
                               {{"code", v.code}, {"name", v.name}, {"district_id", v.district_id}});
    if (!ve) return ve.error();
  }

  for (const auto& spec : ambon().agencies) {
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

  for (const auto& spec : ambon().categories) {
    tick();
    auto c = template_category(spec, [&](const std::string& code) { return lookup(dir.agency_ids, code); });
    auto saved = services::save_category(tx, ctx, dir.system, std::move(c));
    if (!saved) return saved.error();
    dir.category_ids.emplace(saved->code, saved->id);
  }

  for (std::size_t i = 0; i < ambon().users.size(); ++i) {
    tick();
    const auto& spec = ambon().users[i];
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
                     const place_spec& p, std::string_view text, bool silent);
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
                                     std::string_view category, const place_spec& p, std::string_view text, bool silent) {
  services::new_report in;
  in.source = source;
  if (!silent) in.reporter_name = std::string(seq_.pick(ambon().first_names)) + " " + std::string(seq_.pick(ambon().last_names));
  in.reporter_phone = "+628" + std::string(seq_.pick(ambon().mobile_prefixes));
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
  const auto& p = ambon().place(s.place);
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

  const auto& cat = ambon().category(s.category);
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
    std::string note = std::string(i == 0 ? s.note : ambon().supporting_note(agency));
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
    last = std::max(last, progress(t_add, what, inc, agency, pc, stage, travels, std::string(ambon().supporting_note(agency))));
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
  for (std::size_t i = 0; i < ambon().users.size(); ++i) {
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
    const auto& all = ambon().stories;
    for (std::size_t i = 0; i < all.size(); ++i) h.plan(all[i], i);
    if (auto r = h.run(tx); !r) return r.error();
    // The gazetteer, so that "Gong Perdamaian" is found from the first call.
    auto places = services::parse_place_import(services::place_format::csv, ambon_places_csv(), "demo");
    if (!places) return places.error();
    if (auto r = services::import_places(tx, ctx, dir->system, *places); !r) return r.error();
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
