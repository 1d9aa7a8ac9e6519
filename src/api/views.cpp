#include "api/views.hpp"

#include "api/http_util.hpp"
#include "services/sla_service.hpp"
#include "domain/lifecycle.hpp"
#include "domain/phone.hpp"

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>

namespace siaga::api {
namespace {
json::value point(const std::optional<domain::geo_point>& p) {
  if (!p) return nullptr;
  return json::object{{"lat", p->lat}, {"lon", p->lon}};
}
json::value opt(const std::optional<std::string>& s) {
  if (!s) return nullptr;
  return json::string(*s);
}
}  // namespace

json::object report_json(const domain::report& r, bool can_reveal) {
  // Masked for everyone (UU PDP): the full contact comes only from the audited reveal
  // (POST /api/v1/reports/{id}/contact), so that every reading of it is an event.
  json::object reporter{
      {"name", nullptr},
      {"phone", r.reporter_phone.empty() ? json::value(nullptr) : json::value(domain::mask_phone(r.reporter_phone))},
      {"has_name", !r.reporter_name.empty()},
      {"masked", true},
      {"can_reveal", can_reveal && (!r.reporter_name.empty() || !r.reporter_phone.empty())}};
  return {{"id", r.id},
          {"tracking_code", r.tracking_code},
          {"channel", to_string(r.source)},
          {"status", to_string(r.status)},
          {"reporter", std::move(reporter)},
          {"description", r.description},
          {"category_id", opt(r.category_id)},
          {"location", point(r.location)},
          {"address", r.address},
          {"district_id", opt(r.district_id)},
          {"village_id", opt(r.village_id)},
          {"incident_id", opt(r.incident_id)},
          {"reject_reason", r.rejection ? json::value(json::string(to_string(*r.rejection))) : json::value(nullptr)},
          {"resolution_note", r.resolution_note},
          {"created_by", r.created_by},
          {"created_at", time_json(r.created_at)},
          {"updated_at", time_json(r.updated_at)}};
}

json::object incident_json(const domain::incident& i) {
  return {{"id", i.id},
          {"number", i.number},
          {"category_id", i.category_id},
          {"urgency", to_string(i.urgency_class)},
          {"status", to_string(i.status)},
          {"summary", i.summary},
          {"description", i.description},
          {"location", point(i.location)},
          {"address", i.address},
          {"district_id", opt(i.district_id)},
          {"village_id", opt(i.village_id)},
          {"created_by", i.created_by},
          {"created_at", time_json(i.created_at)},
          {"updated_at", time_json(i.updated_at)},
          {"first_dispatched_at", time_json(i.first_dispatched_at)},
          {"resolved_at", time_json(i.resolved_at)},
          {"closed_at", time_json(i.closed_at)}};
}

json::object dispatch_json(const domain::dispatch& d) {
  return {{"id", d.id},
          {"incident_id", d.incident_id},
          {"agency_id", d.agency_id},
          {"role", to_string(d.role)},
          {"status", to_string(d.status)},
          {"share_contact", d.share_contact},
          {"note", d.note},
          {"public_note", d.public_note},
          {"decline_reason", d.decline_reason},
          {"notified_at", time_json(d.notified_at)},
          {"acknowledged_at", time_json(d.acknowledged_at)},
          {"en_route_at", time_json(d.en_route_at)},
          {"on_scene_at", time_json(d.on_scene_at)},
          {"completed_at", time_json(d.completed_at)},
          {"declined_at", time_json(d.declined_at)},
          {"cancelled_at", time_json(d.cancelled_at)},
          {"updated_at", time_json(d.updated_at)}};
}

json::object media_json(const domain::media& m) {
  return {{"id", m.id},
          {"incident_id", m.incident_id.empty() ? json::value(nullptr) : json::value(m.incident_id)},
          {"dispatch_id", opt(m.dispatch_id)},
          {"report_id", opt(m.report_id)},
          {"public", m.is_public},
          {"content_type", m.content_type},
          {"size", m.size},
          {"sha256", m.sha256},
          {"uploaded_by", m.uploaded_by},
          {"created_at", time_json(m.created_at)},
          // An erased photo (retention, issue 12) keeps its record but has nothing to show.
          {"erased_at", time_json(m.erased_at)},
          {"erased_note", m.erased_at ? json::value("foto dihapus (retensi)") : json::value(nullptr)},
          {"url", m.erased_at ? json::value(nullptr) : json::value("/api/v1/media/" + m.id)}};
}

json::object event_json(const domain::event& e) {
  boost::system::error_code ec;
  auto payload = json::parse(e.payload_json, ec);
  if (ec) payload = json::object{};
  return {{"seq", e.seq},
          {"id", e.id},
          {"kind", e.kind},
          {"subject", to_string(e.subject)},
          {"subject_id", e.subject_id},
          {"incident_id", opt(e.incident_id)},
          {"agency_id", opt(e.agency_id)},
          {"actor_id", e.actor_id},
          {"at", time_json(e.at)},
          {"payload", std::move(payload)},
          {"hash", e.hash}};
}

json::object masked_event_json(const domain::event& e) {
  auto out = event_json(e);
  if (e.subject == domain::subject_kind::caller && !e.subject_id.empty()) {
    out["subject_id"] = domain::mask_phone(e.subject_id);
  }
  auto& payload = out["payload"].as_object();
  if (auto* number = payload.if_contains("number"); number && number->is_string() && !number->as_string().empty()) {
    *number = domain::mask_phone(number->as_string());
  }
  out["number_masked"] = true;
  return out;
}

json::object agency_json(const domain::agency& a) {
  return {{"id", a.id},       {"code", a.code},    {"name", a.name}, {"kind", to_string(a.kind)},
          {"phone", a.phone}, {"active", a.active}};
}

json::array endpoints_json(const std::vector<domain::agency_endpoint>& endpoints) {
  json::array out;
  for (const auto& e : endpoints) {
    out.push_back(json::object{{"kind", to_string(e.kind)},
                               {"url", e.url},
                               {"chat_id", e.chat_id},
                               {"active", e.active},
                               {"has_secret", !e.secret.empty()}});
  }
  return out;
}

core::result<std::vector<domain::agency_endpoint>> endpoints_from_json(const json::value& v) {
  if (!v.is_array()) return core::invalid("field 'endpoints' must be an array of {kind, url, secret, chat_id, active}");
  std::vector<domain::agency_endpoint> out;
  for (std::size_t i = 0; i < v.as_array().size(); ++i) {
    const auto& item = v.as_array()[i];
    auto where = [i](const core::error& e) {
      return core::invalid("endpoints[" + std::to_string(i) + "]: " + e.message);
    };
    if (!item.is_object()) return core::invalid("endpoints[" + std::to_string(i) + "] must be an object");
    const auto& o = item.as_object();
    if (auto r = only_fields(o, {"kind", "url", "secret", "chat_id", "active"}); !r) return where(r.error());
    domain::agency_endpoint e;
    auto kind = required_string(o, "kind", 16);
    if (!kind) return where(kind.error());
    auto parsed = domain::parse_endpoint_kind(*kind);
    if (!parsed) return where(parsed.error());
    e.kind = *parsed;
    auto url = opt_string(o, "url", 2000);
    if (!url) return where(url.error());
    e.url = url->value_or("");
    auto secret = opt_string(o, "secret", 256);
    if (!secret) return where(secret.error());
    e.secret = secret->value_or("");
    auto chat = opt_string(o, "chat_id", 64);
    if (!chat) return where(chat.error());
    e.chat_id = chat->value_or("");
    auto active = opt_bool(o, "active");
    if (!active) return where(active.error());
    e.active = active->value_or(true);
    out.push_back(std::move(e));
  }
  return out;
}

json::object category_json(const domain::category& c) {
  json::array card;
  for (const auto& e : c.run_card)
    card.push_back(json::object{{"agency_id", e.agency_id}, {"role", to_string(e.role)}});
  json::array sop;
  for (const auto& s : c.sop) sop.push_back(json::string(s));
  return {{"id", c.id},
          {"code", c.code},
          {"name_id", c.name_id},
          {"name_en", c.name_en},
          {"urgency", to_string(c.urgency_class)},
          {"public", c.is_public},
          {"run_card", std::move(card)},
          {"sop", std::move(sop)},
          {"sla", json::object{{"dispatch_within_s", c.sla.dispatch_within_s},
                               {"acknowledge_within_s", c.sla.acknowledge_within_s},
                               {"on_scene_within_s", c.sla.on_scene_within_s},
                               {"complete_within_s", c.sla.complete_within_s},
                               {"close_within_s", c.sla.close_within_s},
                               {"dispatch_within_days", c.sla.dispatch_within_days},
                               {"acknowledge_within_days", c.sla.acknowledge_within_days},
                               {"on_scene_within_days", c.sla.on_scene_within_days},
                               {"complete_within_days", c.sla.complete_within_days},
                               {"close_within_days", c.sla.close_within_days}}},
          {"active", c.active}};
}

namespace {
// A stored boundary as JSON: the geometry itself (a Feature's geometry), or null when there is
// none or it cannot be read.
json::value boundary_json(const std::string& text) {
  if (text.empty()) return nullptr;
  boost::system::error_code ec;
  auto v = json::parse(text, ec);
  if (ec || !v.is_object()) return nullptr;
  if (auto* g = v.as_object().if_contains("geometry"); g && v.as_object().if_contains("type") &&
                                                        v.as_object().at("type") == "Feature") {
    return *g;
  }
  return v;
}
}  // namespace

json::object district_json(const domain::district& d) {
  return {{"id", d.id},
          {"code", d.code},
          {"name", d.name},
          {"center", point(d.center)},
          {"boundary", boundary_json(d.boundary_geojson)},
          {"boundary_approximate", d.boundary_approximate}};
}

json::object village_json(const domain::village& v) {
  return {{"id", v.id},
          {"district_id", v.district_id},
          {"code", v.code},
          {"name", v.name},
          {"center", point(v.center)},
          {"boundary", boundary_json(v.boundary_geojson)},
          {"boundary_approximate", v.boundary_approximate}};
}

json::object user_json(const domain::user& u) {
  return {{"id", u.id},
          {"username", u.username},
          {"display_name", u.display_name},
          {"role", to_string(u.user_role)},
          {"agency_id", opt(u.agency_id)},
          {"active", u.active},
          {"pbx_agent", u.pbx_agent},
          {"must_change_password", u.must_change_password},
          {"created_at", time_json(u.created_at)}};
}

json::object jurisdiction_json(const domain::jurisdiction& j) {
  return {{"id", j.id},
          {"code", j.code},
          {"name", j.name},
          {"timezone", j.timezone},
          {"incident_prefix", j.incident_prefix}};
}

json::object jurisdiction_settings_json(const domain::jurisdiction& j) {
  auto out = jurisdiction_json(j);
  json::array weekend;
  for (int d : j.weekend_days) weekend.emplace_back(d);
  json::array holidays;
  for (const auto& h : j.holidays) holidays.push_back(json::object{{"date", h.date}, {"name", h.name}});
  out["weekend_days"] = std::move(weekend);
  out["holidays"] = std::move(holidays);
  out["alert_endpoints"] = endpoints_json(j.alert_endpoints);
  return out;
}

json::array clocks_json(const std::vector<domain::sla_clock>& clocks) {
  json::array out;
  for (const auto& c : clocks) {
    out.push_back(json::object{{"step", to_string(c.step)},
                               {"started_at", time_json(c.started_at)},
                               {"warn_at", time_json(c.warn_at)},
                               {"due_at", time_json(c.due_at)},
                               {"met_at", time_json(c.met_at)},
                               {"state", to_string(c.state)},
                               {"unit", c.working_days ? "working_days" : "seconds"},
                               {"limit", c.limit}});
  }
  return out;
}

json::object sla_alert_json(const domain::sla_alert& a) {
  auto opt_text = [](const std::string& s) { return s.empty() ? json::value(nullptr) : json::value(s); };
  return {{"id", a.id},
          {"level", to_string(a.level)},
          {"step", to_string(a.step)},
          {"incident_id", a.incident_id},
          {"dispatch_id", opt_text(a.dispatch_id)},
          {"agency_id", opt_text(a.agency_id)},
          {"category_id", a.category_id},
          {"due_at", time_json(a.due_at)},
          {"raised_at", time_json(a.raised_at)},
          {"resolved_at", time_json(a.resolved_at)}};
}

json::array events_json(const std::vector<domain::event>& events) {
  json::array out;
  for (const auto& e : events) out.push_back(event_json(e));
  return out;
}

json::array dispatches_json(const std::vector<domain::dispatch>& ds) {
  json::array out;
  for (const auto& d : ds) out.push_back(dispatch_json(d));
  return out;
}

json::object incident_detail_json(const services::incident_detail& d) {
  auto out = incident_json(d.view.inc);
  json::array reps;
  for (const auto& r : d.reports) reps.push_back(report_json(r, d.can_reveal));
  out["reports"] = std::move(reps);
  out["dispatches"] = dispatches_json(d.view.dispatches);
  out["events"] = events_json(d.events);
  json::array media;
  for (const auto& m : d.media) media.push_back(media_json(m));
  out["media"] = std::move(media);
  return out;
}

core::result<json::object> incident_detail_of(storage::store_reader& rd, const services::actor& who,
                                              const std::string& id, core::timestamp now) {
  SIAGA_TRY(d, services::read_incident_detail(rd, who, id));
  return incident_detail_with_clocks(rd, who, d, now);
}

core::result<json::object> incident_detail_with_clocks(storage::store_reader& rd, const services::actor& who,
                                                       const services::incident_detail& d, core::timestamp now) {
  auto out = incident_detail_json(d);
  SIAGA_TRY(board, services::clock_board::load_cached(rd, who.jurisdiction_id, now));
  out["clocks"] = clocks_json(board.of_incident(d.view.inc));
  auto& items = out["dispatches"].as_array();
  for (std::size_t k = 0; k < d.view.dispatches.size() && k < items.size(); ++k) {
    SIAGA_TRY(clocks, board.of_dispatch(rd, d.view.dispatches[k]));
    items[k].as_object()["clocks"] = clocks_json(clocks);
  }
  return out;
}

core::result<json::array> incidents_with_clocks(storage::store_reader& rd, const services::actor& who,
                                                const std::vector<domain::incident>& items, core::timestamp now) {
  SIAGA_TRY(board, services::clock_board::load_cached(rd, who.jurisdiction_id, now));
  json::array out;
  for (const auto& i : items) {
    auto o = incident_json(i);
    o["clocks"] = clocks_json(board.of_incident(i));
    out.push_back(std::move(o));
  }
  return out;
}

core::result<json::array> dispatches_with_clocks(storage::store_reader& rd, const services::actor& who,
                                                 const std::vector<domain::dispatch>& items, core::timestamp now) {
  SIAGA_TRY(board, services::clock_board::load_cached(rd, who.jurisdiction_id, now));
  json::array out;
  for (const auto& d : items) {
    auto o = dispatch_json(d);
    SIAGA_TRY(clocks, board.of_dispatch(rd, d));
    o["clocks"] = clocks_json(clocks);
    out.push_back(std::move(o));
  }
  return out;
}

}  // namespace siaga::api
