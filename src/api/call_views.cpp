#include "api/call_views.hpp"

#include "api/inputs.hpp"

#include "domain/phone.hpp"

#include <boost/json/array.hpp>

namespace siaga::api {
using namespace std::chrono_literals;

json::value opt_text(const std::optional<std::string>& s) {
  return s ? json::value(json::string(*s)) : nullptr;
}

json::value seconds_of(std::optional<std::chrono::milliseconds> d) {
  if (!d) return nullptr;
  return static_cast<double>(d->count()) / 1000.0;
}

std::string_view call_phase(const domain::call_state& s) {
  if (s.ended_at) return "ended";
  if (s.answered_at) return "talking";
  if (s.queued_at) return "queued";
  return "ringing";
}

namespace {
// A number as a view shows it: in full when shown, else masked (domain::mask_phone).
std::string number_as_shown(const std::string& number, bool shown) {
  return shown ? number : domain::mask_phone(number);
}
}  // namespace

json::object call_view_json(const domain::call_record& c, core::timestamp now) {
  return call_json(c, domain::caller_number_live(c, now));
}

json::object call_json(const domain::call_record& c, bool caller_shown) {
  const auto& s = c.state;
  json::value location = nullptr;
  if (c.location) {
    location = json::object{{"lat", c.location->lat},
                            {"lon", c.location->lon},
                            {"radius_m", c.location->radius_m ? json::value(*c.location->radius_m) : nullptr},
                            {"at", time_json(c.location->at)},
                            {"method", c.location->method},
                            {"format", c.location->format}};
  }
  return {
      {"id", c.id},
      {"external_id", c.external_id},
      {"caller", number_as_shown(s.caller, caller_shown)},
      {"caller_masked", !caller_shown && !s.caller.empty()},
      {"line", s.line},
      {"phase", call_phase(s)},
      {"ring_at", time_json(s.ring_at)},
      {"queued_at", time_json(s.queued_at)},
      {"answered_at", time_json(s.answered_at)},
      {"ended_at", time_json(s.ended_at)},
      {"wait_s", seconds_of(s.wait())},
      {"talk_s", seconds_of(s.talk())},
      {"answered_by", s.answered_by},
      {"agent", s.agent},
      {"transfers", s.transfers},
      {"end_reason", opt_name(s.reason)},
      {"outcome", opt_name(s.outcome)},
      {"digits", s.digits},
      {"silent_caller", s.silent_caller},
      {"silent", s.silent},
      {"classification", opt_name(c.classification)},
      {"classification_source", opt_name(c.classified_source)},
      {"classified_by", c.classified_by.empty() ? json::value(nullptr) : json::value(json::string(c.classified_by))},
      {"classified_at", time_json(c.classified_at)},
      {"note", c.note},
      {"report_id", opt_text(c.report_id)},
      {"location", std::move(location)},
      {"created_at", time_json(c.created_at)},
      {"updated_at", time_json(c.updated_at)}};
}

json::object decision_json(const std::string& number, const domain::caller_decision& d, bool number_shown) {
  return {{"number", number_as_shown(number, number_shown)},   {"decision", to_string(d.kind)}, {"reason_code", d.reason_code},
          {"reason", d.reason}, {"until", time_json(d.until)},   {"recent_strikes", d.recent_strikes}};
}

json::object caller_view_json(const services::caller_view& v, bool number_shown) {
  const auto& h = v.history;
  return {{"number", number_as_shown(v.number, number_shown)},
          {"number_masked", !number_shown && !v.number.empty()},
          {"decision", decision_json(v.number, v.decision, number_shown)},
          {"history", json::object{{"calls", h.calls},
                                   {"answered", h.answered},
                                   {"abandoned", h.abandoned},
                                   {"missed", h.missed},
                                   {"valid", h.valid},
                                   {"prank", h.prank},
                                   {"ghost", h.ghost},
                                   {"information", h.information},
                                   {"misdirected", h.misdirected},
                                   {"test", h.test},
                                   {"first_call_at", time_json(h.first_call_at)},
                                   {"last_call_at", time_json(h.last_call_at)}}},
          {"flags", json::object{{"flagged_at", time_json(v.flags.flagged_at)},
                                 {"blocked_until", time_json(v.flags.blocked_until)},
                                 {"strikes_since", time_json(v.flags.strikes_since)}}}};
}

json::object callback_json(const domain::callback_task& t, core::timestamp now) {
  auto overdue = now > t.due_at && (t.status == domain::callback_status::open)
                     ? json::value(std::chrono::duration<double>(now - t.due_at).count())
                     : json::value(nullptr);
  const bool shown = domain::callback_number_live(t);
  return {{"id", t.id},
          {"call_id", t.call_id},
          {"caller", number_as_shown(t.caller, shown)},
          {"caller_masked", !shown && !t.caller.empty()},
          {"status", to_string(t.status)},
          {"due_at", time_json(t.due_at)},
          {"age_s", std::chrono::duration<double>(now - t.created_at).count()},
          {"overdue_s", std::move(overdue)},
          {"attempts", t.attempts},
          {"max_attempts", domain::callback_max_attempts},
          {"assigned_to", opt_text(t.assigned_to)},
          {"last_result", opt_name(t.last_result)},
          {"note", t.note},
          {"report_id", opt_text(t.report_id)},
          {"superseded_by", opt_text(t.superseded_by)},
          {"merged_into", opt_text(t.merged_into)},
          {"calls", t.calls},
          {"last_call_at", time_json(t.last_call_at)},
          {"dialed_call", t.dialed_call},
          {"dialed_at", time_json(t.dialed_at)},
          {"created_at", time_json(t.created_at)},
          {"updated_at", time_json(t.updated_at)},
          {"closed_at", time_json(t.closed_at)}};
}

json::object location_record_json(const domain::location_record& r) {
  json::value fix = nullptr;
  if (r.fix) {
    const auto& f = *r.fix;
    fix = json::object{{"lat", f.lat},
                       {"lon", f.lon},
                       {"radius_m", f.radius_m ? json::value(*f.radius_m) : nullptr},
                       {"fix_time", time_json(f.fix_time)},
                       {"method", to_string(f.method)},
                       {"confidence", f.confidence ? json::value(*f.confidence) : nullptr},
                       {"altitude_m", f.altitude_m ? json::value(*f.altitude_m) : nullptr},
                       {"emergency_number", f.emergency_number},
                       {"network", f.network},
                       {"language", f.language}};
  }
  return {{"id", r.id},
          {"call_id", opt_text(r.call_id)},
          {"number", domain::mask_phone(r.number)},
          {"accepted", r.accepted},
          {"rejection", r.accepted ? json::value(nullptr) : json::value(json::string(r.rejection))},
          {"format", r.format},
          {"fix", std::move(fix)},
          {"received_at", time_json(r.received_at)}};
}

json::object api_key_json(const domain::api_key& k) {
  return {{"id", k.id},
          {"name", k.name},
          {"prefix", k.prefix},
          {"created_by", k.created_by},
          {"created_at", time_json(k.created_at)},
          {"revoked_at", time_json(k.revoked_at)}};
}

json::object bucket_json(const services::call_stats_bucket& b) {
  json::object classes;
  for (const auto& [k, v] : b.by_classification) classes[k] = v;
  json::object within;
  json::object share;
  for (int target : services::answer_targets_s) {
    auto key = std::to_string(target) + "s";
    auto it = b.answered_within.find(target);
    within[key] = it == b.answered_within.end() ? 0 : it->second;
    auto s = b.share_within.find(target);
    share[key] = s == b.share_within.end() || !s->second ? json::value(nullptr) : json::value(*s->second);
  }
  auto opt = [](std::optional<double> v) { return v ? json::value(*v) : json::value(nullptr); };
  return {{"key", b.key},
          {"total", b.total},
          {"answered", b.answered},
          {"abandoned", b.abandoned},
          {"missed", b.missed},
          {"live", b.live},
          {"by_classification", std::move(classes)},
          {"answer_time_s",
           json::object{{"p50", opt(b.answer_p50_s)}, {"p90", opt(b.answer_p90_s)}, {"p95", opt(b.answer_p95_s)}}},
          {"answered_within", std::move(within)},
          {"share_answered_within", std::move(share)},
          {"follow_ups", b.follow_ups}};
}

core::result<actor> integration_of(const call& c) {
  auto key = services::authenticate_api_key(c.deps.store.reader(), api_key_of(c.req()));
  if (!key) return key.error();
  return services::integration_actor(*key);
}

core::result<std::string> number_param(std::string_view text) {
  auto n = domain::normalize_phone(text);
  if (!n) return n.error();
  return std::move(*n);
}

// The report a valid call or a reached callback creates: {"description", "category_id", ...}.
core::result<services::new_report> report_of(const json::object& body) {
  services::new_report r;
  auto it = body.find("report");
  if (it == body.end() || it->value().is_null()) return r;
  if (!it->value().is_object()) return core::invalid("field 'report' must be an object");
  const auto& o = it->value().as_object();
  if (auto ok = only_fields(o, {"description", "category_id", "location", "address", "district_id", "reporter_name"});
      !ok) {
    return core::invalid("report: " + ok.error().message);
  }
  auto desc = opt_string(o, "description");
  if (!desc) return desc.error();
  auto cat = opt_string(o, "category_id", 64);
  if (!cat) return cat.error();
  auto loc = location_of(o);
  if (!loc) return loc.error();
  auto addr = opt_string(o, "address", 500);
  if (!addr) return addr.error();
  auto district = opt_string(o, "district_id", 64);
  if (!district) return district.error();
  auto name = opt_string(o, "reporter_name", 200);
  if (!name) return name.error();
  r.description = desc->value_or("");
  r.category_id = *cat;
  r.location = *loc;
  r.address = addr->value_or("");
  r.district_id = *district;
  r.reporter_name = name->value_or("");
  return r;
}

core::result<bool> flag_param(const std::map<std::string, std::string, std::less<>>& q, std::string_view key) {
  auto it = q.find(key);
  if (it == q.end()) return false;
  if (it->second == "true" || it->second == "1") return true;
  if (it->second == "false" || it->second == "0") return false;
  return core::invalid(std::string(key) + " must be true or false");
}

}  // namespace siaga::api
