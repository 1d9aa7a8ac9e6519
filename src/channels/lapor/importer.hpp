// The SP4N-LAPOR! import (issue 11 item 7): a coroutine on the server's io_context that asks the
// adapter for the complaints forwarded to the jurisdiction every lapor_poll_s, from the cursor
// kept in the database (so a restart continues where the last import stopped), and lands each
// as a report with channel lapor (services::import_lapor_report: one write per complaint,
// idempotent on its tracking id). A poll that fails (LAPOR! unreachable, a refused token, a
// malformed page) takes nothing, is logged, and is tried again after a wait that doubles with
// each failure up to max_backoff; a full page is followed by the next one at once.
#pragma once

#include "channels/lapor/adapter.hpp"
#include "core/id.hpp"
#include "core/time.hpp"
#include "storage/store.hpp"

#include <boost/asio/io_context.hpp>

#include <atomic>
#include <chrono>
#include <memory>

namespace siaga::channels::lapor {

struct importer_options {
  std::string jurisdiction;  // Kemendagri code ("" : the first jurisdiction), as channel_jurisdiction
  std::string category;      // lapor_category ("" : services::lapor_category_for chooses)
  std::chrono::milliseconds poll{300'000};
  std::chrono::milliseconds max_backoff{3'600'000};
};

// What one poll did.
struct poll_outcome {
  int imported = 0;
  int duplicates = 0;
  int refused = 0;  // complaints the intake's rules refused (logged with the reason, then passed)
  bool full_page = false;
};

namespace detail {
struct importer_state;
}  // namespace detail

class importer {
 public:
  // Everything passed by reference must outlive the io_context's run.
  importer(boost::asio::io_context& io, storage::store& store, const core::clock& clock, core::id_generator& ids,
           core::random_source& random, std::shared_ptr<adapter> lapor, importer_options options);
  ~importer();
  importer(const importer&) = delete;
  importer& operator=(const importer&) = delete;

  // Starts the loop; the first poll runs at once.
  void start();
  // Stops: a feed request in flight is cancelled (nothing of it is taken), a write under way
  // finishes. Safe from any thread.
  void stop();
  // True once the loop has ended after stop(), or when it never started: the server's shutdown
  // waits for it (a stop during a feed request logs and ends at once, as it was cancelled).
  bool finished() const;

 private:
  std::shared_ptr<detail::importer_state> state_;
};

}  // namespace siaga::channels::lapor
