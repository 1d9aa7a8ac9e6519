// The incident, dispatch and call lists as CSV or XLSX downloads (?format=csv|xlsx on
// GET /api/v1/incidents, /dispatches and /calls): the list's own filters and access rules, every
// matching record (limit and offset are ignored), newest first, as the JSON list orders them.
//
// Read page by page with keyset paging (storage::keyset_paging, 500 rows a page), each page on
// the exports' pool (api_deps::exports: one thread in `siaga serve`, so exports queue behind
// each other but never hold up sign-ins), so that a year of a large city never sits in memory and each page costs
// the same however deep it is. The first page is read before the answer starts, so that a
// refusal (an agency operator without an agency) is still a clean 4xx; after that a failure
// cuts the download (net::body_stream). Pages are separate read transactions: a record that
// changes during a long export shows as it was when its page was read, and records created
// after the export started are not in it (they sort before its first page).
//
// Both formats go out as the pages are read (chunked): CSV rows as they are, XLSX rows as
// deflated XML of a ZIP written front to back (api/xlsx.hpp, api/zip_stream.hpp), whose parts
// that list the sheets and whose directory come after the last row. Rows are formatted and
// deflated on the exports' pool too; memory stays at a page of rows plus the compressor's
// window, and nothing goes to disk.
#pragma once

#include "api/handler.hpp"
#include "api/table_writer.hpp"
#include "storage/store.hpp"

namespace siaga::api {

awaitable<reply> export_incidents(call& c, table_format f, storage::incident_filter filter);
awaitable<reply> export_dispatches(call& c, table_format f, storage::dispatch_filter filter);
awaitable<reply> export_calls(call& c, table_format f, storage::call_filter filter);

}  // namespace siaga::api
