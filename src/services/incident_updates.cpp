#include "services/incident_updates.hpp"

#include "domain/lifecycle.hpp"
#include "services/access.hpp"
#include "services/events.hpp"
#include "services/area_index.hpp"
#include "services/incident_rules.hpp"
#include "services/notifications.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <algorithm>

namespace siaga::services {
namespace json = boost::json;
using domain::incident_status;
using domain::subject_kind;

namespace {

constexpr std::size_t max_summary = 500;
constexpr std::size_t max_address = 500;
constexpr std::size_t max_text = 10'000;
constexpr std::size_t max_note = 2'000;

core::result<void> check_open(const domain::incident& inc) {
  if (inc.status == incident_status::closed || inc.status == incident_status::cancelled) {
    return core::conflict("incident " + inc.number + " is " + std::string(to_string(inc.status)) +
                          ": reopen it before changing it");
  }
  return {};
}

// The changed fields as agencies read them in a notification: "Lokasi, Alamat diperbarui".
std::string change_text(const json::object& changes, const std::string& note) {
  static constexpr std::pair<const char*, const char*> names[] = {
      {"category_id", "Kategori"}, {"summary", "Ringkasan"}, {"description", "Uraian"},
      {"location", "Lokasi"},      {"address", "Alamat"},    {"district_id", "Kecamatan"}};
  std::string out;
  for (const auto& [field, name] : names) {
    if (!changes.contains(field)) continue;
    if (!out.empty()) out += ", ";
    out += name;
  }
  out += " diperbarui";
  if (!note.empty()) out += " (" + note + ")";
  return out;
}

// Announces a change to every agency with an active dispatch on the incident.
core::result<void> notify_active(storage::store_txn& tx, const context& ctx, const std::string& incident_id,
                                 std::string_view kind, const std::string& text) {
  SIAGA_TRY(all, tx.dispatches_of_incident(incident_id));
  for (const auto& d : all) {
    if (domain::is_final(d.status)) continue;
    SIAGA_CHECK(notify_agency(tx, ctx, d, kind, text));
  }
  return {};
}

}  // namespace

core::result<domain::incident> update_incident(storage::store_txn& tx, const context& ctx, const actor& who,
                                               const std::string& incident_id, const incident_patch& patch) {
  SIAGA_CHECK(require_dispatcher(who));
  if (patch.empty()) return core::invalid("nothing to change: give at least one field of the incident");
  if (patch.summary && is_blank(*patch.summary)) return core::invalid("summary must not be blank");
  if (patch.summary && patch.summary->size() > max_summary) return core::invalid("summary is longer than 500 characters");
  if (patch.address && patch.address->size() > max_address) return core::invalid("address is longer than 500 characters");
  if (patch.description && patch.description->size() > max_text) {
    return core::invalid("description is longer than 10000 characters");
  }
  if (patch.note.size() > max_note) return core::invalid("note is longer than 2000 characters");
  if (patch.location) SIAGA_CHECK(check_location(*patch.location));
  if (patch.district_id) SIAGA_CHECK(check_district(tx, who, *patch.district_id));
  std::optional<domain::category> category;
  if (patch.category_id) {
    SIAGA_TRY(c, load_category(tx, who, *patch.category_id));
    category = std::move(c);
  }
  SIAGA_TRY(inc, load_incident(tx, who, incident_id));
  SIAGA_CHECK(check_open(inc));

  json::object changes;
  auto change_string = [&](const char* field, std::string& now, const std::optional<std::string>& to) {
    if (!to || *to == now) return;
    changes[field] = json::object{{"from", now}, {"to", *to}};
    now = *to;
  };
  change_string("summary", inc.summary, patch.summary);
  change_string("description", inc.description, patch.description);
  change_string("address", inc.address, patch.address);
  if (category && category->id != inc.category_id) {
    changes["category_id"] = json::object{{"from", inc.category_id}, {"to", category->id}};
    if (category->urgency_class != inc.urgency_class) {
      changes["urgency"] = json::object{{"from", to_string(inc.urgency_class)}, {"to", to_string(category->urgency_class)}};
    }
    inc.category_id = category->id;
    inc.urgency_class = category->urgency_class;
  }
  std::optional<std::optional<std::string>> district = patch.district_id;
  bool moved = false;
  if (patch.location && *patch.location != inc.location) {
    changes["location"] = json::object{{"from", point_json(inc.location)}, {"to", point_json(*patch.location)}};
    inc.location = *patch.location;
    moved = true;
  }
  if (moved || (district && *district != inc.district_id)) {
    // The village follows the point and the district: found again in the district now given
    // (or the one the point lies in), nothing without a point.
    std::optional<std::string> keep = district ? *district : std::nullopt;
    domain::placement place{keep, std::nullopt};
    if (inc.location) {
      SIAGA_TRY(dir, shared_area_index().peek(tx, who.jurisdiction_id));
      place = domain::place_point(*inc.location, *dir, keep);
      if (!district) district = place.district_id;
    }
    if (place.village_id != inc.village_id) {
      changes["village_id"] = json::object{{"from", optional_json(inc.village_id)}, {"to", optional_json(place.village_id)}};
      inc.village_id = place.village_id;
    }
  }
  if (district && *district != inc.district_id) {
    changes["district_id"] = json::object{{"from", optional_json(inc.district_id)}, {"to", optional_json(*district)}};
    inc.district_id = *district;
  }
  if (changes.empty()) return inc;

  inc.updated_at = ctx.clock.now();
  SIAGA_CHECK(tx.update_incident(inc));
  json::object payload{{"changes", changes}};
  if (!patch.note.empty()) payload["note"] = patch.note;
  SIAGA_CHECK(record(tx, ctx, who, subject_kind::incident, inc.id, "incident.updated", payload, inc.id));
  SIAGA_CHECK(notify_active(tx, ctx, inc.id, "incident.updated", change_text(changes, patch.note)));
  return inc;
}

core::result<domain::event> add_incident_note(storage::store_txn& tx, const context& ctx, const actor& who,
                                              const std::string& incident_id, const std::string& text) {
  if (who.role == domain::role::leader) return core::forbidden("a leader may not add notes to an incident");
  if (is_blank(text)) return core::invalid("text is required");
  if (text.size() > max_note) return core::invalid("text is longer than 2000 characters");
  SIAGA_TRY(inc, load_incident(tx, who, incident_id));
  std::optional<std::string> agency;
  if (who.role == domain::role::agency_operator) {
    if (!who.agency_id) return core::forbidden("this agency operator account has no agency");
    SIAGA_TRY(all, tx.dispatches_of_incident(inc.id));
    bool on_it = std::any_of(all.begin(), all.end(), [&](const domain::dispatch& d) { return d.agency_id == *who.agency_id; });
    // Like reading it: an incident the agency is not on does not exist for its operators.
    if (!on_it) return core::not_found("incident " + incident_id + " not found");
    agency = who.agency_id;
  }
  SIAGA_CHECK(check_open(inc));
  SIAGA_TRY(e, record(tx, ctx, who, subject_kind::incident, inc.id, "incident.note_added", {{"text", text}}, inc.id,
                      agency));
  // An agency's note is for the dispatchers, who see it on their consoles.
  if (!agency) SIAGA_CHECK(notify_active(tx, ctx, inc.id, "incident.note_added", text));
  return e;
}

}  // namespace siaga::services
