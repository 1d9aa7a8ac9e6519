#include "services/directory_service.hpp"

#include "domain/notification.hpp"
#include "domain/sla.hpp"
#include "services/access.hpp"
#include "services/events.hpp"

#include <boost/json/array.hpp>

#include <regex>
#include <set>

namespace siaga::services {
namespace json = boost::json;
using domain::subject_kind;

namespace {

core::result<void> check_user_agency(storage::store_reader& tx, const actor& who, domain::role r,
                                     const std::optional<std::string>& agency_id) {
  if (r == domain::role::agency_operator) {
    if (!agency_id) return core::invalid("an agency_operator needs an agency_id");
    auto a = tx.find_agency(who.jurisdiction_id, *agency_id);
    if (!a) return a.error();
    if (!*a) return core::invalid("agency_id '" + *agency_id + "' is not an agency of this jurisdiction");
  } else if (agency_id) {
    return core::invalid("only an agency_operator has an agency_id");
  }
  return {};
}

// Keeps stored webhook secrets that an update left out, then checks every endpoint.
core::result<void> settle_endpoints(std::vector<domain::agency_endpoint>& endpoints,
                                    const std::optional<domain::agency>& old) {
  if (endpoints.size() > domain::max_endpoints) {
    return core::invalid("an agency has at most " + std::to_string(domain::max_endpoints) + " endpoints");
  }
  for (std::size_t i = 0; i < endpoints.size(); ++i) {
    auto& e = endpoints[i];
    if (e.kind == domain::endpoint_kind::webhook && e.secret.empty() && old) {
      for (const auto& before : old->endpoints) {
        if (before.kind == domain::endpoint_kind::webhook && before.url == e.url && !before.secret.empty()) {
          e.secret = before.secret;
          break;
        }
      }
    }
    if (auto ok = domain::check_endpoint(e); !ok) {
      return core::invalid("endpoints[" + std::to_string(i) + "]: " + ok.error().message);
    }
  }
  return {};
}

json::object user_payload(const domain::user& u) {
  json::object o{{"username", u.username}, {"role", to_string(u.user_role)}, {"active", u.active}};
  if (u.agency_id) o["agency_id"] = *u.agency_id;
  if (!u.pbx_agent.empty()) o["pbx_agent"] = u.pbx_agent;
  if (u.must_change_password) o["must_change_password"] = true;
  return o;
}

// A PBX agent id is what the bridge sends as `agent` (an extension, a SIP user, an agent
// number); empty means the user answers no calls. Two users of a jurisdiction cannot share one,
// or the console could not tell whose call it is.
core::result<void> check_pbx_agent(storage::store_reader& tx, const actor& who, const std::string& agent,
                                   const std::string& user_id) {
  if (agent.empty()) return {};
  static const std::regex agent_re("[A-Za-z0-9._@:+-]{1,64}");
  if (!std::regex_match(agent, agent_re)) {
    return core::invalid("pbx_agent must be 1 to 64 of A-Z, a-z, 0-9, '.', '_', '@', ':', '+' and '-'");
  }
  SIAGA_TRY(users, tx.list_users(who.jurisdiction_id));
  for (const auto& u : users) {
    if (u.id != user_id && u.pbx_agent == agent) {
      return core::conflict("pbx_agent '" + agent + "' sudah dipakai " + u.username + " (is taken by " + u.username +
                            ")");
    }
  }
  return {};
}

}  // namespace

core::result<domain::agency> save_agency(storage::store_txn& tx, const context& ctx, const actor& who,
                                         domain::agency a) {
  if (auto ok = require_admin(who); !ok) return ok.error();
  if (a.code.empty() || a.code.size() > 32) return core::invalid("code is required (at most 32 characters)");
  if (a.name.empty() || a.name.size() > 200) return core::invalid("name is required (at most 200 characters)");
  bool created = a.id.empty();
  std::optional<domain::agency> old;
  if (created) {
    a.id = ctx.ids.next(ctx.clock.now());
  } else {
    auto found = tx.find_agency(who.jurisdiction_id, a.id);
    if (!found) return found.error();
    if (!*found) return core::not_found("agency " + a.id + " not found");
    old = std::move(*found);
  }
  if (auto ok = settle_endpoints(a.endpoints, old); !ok) return ok.error();
  a.jurisdiction_id = who.jurisdiction_id;
  if (auto w = tx.upsert_agency(a); !w) return w.error();
  auto e = record(tx, ctx, who, subject_kind::agency, a.id, created ? "agency.created" : "agency.updated",
                  {{"code", a.code},
                   {"name", a.name},
                   {"kind", to_string(a.kind)},
                   {"active", a.active},
                   {"endpoints", a.endpoints.size()}},
                  std::nullopt, a.id);
  if (!e) return e.error();
  return a;
}

core::result<domain::agency> save_agency_keeping_endpoints(storage::store_txn& tx, const context& ctx, const actor& who,
                                                           domain::agency a) {
  if (!a.id.empty()) {
    auto found = tx.find_agency(who.jurisdiction_id, a.id);
    if (!found) return found.error();
    a.endpoints = *found ? (*found)->endpoints : std::vector<domain::agency_endpoint>{};
  }
  return save_agency(tx, ctx, who, std::move(a));
}

core::result<domain::category> save_category(storage::store_txn& tx, const context& ctx, const actor& who,
                                             domain::category c) {
  if (auto ok = require_admin(who); !ok) return ok.error();
  static const std::regex code_re("[a-z0-9_]{1,40}");
  if (!std::regex_match(c.code, code_re)) return core::invalid("code must be 1 to 40 of a-z, 0-9 and _");
  if (c.name_id.empty()) return core::invalid("name_id (the Indonesian name) is required");
  const auto& l = c.sla;
  if (l.dispatch_within_s < 0 || l.acknowledge_within_s < 0 || l.on_scene_within_s < 0 || l.complete_within_s < 0 ||
      l.close_within_s < 0) {
    return core::invalid("SLA targets must be zero (none) or positive seconds");
  }
  for (int days : {l.dispatch_within_days, l.acknowledge_within_days, l.on_scene_within_days, l.complete_within_days,
                   l.close_within_days}) {
    if (days < 0 || days > 365) return core::invalid("SLA targets in working days must be 0 (none) to 365");
  }
  std::set<std::string> seen;
  json::array card;
  for (const auto& entry : c.run_card) {
    if (!seen.insert(entry.agency_id).second) {
      return core::invalid("run_card names agency '" + entry.agency_id + "' twice");
    }
    auto a = tx.find_agency(who.jurisdiction_id, entry.agency_id);
    if (!a) return a.error();
    if (!*a) return core::invalid("run_card agency '" + entry.agency_id + "' is not an agency of this jurisdiction");
    card.push_back(json::object{{"agency_id", entry.agency_id}, {"role", to_string(entry.role)}});
  }
  bool created = c.id.empty();
  if (created) {
    c.id = ctx.ids.next(ctx.clock.now());
  } else {
    auto old = tx.find_category(who.jurisdiction_id, c.id);
    if (!old) return old.error();
    if (!*old) return core::not_found("category " + c.id + " not found");
  }
  c.jurisdiction_id = who.jurisdiction_id;
  if (auto w = tx.upsert_category(c); !w) return w.error();
  auto e = record(tx, ctx, who, subject_kind::category, c.id, created ? "category.created" : "category.updated",
                  {{"code", c.code}, {"urgency", to_string(c.urgency_class)}, {"run_card", card}});
  if (!e) return e.error();
  return c;
}

core::result<domain::jurisdiction> update_jurisdiction(storage::store_txn& tx, const context& ctx,
                                                      const actor& who, const jurisdiction_changes& in) {
  if (auto ok = require_admin(who); !ok) return ok.error();
  SIAGA_TRY(found, tx.find_jurisdiction(who.jurisdiction_id));
  if (!found) return core::not_found("jurisdiction " + who.jurisdiction_id + " not found");
  auto j = std::move(*found);
  json::object changed;
  if (in.name) {
    if (in.name->empty() || in.name->size() > 200) return core::invalid("name must have 1 to 200 characters");
    j.name = *in.name;
    changed["name"] = j.name;
  }
  if (in.timezone) {
    if (auto z = core::zone_offset_minutes(*in.timezone); !z) return z.error();
    j.timezone = *in.timezone;
    changed["timezone"] = j.timezone;
  }
  if (in.weekend_days) j.weekend_days = *in.weekend_days;
  if (in.holidays) j.holidays = *in.holidays;
  if (auto ok = domain::check_calendar(j.weekend_days, j.holidays); !ok) return ok.error();
  if (in.weekend_days) {
    json::array days;
    for (int d : j.weekend_days) days.emplace_back(d);
    changed["weekend_days"] = std::move(days);
  }
  if (in.holidays) changed["holidays"] = static_cast<std::int64_t>(j.holidays.size());
  if (in.alert_endpoints) {
    if (in.alert_endpoints->size() > domain::max_endpoints) {
      return core::invalid("at most " + std::to_string(domain::max_endpoints) + " alert endpoints");
    }
    auto endpoints = *in.alert_endpoints;
    for (std::size_t i = 0; i < endpoints.size(); ++i) {
      auto& e = endpoints[i];
      // Secrets are write-only: one left out keeps the stored webhook's with the same url.
      if (e.kind == domain::endpoint_kind::webhook && e.secret.empty()) {
        for (const auto& old : j.alert_endpoints) {
          if (old.kind == e.kind && old.url == e.url) e.secret = old.secret;
        }
      }
      if (auto ok = domain::check_endpoint(e); !ok) {
        return core::invalid("alert_endpoints[" + std::to_string(i) + "]: " + ok.error().message);
      }
    }
    j.alert_endpoints = std::move(endpoints);
    changed["alert_endpoints"] = static_cast<std::int64_t>(j.alert_endpoints.size());
  }
  if (auto w = tx.update_jurisdiction(j); !w) return w.error();
  auto e = record(tx, ctx, who, subject_kind::jurisdiction, j.id, "jurisdiction.updated", changed);
  if (!e) return e.error();
  return j;
}

core::result<domain::jurisdiction> jurisdiction_for(storage::store_reader& rd, const actor& who) {
  SIAGA_TRY(found, rd.find_jurisdiction(who.jurisdiction_id));
  if (!found) return core::not_found("jurisdiction " + who.jurisdiction_id + " not found");
  return std::move(*found);
}

core::result<domain::user> create_user(storage::store_txn& tx, const context& ctx, const actor& who,
                                       const new_user& in) {
  if (auto ok = require_admin(who); !ok) return ok.error();
  static const std::regex name_re("[a-z0-9._-]{3,64}");
  if (!std::regex_match(in.username, name_re)) {
    return core::invalid("username must be 3 to 64 of a-z, 0-9, '.', '_' and '-'");
  }
  if (in.display_name.empty()) return core::invalid("display_name is required");
  if (auto ok = check_user_agency(tx, who, in.user_role, in.agency_id); !ok) return ok.error();
  SIAGA_CHECK(check_pbx_agent(tx, who, in.pbx_agent, ""));
  auto now = ctx.clock.now();
  domain::user u;
  u.id = ctx.ids.next(now);
  u.jurisdiction_id = who.jurisdiction_id;
  u.username = in.username;
  u.display_name = in.display_name;
  u.user_role = in.user_role;
  u.agency_id = in.agency_id;
  u.password_hash = in.password_hash;
  u.pbx_agent = in.pbx_agent;
  u.must_change_password = in.must_change_password;
  u.active = true;
  u.created_at = now;
  if (auto w = tx.insert_user(u); !w) {
    if (w.error().code == core::errc::conflict) return core::conflict("username '" + u.username + "' is taken");
    return w.error();
  }
  if (auto e = record(tx, ctx, who, subject_kind::user, u.id, "user.created", user_payload(u)); !e) return e.error();
  return u;
}

core::result<user_update> update_user(storage::store_txn& tx, const context& ctx, const actor& who,
                                       const std::string& user_id, const user_changes& changes) {
  if (auto ok = require_admin(who); !ok) return ok.error();
  auto found = tx.find_user(user_id);
  if (!found) return found.error();
  if (!*found || (*found)->jurisdiction_id != who.jurisdiction_id)
    return core::not_found("user " + user_id + " not found");
  auto u = std::move(**found);
  const domain::user before = u;
  if (changes.display_name) {
    if (changes.display_name->empty()) return core::invalid("display_name cannot be empty");
    u.display_name = *changes.display_name;
  }
  if (changes.user_role) u.user_role = *changes.user_role;
  if (changes.agency_id) u.agency_id = *changes.agency_id;
  if (changes.active) u.active = *changes.active;
  if (changes.password_hash) u.password_hash = *changes.password_hash;
  if (changes.must_change_password) u.must_change_password = *changes.must_change_password;
  if (changes.pbx_agent) {
    SIAGA_CHECK(check_pbx_agent(tx, who, *changes.pbx_agent, u.id));
    u.pbx_agent = *changes.pbx_agent;
  }
  if (u.id == who.user_id && (!u.active || u.user_role != domain::role::admin)) {
    return core::conflict("an admin cannot disable or demote their own account");
  }
  if (auto ok = check_user_agency(tx, who, u.user_role, u.agency_id); !ok) return ok.error();
  if (auto w = tx.update_user(u); !w) return w.error();
  auto payload = user_payload(u);
  if (changes.password_hash) payload["password_changed"] = true;
  bool ends = u.user_role != before.user_role || u.agency_id != before.agency_id || u.active != before.active ||
              changes.password_hash || (u.must_change_password && !before.must_change_password);
  if (ends) {
    SIAGA_TRY(ended, tx.delete_sessions_of_user(u.id, ""));
    payload["sessions_ended"] = ended;
  }
  if (auto e = record(tx, ctx, who, subject_kind::user, u.id, "user.updated", payload); !e) return e.error();
  return user_update{std::move(u), ends};
}

core::result<std::vector<agency_entry>> list_agencies_for(storage::store_reader& rd, const actor& who) {
  SIAGA_TRY(agencies, rd.list_agencies(who.jurisdiction_id));
  SIAGA_TRY(users, rd.list_users(who.jurisdiction_id));
  std::vector<agency_entry> out;
  out.reserve(agencies.size());
  for (auto& a : agencies) {
    auto via = domain::acknowledged_by(a, users);
    out.push_back({std::move(a), via});
  }
  return out;
}

core::result<std::vector<domain::category>> list_categories_for(storage::store_reader& rd, const actor& who) {
  return rd.list_categories(who.jurisdiction_id);
}

core::result<std::vector<domain::district>> list_districts_for(storage::store_reader& rd, const actor& who) {
  return rd.list_districts(who.jurisdiction_id);
}

core::result<std::vector<domain::village>> list_villages_for(storage::store_reader& rd, const actor& who,
                                                             const std::optional<std::string>& district_id) {
  if (district_id) {
    SIAGA_TRY(d, rd.find_district(who.jurisdiction_id, *district_id));
    if (!d) return core::invalid("district_id '" + *district_id + "' is not a district of this jurisdiction");
  }
  return rd.list_villages(who.jurisdiction_id, district_id);
}

core::result<std::vector<domain::user>> list_users_for(storage::store_reader& rd, const actor& who) {
  return rd.list_users(who.jurisdiction_id);
}

core::result<me_view> read_me(storage::store_reader& rd, const actor& who) {
  SIAGA_TRY(user, rd.find_user(who.user_id));
  if (!user) return core::not_found("user not found");
  me_view out{std::move(*user), std::nullopt, std::nullopt};
  SIAGA_TRY(jur, rd.find_jurisdiction(who.jurisdiction_id));
  out.jurisdiction = std::move(jur);
  if (out.user.agency_id) {
    SIAGA_TRY(ag, rd.find_agency(who.jurisdiction_id, *out.user.agency_id));
    out.agency = std::move(ag);
  }
  return out;
}

}  // namespace siaga::services
