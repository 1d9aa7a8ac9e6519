#include "services/sla_service.hpp"

#include "services/access.hpp"
#include "services/events.hpp"
#include "services/stats_service.hpp"

#include "core/enum_names.hpp"

#include <boost/json.hpp>

#include <cstdio>
#include <functional>
#include <mutex>
#include <set>
#include <tuple>

namespace siaga::services {
namespace {

namespace json = boost::json;
using domain::sla_level;
using domain::sla_step;

// What an alert is about, in the words of the message.
std::string_view step_words(sla_step s) {
  switch (s) {
    case sla_step::dispatch:
      return "belum diteruskan ke instansi";
    case sla_step::acknowledge:
      return "belum dikonfirmasi instansi";
    case sla_step::on_scene:
      return "belum tiba di lokasi";
    case sla_step::complete:
      return "belum selesai";
    case sla_step::close:
      return "belum ditutup";
  }
  return "";
}

std::string_view level_words(sla_level l) {
  switch (l) {
    case sla_level::warning:
      return "PERINGATAN SLA";
    case sla_level::breach:
      return "SLA TERLAMPAUI";
    case sla_level::escalation:
      return "ESKALASI";
  }
  return "";
}

std::string_view event_kind_of(sla_level l) {
  switch (l) {
    case sla_level::warning:
      return "sla.warning";
    case sla_level::breach:
      return "sla.breached";
    case sla_level::escalation:
      return "sla.escalated";
  }
  return "";
}

// "18.45 WIT" in the jurisdiction's zone.
std::string local_clock(core::timestamp t, int offset_minutes) {
  auto local = std::chrono::floor<std::chrono::minutes>(t) + std::chrono::minutes(offset_minutes);
  auto minutes_of_day = (local.time_since_epoch().count() % 1440 + 1440) % 1440;
  std::string_view zone = offset_minutes == 420 ? "WIB" : offset_minutes == 480 ? "WITA" : offset_minutes == 540 ? "WIT" : "";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02d.%02d", static_cast<int>(minutes_of_day / 60), static_cast<int>(minutes_of_day % 60));
  std::string out = buf;
  if (!zone.empty()) out += " " + std::string(zone);
  return out;
}

// The stored clock an alert belongs to: incident, dispatch ('' for the incident's own) and step.
using clock_key = std::tuple<std::string, std::string, sla_step>;

struct candidate {
  domain::sla_alert alert;
  const domain::incident* inc = nullptr;
  const domain::dispatch* dispatch = nullptr;
};

// Every incident still being handled, oldest activity first, at most max.
core::result<std::vector<domain::incident>> active_incidents(storage::store_reader& rd, const std::string& j, int max) {
  std::vector<domain::incident> out;
  storage::incident_filter f;
  f.jurisdiction_id = j;
  f.statuses = {domain::incident_status::open, domain::incident_status::dispatched,
                domain::incident_status::in_progress, domain::incident_status::resolved};
  f.page.limit = 500;
  while (static_cast<int>(out.size()) < max) {
    SIAGA_TRY(page, rd.list_incidents(f));
    for (auto& i : page.items) out.push_back(std::move(i));
    if (static_cast<int>(page.items.size()) < f.page.limit) break;
    f.page.offset += f.page.limit;
  }
  return out;
}

// Enqueues one outbox row per active endpoint: the agency's (agency_id set) or the
// jurisdiction's alert endpoints (agency_id empty).
core::result<void> enqueue(storage::store_txn& tx, const context& ctx, const domain::sla_alert& a,
                           const std::string& agency_id, const std::vector<domain::agency_endpoint>& endpoints,
                           const json::object& body) {
  auto now = ctx.clock.now();
  for (std::size_t i = 0; i < endpoints.size(); ++i) {
    const auto& e = endpoints[i];
    if (!e.active) continue;
    domain::notification n;
    n.id = ctx.ids.next(now);
    n.jurisdiction_id = a.jurisdiction_id;
    n.agency_id = agency_id;
    if (!a.dispatch_id.empty()) n.dispatch_id = a.dispatch_id;
    n.incident_id = a.incident_id;
    n.endpoint_index = static_cast<int>(i);
    n.endpoint = e.kind;
    n.target = e.kind == domain::endpoint_kind::webhook ? e.url : e.chat_id;
    n.event_kind = std::string(event_kind_of(a.level));
    auto payload = body;
    payload["delivery_id"] = n.id;
    n.payload_json = json::serialize(payload);
    n.status = domain::notification_status::pending;
    n.next_attempt_at = now;
    n.created_at = now;
    n.updated_at = now;
    if (auto w = tx.insert_notification(n); !w) return w.error();
  }
  return {};
}

// Records and tells one new alert.
core::result<void> announce(storage::store_txn& tx, const context& ctx, const domain::jurisdiction& jur,
                            const candidate& c, int offset_minutes) {
  const auto& a = c.alert;
  std::optional<domain::agency> agency;
  if (!a.agency_id.empty()) {
    SIAGA_TRY(found, tx.find_agency(a.jurisdiction_id, a.agency_id));
    agency = std::move(found);
  }
  SIAGA_TRY(cat, tx.find_category(a.jurisdiction_id, a.category_id));
  std::string who = agency ? agency->code : "Pusat 112";
  std::string text = "[" + std::string(level_words(a.level)) + "] " + c.inc->number;
  if (cat) text += " " + cat->name_id;
  if (a.level == sla_level::escalation) {
    text += ": " + who + " menolak penugasan dan belum ada instansi pengganti.";
  } else {
    text += ": " + who + " " + std::string(step_words(a.step)) + "; batas " + local_clock(a.due_at, offset_minutes) + ".";
  }
  json::object alert{{"id", a.id},
                     {"level", domain::to_string(a.level)},
                     {"step", domain::to_string(a.step)},
                     {"incident_id", a.incident_id},
                     {"incident_number", c.inc->number},
                     {"dispatch_id", a.dispatch_id.empty() ? json::value(nullptr) : json::value(a.dispatch_id)},
                     {"agency_id", a.agency_id.empty() ? json::value(nullptr) : json::value(a.agency_id)},
                     {"category_id", a.category_id},
                     {"due_at", core::format_utc(a.due_at)},
                     {"raised_at", core::format_utc(a.raised_at)}};
  auto subject = a.dispatch_id.empty() ? domain::subject_kind::incident : domain::subject_kind::dispatch;
  const auto& subject_id = a.dispatch_id.empty() ? a.incident_id : a.dispatch_id;
  auto ev = record(tx, ctx, system_actor(a.jurisdiction_id), subject, subject_id, std::string(event_kind_of(a.level)),
                   alert, a.incident_id, a.agency_id.empty() ? std::nullopt : std::optional<std::string>(a.agency_id));
  if (!ev) return ev.error();
  json::object body{{"event", event_kind_of(a.level)}, {"jurisdiction", jur.code}, {"alert", alert}, {"text", text}};
  if (agency && a.level != sla_level::escalation) {
    if (auto r = enqueue(tx, ctx, a, agency->id, agency->endpoints, body); !r) return r;
  }
  return enqueue(tx, ctx, a, "", jur.alert_endpoints, body);
}

}  // namespace

core::result<std::shared_ptr<const clock_board::settings>> clock_board::read_settings(
    storage::store_reader& rd, const std::string& jurisdiction_id) {
  SIAGA_TRY(jur, rd.find_jurisdiction(jurisdiction_id));
  if (!jur) return core::not_found("jurisdiction " + jurisdiction_id + " not found");
  SIAGA_TRY(categories, rd.list_categories(jurisdiction_id));
  auto out = std::make_shared<settings>();
  out->calendar = domain::calendar_of(*jur);
  for (const auto& c : categories) out->limits[c.id] = c.sla;
  return std::shared_ptr<const settings>(std::move(out));
}

core::result<clock_board> clock_board::load(storage::store_reader& rd, const std::string& jurisdiction_id,
                                            core::timestamp now) {
  SIAGA_TRY(read, read_settings(rd, jurisdiction_id));
  clock_board b;
  b.jurisdiction_id_ = jurisdiction_id;
  b.settings_ = std::move(read);
  b.now_ = now;
  return b;
}

namespace {

// The process's clock board settings per jurisdiction, with the directory version they were read at.
struct settings_cache {
  std::mutex mutex;
  std::map<std::string, std::pair<std::int64_t, std::shared_ptr<const clock_board::settings>>, std::less<>> entries;
};

settings_cache& shared_settings() {
  static settings_cache cache;
  return cache;
}

}  // namespace

core::result<clock_board> clock_board::load_cached(storage::store_reader& rd, const std::string& jurisdiction_id,
                                                   core::timestamp now) {
  // The version is read before the settings: what is kept is never older than its version.
  SIAGA_TRY(version, rd.directory_version(jurisdiction_id));
  auto& cache = shared_settings();
  clock_board b;
  b.jurisdiction_id_ = jurisdiction_id;
  b.now_ = now;
  {
    std::lock_guard lock(cache.mutex);
    auto it = cache.entries.find(jurisdiction_id);
    if (it != cache.entries.end() && it->second.first == version) b.settings_ = it->second.second;
  }
  if (!b.settings_) {
    // Read outside the lock: two threads may both read after a change, which is harmless.
    SIAGA_TRY(read, read_settings(rd, jurisdiction_id));
    b.settings_ = read;
    std::lock_guard lock(cache.mutex);
    cache.entries[jurisdiction_id] = {version, std::move(read)};
  }
  return b;
}

std::vector<domain::sla_clock> clock_board::of_incident(const domain::incident& i) const {
  category_of_incident_.try_emplace(i.id, i.category_id);
  auto it = settings_->limits.find(i.category_id);
  if (it == settings_->limits.end()) return {};
  return domain::incident_clocks(i, it->second, settings_->calendar, now_);
}

core::result<std::vector<domain::sla_clock>> clock_board::of_dispatch(storage::store_reader& rd,
                                                                      const domain::dispatch& d) {
  auto known = category_of_incident_.find(d.incident_id);
  if (known == category_of_incident_.end()) {
    SIAGA_TRY(inc, rd.find_incident(jurisdiction_id_, d.incident_id));
    known = category_of_incident_.emplace(d.incident_id, inc ? inc->category_id : std::string()).first;
  }
  auto it = settings_->limits.find(known->second);
  if (it == settings_->limits.end()) return std::vector<domain::sla_clock>{};
  return domain::dispatch_clocks(d, it->second, settings_->calendar, now_);
}

namespace {

bool is_active(domain::incident_status s) {
  return s == domain::incident_status::open || s == domain::incident_status::dispatched ||
         s == domain::incident_status::in_progress || s == domain::incident_status::resolved;
}

// The clocks of some incidents as of the board's now: what runs (each clock's key and level,
// a warning staying beside its breach) and the alerts to raise for them, but those already_open
// says are. The candidates point into incidents and dispatches, which must not move after.
struct clock_evaluation {
  std::vector<domain::incident> incidents;
  std::vector<std::vector<domain::dispatch>> dispatches;
  std::vector<candidate> fresh;
  std::set<std::pair<clock_key, sla_level>> running;
};

core::result<void> evaluate_clocks(storage::store_reader& rd, clock_board& board, const std::string& jurisdiction_id,
                                   core::timestamp now,
                                   const std::function<bool(const std::pair<clock_key, sla_level>&)>& already_open,
                                   clock_evaluation& ev) {
  ev.dispatches.assign(ev.incidents.size(), {});
  auto consider = [&](const domain::incident& inc, const domain::dispatch* d, const domain::sla_clock& c) {
    if (c.state != domain::clock_state::due_soon && c.state != domain::clock_state::breached) return;
    auto level = c.state == domain::clock_state::breached ? sla_level::breach : sla_level::warning;
    clock_key key{inc.id, d ? d->id : std::string(), c.step};
    // A warning stays open beside its breach until the step comes.
    if (level == sla_level::breach) ev.running.insert({key, sla_level::warning});
    ev.running.insert({key, level});
    if (already_open({key, level})) return;
    candidate cand;
    cand.alert.jurisdiction_id = jurisdiction_id;
    cand.alert.incident_id = inc.id;
    cand.alert.dispatch_id = d ? d->id : std::string();
    cand.alert.agency_id = d ? d->agency_id : std::string();
    cand.alert.category_id = inc.category_id;
    cand.alert.step = c.step;
    cand.alert.level = level;
    cand.alert.due_at = c.due_at;
    cand.alert.raised_at = now;
    cand.inc = &inc;
    cand.dispatch = d;
    ev.fresh.push_back(std::move(cand));
  };
  for (std::size_t k = 0; k < ev.incidents.size(); ++k) {
    const auto& inc = ev.incidents[k];
    for (const auto& c : board.of_incident(inc)) consider(inc, nullptr, c);
    SIAGA_TRY(ds, rd.dispatches_of_incident(inc.id));
    ev.dispatches[k] = std::move(ds);
    for (const auto& d : ev.dispatches[k]) {
      SIAGA_TRY(clocks, board.of_dispatch(rd, d));
      for (const auto& c : clocks) consider(inc, &d, c);
      if (domain::needs_escalation(d, inc, ev.dispatches[k])) {
        clock_key key{inc.id, d.id, sla_step::acknowledge};
        ev.running.insert({key, sla_level::escalation});
        if (already_open({key, sla_level::escalation})) continue;
        candidate cand;
        cand.alert = {{}, jurisdiction_id, inc.id, d.id, d.agency_id, inc.category_id, sla_step::acknowledge,
                      sla_level::escalation, d.declined_at.value_or(now), now, std::nullopt};
        cand.inc = &inc;
        cand.dispatch = &d;
        ev.fresh.push_back(std::move(cand));
      }
    }
  }
  return {};
}

}  // namespace

core::result<sla_plan> plan_service_levels(storage::store_reader& rd, core::timestamp now,
                                           const std::string& jurisdiction_id, int max_incidents) {
  SIAGA_TRY(board, clock_board::load(rd, jurisdiction_id, now));
  clock_evaluation ev;
  SIAGA_TRY(incidents, active_incidents(rd, jurisdiction_id, max_incidents));
  ev.incidents = std::move(incidents);

  // The alerts still open: what must not be raised again, and what may now be resolved.
  std::map<std::pair<clock_key, sla_level>, domain::sla_alert> open;
  {
    storage::sla_alert_filter f;
    f.jurisdiction_id = jurisdiction_id;
    f.open_only = true;
    f.page.limit = 500;
    for (;;) {
      SIAGA_TRY(page, rd.list_sla_alerts(f));
      for (auto& a : page.items) open[{{a.incident_id, a.dispatch_id, a.step}, a.level}] = std::move(a);
      if (static_cast<int>(page.items.size()) < f.page.limit) break;
      f.page.offset += f.page.limit;
    }
  }
  SIAGA_CHECK(evaluate_clocks(rd, board, jurisdiction_id, now, [&](const auto& key) { return open.contains(key); }, ev));

  sla_plan plan;
  std::set<std::string> ids;
  for (const auto& c : ev.fresh) ids.insert(c.alert.incident_id);
  // With the scan cut at max_incidents, an alert of an incident not looked at stays as it is.
  bool complete_scan = static_cast<int>(ev.incidents.size()) < max_incidents;
  std::set<std::string, std::less<>> scanned;
  for (const auto& inc : ev.incidents) scanned.insert(inc.id);
  for (auto& [key, a] : open) {
    if (ev.running.contains(key)) continue;
    if (!complete_scan && !scanned.contains(a.incident_id)) continue;
    ids.insert(a.incident_id);
    plan.to_resolve.push_back(std::move(a));
  }
  plan.incident_ids.assign(ids.begin(), ids.end());
  return plan;
}

core::result<sla_check_result> apply_service_levels(storage::store_txn& tx, const context& ctx,
                                                    const std::string& jurisdiction_id, const sla_plan& plan) {
  sla_check_result out;
  if (plan.empty()) return out;
  SIAGA_TRY(jur, tx.find_jurisdiction(jurisdiction_id));
  if (!jur) return core::not_found("jurisdiction " + jurisdiction_id + " not found");
  auto offset = core::zone_offset_minutes(jur->timezone);
  if (!offset) return offset.error();
  auto now = ctx.clock.now();
  SIAGA_TRY(board, clock_board::load(tx, jurisdiction_id, now));
  // The plan's incidents as they are now: the look was on a reader, a moment ago.
  clock_evaluation ev;
  for (const auto& id : plan.incident_ids) {
    SIAGA_TRY(inc, tx.find_incident(jurisdiction_id, id));
    if (inc && is_active(inc->status)) ev.incidents.push_back(std::move(*inc));
  }
  // Open alerts are not read here: raising one that is already open does nothing (the store's
  // unique key), so the writer's cost follows the plan, not the alerts.
  SIAGA_CHECK(evaluate_clocks(tx, board, jurisdiction_id, now, [](const auto&) { return false; }, ev));
  for (auto& c : ev.fresh) {
    c.alert.id = ctx.ids.next(now);
    SIAGA_TRY(inserted, tx.insert_sla_alert(c.alert));
    if (!inserted) continue;  // open already, or another node raised it first
    if (auto r = announce(tx, ctx, *jur, c, *offset); !r) return r.error();
    ++out.raised;
  }
  for (const auto& a : plan.to_resolve) {
    if (ev.running.contains({{a.incident_id, a.dispatch_id, a.step}, a.level})) continue;  // runs again
    auto r = tx.resolve_sla_alert(jurisdiction_id, a.id, now);
    if (!r && r.error().code == core::errc::not_found) continue;  // resolved meanwhile
    if (!r) return r.error();
    ++out.resolved;
  }
  return out;
}

core::result<sla_check_result> check_service_levels(storage::store_txn& tx, const context& ctx,
                                                    const std::string& jurisdiction_id, int max_incidents) {
  SIAGA_TRY(plan, plan_service_levels(tx, ctx.clock.now(), jurisdiction_id, max_incidents));
  return apply_service_levels(tx, ctx, jurisdiction_id, plan);
}

namespace {
constexpr auto sla_dim_names = core::make_enum_names<sla_dim>("grouping", {"level", "step", "agency", "category"});
}  // namespace

std::string_view to_string(sla_dim d) { return sla_dim_names.name(d); }

core::result<sla_stats_request> parse_sla_stats_request(const std::optional<std::string>& from,
                                                        const std::optional<std::string>& to,
                                                        const std::optional<std::string>& group,
                                                        domain::local_date today) {
  // The dates follow the other statistics (one parser); the grouping is this one's own.
  SIAGA_TRY(dates, parse_stats_request(stats_subject::incidents, from, to, std::nullopt, today));
  sla_stats_request out;
  out.from = dates.from;
  out.to = dates.to;
  std::string_view text = group ? std::string_view(*group) : std::string_view();
  while (!text.empty()) {
    auto comma = text.find(',');
    auto name = text.substr(0, comma);
    if (auto g = domain::parse_time_grain(name)) {
      if (out.grain) return core::invalid("group: only one of hour, day, week, month, year");
      if (*g == domain::time_grain::hour) return core::invalid("group: SLA alerts are counted per day, not per hour");
      out.grain = *g;
    } else {
      auto d = sla_dim_names.parse(name);
      if (!d) {
        return core::invalid("group: unknown grouping '" + std::string(name) +
                             "'; use day, week, month, year, level, step, agency, category");
      }
      if (std::find(out.dims.begin(), out.dims.end(), *d) != out.dims.end()) {
        return core::invalid("group: '" + std::string(name) + "' given twice");
      }
      out.dims.push_back(*d);
    }
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return out;
}

core::result<std::vector<sla_stats_row>> sla_stats(storage::store_reader& rd, const actor& who,
                                                   const sla_stats_request& req) {
  SIAGA_TRY(jur, rd.find_jurisdiction(who.jurisdiction_id));
  if (!jur) return core::not_found("jurisdiction " + who.jurisdiction_id + " not found");
  SIAGA_TRY(offset, core::zone_offset_minutes(jur->timezone));
  auto from = domain::start_of_day(req.from, offset);
  auto to = domain::start_of_day(req.to + std::chrono::days(1), offset);
  SIAGA_TRY(counts, rd.count_sla_alerts(who.jurisdiction_id, from, to, offset));
  std::map<std::pair<std::string, std::vector<std::string>>, std::int64_t> grouped;
  for (const auto& n : counts) {
    if (who.role == domain::role::agency_operator && n.agency_id != who.agency_id.value_or("-")) continue;
    std::string period;
    if (req.grain) {
      auto day = domain::local_date(std::chrono::days(n.local_day));
      period = domain::period_label(domain::start_of_day(day, offset), offset, *req.grain);
    }
    std::vector<std::string> dims;
    for (auto d : req.dims) {
      switch (d) {
        case sla_dim::level:
          dims.emplace_back(domain::to_string(n.level));
          break;
        case sla_dim::step:
          dims.emplace_back(domain::to_string(n.step));
          break;
        case sla_dim::agency:
          dims.push_back(n.agency_id);
          break;
        case sla_dim::category:
          dims.push_back(n.category_id);
          break;
      }
    }
    grouped[{period, dims}] += n.n;
  }
  std::vector<sla_stats_row> out;
  for (auto& [key, n] : grouped) out.push_back({key.first, key.second, n});
  return out;
}

core::result<storage::page<domain::sla_alert>> list_sla_alerts_for(storage::store_reader& rd, const actor& who,
                                                                   storage::sla_alert_filter filter) {
  filter.jurisdiction_id = who.jurisdiction_id;
  if (who.role == domain::role::agency_operator) filter.agency_id = who.agency_id.value_or(std::string("-"));
  return rd.list_sla_alerts(filter);
}

}  // namespace siaga::services
