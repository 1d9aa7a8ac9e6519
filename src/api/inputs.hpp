// Request bodies shared by route files: a location, and the incident fields that creating an
// incident and accepting a report into a new one both take.
#pragma once

#include "api/http_util.hpp"
#include "services/incident_service.hpp"
#include "services/idempotency.hpp"
#include "services/incident_updates.hpp"
#include "storage/store.hpp"

namespace siaga::api {

// The optional "location" field: {"lat": .., "lon": ..} or null. invalid_input otherwise.
core::result<std::optional<domain::geo_point>> location_of(const json::object& o);

// The incident fields of a body (category_id, summary, description, location, address,
// district_id, village_id, agency_ids or add_/remove_agency_ids, dispatch, share_contact; report_ids when
// with_reports). invalid_input for a wrong type or agency_ids given with add_/remove_.
core::result<services::new_incident> new_incident_of(const json::object& o, bool with_reports);

// The body of PATCH /incidents/{id}: summary, description, address, category_id, note, and
// location / district_id, which null clears. invalid_input for a wrong type or an unknown field.
core::result<services::incident_patch> incident_patch_of(const json::object& o);

// Places a new record before its write command (services::place_record with the shared area
// index): fills district and village from the ids given or from the location, so that the
// writer tests no polygon. invalid_input for an unknown id or a village outside the district.
core::result<void> place_before_write(storage::store_reader& rd, const services::actor& who,
                                      std::optional<std::string>& district, std::optional<std::string>& village,
                                      const std::optional<domain::geo_point>& location);

// The request's Idempotency-Key header (services/idempotency.hpp) with the SHA-256 of the raw
// body (the same bytes sent again are the same request): an empty key when there is none. invalid_input naming the header for a value that is empty, longer than
// 128 characters or not printable ASCII, or for the header sent twice.
core::result<services::idempotency_key> idempotency_header(const net::request& req);

// The Idempotency-Key header's value alone, checked as idempotency_header does ("" when none),
// for a route that takes the digest of a large body off the loop.
core::result<std::string> idempotency_key_value(const net::request& req);

// 422, nothing written: the key came with another body before (idempotent_outcome::key_reused).
net::response key_reused_response(const net::request& req);

// 201 with the record's view, and Idempotent-Replayed: true when outcome is replayed.
net::response created_response(const net::request& req, services::idempotent_outcome outcome,
                               const json::value& body);

}  // namespace siaga::api
