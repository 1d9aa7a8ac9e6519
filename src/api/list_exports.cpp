#include "api/list_exports.hpp"

#include "api/csv.hpp"
#include "api/xlsx.hpp"
#include "services/call_queries.hpp"
#include "services/incident_queries.hpp"
#include "services/list_tables.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <stdexcept>

namespace siaga::api {
namespace {

namespace asio = boost::asio;
using services::stats_cells;
using storage::keyset;

constexpr int page_rows = 500;  // the store's largest page

// One page of a list: appends its rows and says where the next page starts (nullopt: this
// was the last). Called on the blocking pool with that thread's reader.
using page_fn = std::function<core::result<std::optional<keyset>>(storage::store_reader& rd,
                                                                  const std::optional<keyset>& after,
                                                                  std::vector<stats_cells>& rows)>;

struct list_source {
  services::stats_table shape;
  std::string filename;  // without the extension
  page_fn page;
};

boost::asio::thread_pool& pool_of(api_deps& deps) {
  return deps.exports ? *deps.exports : deps.blocking;
}

// One page read and written into the file (rows formatted, XLSX deflated) on the exports'
// pool, so the server's own threads only send bytes: where the next page starts.
awaitable<core::result<std::optional<keyset>>> write_page(storage::store& store, const page_fn& page,
                                                          std::optional<keyset> after, table_writer& out) {
  std::vector<stats_cells> rows;
  auto next = page(store.reader(), after, rows);
  if (!next) co_return next;
  for (const auto& r : rows) {
    if (auto w = out.row(r); !w) co_return w.error();
  }
  co_return next;
}

// The page on the exports' pool; the coroutine comes back to its own executor.
awaitable<core::result<std::optional<keyset>>> page_off_loop(api_deps& deps, const page_fn& page,
                                                             std::optional<keyset> after, table_writer& out) {
  co_return co_await asio::co_spawn(pool_of(deps), write_page(deps.store, page, after, out), asio::use_awaitable);
}

// ---- Out as the pages come: CSV rows as they are, XLSX rows deflated into its ZIP ----

struct table_export {
  api_deps& deps;
  page_fn page;
  std::unique_ptr<table_writer> out;
  std::optional<keyset> after;  // where the next page starts; nullopt: no more pages
  bool first_sent = false;
  bool finished = false;
};

// The next piece of the file: the first page's bytes, then a page at a time (a piece may be
// empty while the XLSX compressor gathers; the stream keeps asking), then the end.
awaitable<std::optional<std::string>> next_piece(std::shared_ptr<table_export> st) {
  if (st->finished) co_return std::nullopt;
  if (!st->first_sent) {
    st->first_sent = true;
    co_return st->out->take();
  }
  if (!st->after) {
    st->finished = true;
    if (auto closed = st->out->close(); !closed) throw std::runtime_error(closed.error().message);
    auto rest = st->out->take();
    if (rest.empty()) co_return std::nullopt;
    co_return rest;
  }
  auto next = co_await page_off_loop(st->deps, st->page, st->after, *st->out);
  if (!next) throw std::runtime_error(next.error().message);
  st->after = *next;
  co_return st->out->take();
}

net::body_stream table_stream(std::shared_ptr<table_export> st) {
  return net::body_stream{[st]() { return next_piece(st); }};
}

std::unique_ptr<table_writer> writer_for(table_format f, const services::stats_table& shape) {
  if (f == table_format::xlsx) return std::make_unique<xlsx_writer>(shape.sheet, shape.headers, shape.widths);
  return std::make_unique<csv_writer>(shape.headers);
}

// The first page is read before the answer's head goes out, so a failing read is still a
// clean error answer; the rest streams.
awaitable<reply> send_export(call& c, table_format f, list_source src) {
  auto res = download_head(c.req(), f, src.filename + "." + std::string(extension_of(f)));
  auto st = std::make_shared<table_export>(table_export{c.deps, src.page, writer_for(f, src.shape), {}, false, false});
  SIAGA_AWAIT_TRY(next, page_off_loop(c.deps, st->page, std::nullopt, *st->out));
  st->after = next;
  c.http.streamed = table_stream(st);
  co_return res;
}

// The names and zone every row needs, and the file's name: "<what>-<local date today>".
struct export_context {
  services::stats_names names;
  int offset = 0;
  std::string filename;
  core::timestamp now{};  // for the privacy rule of callers' numbers
};

core::result<export_context> context_of(call& c, std::string_view what) {
  auto& rd = c.deps.store.reader();
  SIAGA_TRY(names, services::load_stats_names(rd, c.who));
  SIAGA_TRY(offset, services::zone_offset_of(rd, c.who));
  auto today = domain::local_date_of(c.deps.clock.now(), offset);
  return export_context{std::move(names), offset, download_name(what, today, today), c.deps.clock.now()};
}

template <class T>
std::optional<keyset> next_after(const std::vector<T>& items, core::timestamp (*at)(const T&), const std::string& (*id)(const T&)) {
  if (items.size() < static_cast<std::size_t>(page_rows)) return std::nullopt;
  return keyset{at(items.back()), id(items.back())};
}

// The pages of each list, built in plain functions (GCC 12 miscompiles lambdas with
// init-captures inside coroutines).
page_fn incident_pages(services::actor who, storage::incident_filter filter, export_context ctx) {
  filter.page = {page_rows, 0};
  return [who, filter, ctx](storage::store_reader& rd, const std::optional<keyset>& after,
                                         std::vector<stats_cells>& rows) -> core::result<std::optional<keyset>> {
    auto fl = filter;
    fl.walk = {after, false};
    SIAGA_TRY(p, services::list_incidents_for(rd, who, std::move(fl)));
    for (const auto& i : p.items) rows.push_back(services::incident_row(ctx.names, i, ctx.offset));
    return next_after<domain::incident>(
        p.items, [](const domain::incident& i) { return i.created_at; },
        [](const domain::incident& i) -> const std::string& { return i.id; });
  };
}

page_fn dispatch_pages(services::actor who, storage::dispatch_filter filter, export_context ctx) {
  filter.page = {page_rows, 0};
  return [who, filter, ctx](storage::store_reader& rd, const std::optional<keyset>& after,
                                         std::vector<stats_cells>& rows) -> core::result<std::optional<keyset>> {
    auto fl = filter;
    fl.walk = {after, false};
    SIAGA_TRY(p, services::list_dispatches_for(rd, who, std::move(fl)));
    std::map<std::string, std::string, std::less<>> numbers;
    for (const auto& d : p.items) {
      if (numbers.contains(d.incident_id)) continue;
      SIAGA_TRY(inc, rd.find_incident(who.jurisdiction_id, d.incident_id));
      if (inc) numbers[d.incident_id] = inc->number;
    }
    for (const auto& d : p.items) rows.push_back(services::dispatch_row(ctx.names, numbers, d, ctx.offset));
    return next_after<domain::dispatch>(
        p.items, [](const domain::dispatch& d) { return d.notified_at; },
        [](const domain::dispatch& d) -> const std::string& { return d.id; });
  };
}

page_fn call_pages(services::actor who, storage::call_filter filter, export_context ctx) {
  filter.page = {page_rows, 0};
  return [who, filter, ctx](storage::store_reader& rd, const std::optional<keyset>& after,
                                         std::vector<stats_cells>& rows) -> core::result<std::optional<keyset>> {
    auto fl = filter;
    fl.walk = {after, false};
    SIAGA_TRY(p, services::list_calls_for(rd, who, std::move(fl)));
    for (const auto& call : p.items) {
      rows.push_back(services::call_row(ctx.names, call, ctx.offset, domain::caller_number_live(call, ctx.now)));
    }
    return next_after<domain::call_record>(
        p.items, [](const domain::call_record& r) { return r.state.ring_at.value_or(core::timestamp{}); },
        [](const domain::call_record& r) -> const std::string& { return r.id; });
  };
}

}  // namespace

awaitable<reply> export_incidents(call& c, table_format f, storage::incident_filter filter) {
  SIAGA_CO_TRY(ctx, context_of(c, "daftar-kejadian"));
  // A named source: GCC 12 destroys a braced temporary in a co_await's arguments twice.
  list_source src{services::list_shape(services::list_kind::incidents), ctx.filename, {}};
  src.page = incident_pages(c.who, std::move(filter), std::move(ctx));
  co_return co_await send_export(c, f, std::move(src));
}

awaitable<reply> export_dispatches(call& c, table_format f, storage::dispatch_filter filter) {
  SIAGA_CO_TRY(ctx, context_of(c, "daftar-dispatch"));
  // A named source: GCC 12 destroys a braced temporary in a co_await's arguments twice.
  list_source src{services::list_shape(services::list_kind::dispatches), ctx.filename, {}};
  src.page = dispatch_pages(c.who, std::move(filter), std::move(ctx));
  co_return co_await send_export(c, f, std::move(src));
}

awaitable<reply> export_calls(call& c, table_format f, storage::call_filter filter) {
  SIAGA_CO_TRY(ctx, context_of(c, "daftar-panggilan"));
  // A named source: GCC 12 destroys a braced temporary in a co_await's arguments twice.
  list_source src{services::list_shape(services::list_kind::calls), ctx.filename, {}};
  src.page = call_pages(c.who, std::move(filter), std::move(ctx));
  co_return co_await send_export(c, f, std::move(src));
}

}  // namespace siaga::api
