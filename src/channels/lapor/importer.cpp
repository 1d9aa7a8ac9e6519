#include "channels/lapor/importer.hpp"

#include "api/handler.hpp"
#include "api/inputs.hpp"
#include "services/async_write.hpp"
#include "services/lapor.hpp"
#include "services/public_stats.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <exception>

namespace siaga::channels::lapor {

namespace asio = boost::asio;
using asio::awaitable;

namespace detail {

struct importer_state {
  importer_state(asio::io_context& io, storage::store& st, const core::clock& c, core::id_generator& i,
                 core::random_source& r, std::shared_ptr<adapter> a, importer_options o)
      : strand(asio::make_strand(io)),
        timer(strand),
        store(st),
        clock(c),
        ids(i),
        random(r),
        lapor(std::move(a)),
        options(std::move(o)) {}

  asio::strand<asio::io_context::executor_type> strand;
  asio::steady_timer timer;
  // Emitted by stop(): a feed request in flight is abandoned rather than waited for (LAPOR!
  // hanging would otherwise hold the shutdown for the HTTP client's whole timeout).
  asio::cancellation_signal cancel_fetch;
  storage::store& store;
  const core::clock& clock;
  core::id_generator& ids;
  core::random_source& random;
  std::shared_ptr<adapter> lapor;
  const importer_options options;
  bool started = false;
  bool stopped = false;
  std::atomic<bool> running{false};
};

}  // namespace detail

namespace {

using state_ptr = std::shared_ptr<detail::importer_state>;

// The import of one complaint, placed (district and village from its point) before the write.
core::result<services::lapor_import> import_of(storage::store_reader& rd, const std::string& jurisdiction_id,
                                               const std::string& category, const complaint& c) {
  services::lapor_import in;
  in.jurisdiction_id = jurisdiction_id;
  in.lapor_id = c.tracking_id;
  in.title = c.title;
  in.content = c.content;
  in.category = c.category;
  in.attachments = c.attachments;
  in.anonymous = c.anonymous;
  in.reporter_name = c.reporter_name;
  in.address = c.where.address;
  in.submitted_at = c.created_at;
  in.category_code = category;
  if (c.where.lat && c.where.lon) {
    in.location = domain::geo_point{*c.where.lat, *c.where.lon};
    SIAGA_CHECK(api::place_before_write(rd, services::channel_actor(jurisdiction_id, domain::channel::lapor),
                                        in.district_id, in.village_id, in.location));
  }
  return in;
}

// One poll: a page from the cursor, each complaint in its own write, then the new cursor.
// Fails (and keeps the cursor) when LAPOR! cannot be read or a write fails for the store.
// The reader is taken again after every co_await: the coroutine may resume on another thread,
// and a reader belongs to the thread it was made for (storage/thread_readers.hpp).
awaitable<core::result<poll_outcome>> poll_once(state_ptr s) {
  SIAGA_CO_TRY(jur, services::public_jurisdiction(s->store.reader(), s->options.jurisdiction));
  SIAGA_CO_TRY(cursor, s->store.reader().lapor_cursor(jur.id));
  auto fetched = co_await asio::co_spawn(s->strand, s->lapor->fetch(cursor.value_or("")),
                                         asio::bind_cancellation_slot(s->cancel_fetch.slot(), asio::use_awaitable));
  if (!fetched) co_return fetched.error();
  auto page = std::move(*fetched);
  if (s->stopped) co_return poll_outcome{};
  services::context ctx{s->clock, s->ids, s->random};
  poll_outcome out;
  out.full_page = page.complaints.size() >= static_cast<std::size_t>(max_page);
  for (const auto& c : page.complaints) {
    auto in = import_of(s->store.reader(), jur.id, s->options.category, c);
    core::result<services::lapor_import_outcome> done = services::lapor_import_outcome{};
    if (!in) {
      done = in.error();
    } else {
      done = co_await services::run_service<services::lapor_import_outcome>(s->store, &services::import_lapor_report,
                                                                            ctx, std::move(*in));
    }
    if (!done && done.error().code != core::errc::invalid_input) co_return done.error();
    if (!done) {
      ++out.refused;
      spdlog::warn("LAPOR!: pengaduan {} tidak diimpor: {}", c.tracking_id, done.error().message);
    } else if (done->duplicate) {
      ++out.duplicates;
    } else {
      ++out.imported;
      spdlog::info("LAPOR!: pengaduan {} masuk antrean sebagai laporan {}", c.tracking_id, done->report->report.id);
    }
  }
  if (page.next_cursor != cursor.value_or("")) {
    auto saved =
        co_await services::run_service<void>(s->store, &services::save_lapor_cursor, ctx, jur.id, page.next_cursor);
    if (!saved) co_return saved.error();
  }
  co_return out;
}

awaitable<void> run(state_ptr s) {
  int failures = 0;
  while (!s->stopped) {
    auto polled = co_await poll_once(s);
    if (s->stopped) {
      // A poll cut short by the stop took nothing: said at warn so that it reaches a quiet log.
      if (!polled) spdlog::warn("LAPOR!: impor dibatalkan karena server berhenti (the import was cancelled by the stop)");
      break;
    }
    auto wait = s->options.poll;
    if (!polled) {
      ++failures;
      auto factor = std::int64_t{1} << std::min(failures - 1, 20);
      wait = std::min(s->options.max_backoff, std::chrono::milliseconds{std::min<std::int64_t>(
                                                  s->options.poll.count() * factor, s->options.max_backoff.count())});
      spdlog::warn("LAPOR!: impor gagal ({} kali berturut-turut), dicoba lagi dalam {} ms: {}", failures, wait.count(),
                   polled.error().message);
    } else {
      failures = 0;
      if (polled->imported + polled->refused > 0) {
        spdlog::info("LAPOR!: {} diimpor, {} sudah ada, {} ditolak", polled->imported, polled->duplicates,
                     polled->refused);
      }
      if (polled->full_page) wait = std::chrono::milliseconds{0};
    }
    if (s->stopped) break;
    s->timer.expires_after(wait);
    auto [ec] = co_await s->timer.async_wait(asio::as_tuple(asio::use_awaitable));
    if (ec && s->stopped) break;
  }
}

}  // namespace

importer::importer(asio::io_context& io, storage::store& store, const core::clock& clock, core::id_generator& ids,
                   core::random_source& random, std::shared_ptr<adapter> lapor, importer_options options)
    : state_(std::make_shared<detail::importer_state>(io, store, clock, ids, random, std::move(lapor),
                                                      std::move(options))) {}

importer::~importer() {
  stop();
}

void importer::start() {
  asio::post(state_->strand, [s = state_] {
    if (s->started || s->stopped) return;
    s->started = true;
    s->running = true;
    asio::co_spawn(s->strand, run(s), [s](const std::exception_ptr& e) {
      s->running = false;
      if (!e) return;
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& ex) {
        spdlog::error("LAPOR!: the import stopped: {}", ex.what());
      }
    });
  });
}

bool importer::finished() const {
  return !state_->running;
}

void importer::stop() {
  asio::post(state_->strand, [s = state_] {
    s->stopped = true;
    s->timer.cancel();
    s->cancel_fetch.emit(asio::cancellation_type::terminal);
  });
}

}  // namespace siaga::channels::lapor
