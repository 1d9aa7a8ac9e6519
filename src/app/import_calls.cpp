#include "app/import_calls.hpp"

#include "core/id.hpp"
#include "core/time.hpp"
#include "services/cdr_import.hpp"
#include "storage/bulk_writes.hpp"
#include "storage/open_database.hpp"
#include "storage/store.hpp"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

namespace siaga::app {
namespace {

// Who a command-line import acts as; its events say "cli".
services::actor cli_actor(const std::string& jurisdiction_id) {
  return services::actor{"cli", jurisdiction_id, domain::role::admin, std::nullopt, "Baris perintah (CLI)"};
}

core::result<domain::jurisdiction> pick_jurisdiction(storage::store& st, const std::string& code) {
  SIAGA_TRY(all, st.reader().list_jurisdictions());
  if (code.empty()) {
    if (all.size() == 1) return all.front();
    return core::invalid(all.empty() ? "the database holds no jurisdiction: run siaga init or seed first"
                                     : "the database holds several jurisdictions: name one with --jurisdiction CODE");
  }
  for (const auto& j : all) {
    if (j.code == code || j.id == code) return j;
  }
  return core::not_found("no jurisdiction with code " + code);
}

}  // namespace

int run_import_calls(const import_calls_options& o, std::ostream& out, std::ostream& err) {
  auto format = services::parse_cdr_format(o.format);
  if (!format) return err << "siaga import calls: " << format.error().message << "\n", 2;
  std::ifstream in(o.file, std::ios::binary);
  if (!in) return err << "siaga import calls: cannot read " << o.file << "\n", 1;
  std::ostringstream buffer;
  buffer << in.rdbuf();
  const std::string text = std::move(buffer).str();
  auto where = storage::printable_location(o.database);
  if (!storage::is_postgres_location(o.database) && !std::filesystem::exists(o.database)) {
    return err << "siaga import calls: database " << where << " does not exist (run siaga init first)\n", 1;
  }
  auto st = storage::open_database(o.database);
  if (!st) return err << "siaga import calls: cannot open " << where << ": " << st.error().message << "\n", 1;
  auto fail = [&](const core::error& e) {
    (*st)->close();
    err << "siaga import calls: " << e.message << "\n";
    return 1;
  };
  if (auto m = (*st)->migrate(); !m) return fail(m.error());
  // The WAL checkpointed every 512 MiB rather than every 16 MiB (the store's checkpointer) or
  // 4 MiB (SQLite's auto-checkpoint) during the import: a batch of 10,000 calls rewrites tens of
  // MiB of pages, most of them the same index pages again, which one checkpoint copies once.
  constexpr int import_checkpoint_pages = 131'072;
  auto checkpoint_every = [&](std::optional<int> pages) {
    return (*st)->write([pages](storage::store_txn& tx) { return storage::set_wal_autocheckpoint(tx, pages); });
  };
  if (auto w = checkpoint_every(import_checkpoint_pages); !w) return fail(w.error());
  auto j = pick_jurisdiction(**st, o.jurisdiction);
  if (!j) return fail(j.error());
  auto offset = core::zone_offset_minutes(j->timezone);
  if (!offset) return fail(offset.error());

  core::secure_random rnd;
  core::id_generator ids{rnd};
  core::system_clock clock;
  services::context ctx{clock, ids, rnd};
  const auto who = cli_actor(j->id);
  services::cdr_reader reader(text, *format, *offset);
  services::cdr_import_counts total;
  std::vector<services::cdr_refusal> refused;
  // One write command (a transaction of the store's writer); the counts come out beside it.
  auto write = [&](const std::vector<services::cdr_call>& calls) -> core::result<services::cdr_import_counts> {
    services::cdr_import_counts n;
    auto done = (*st)->write([&](storage::store_txn& tx) -> core::result<void> {
      SIAGA_TRY(counts, services::import_cdr_calls(tx, ctx, who, calls));
      n = counts;
      return {};
    });
    if (!done) return done.error();
    return n;
  };
  auto add = [&](const services::cdr_import_counts& n) {
    total.calls += n.calls;
    total.new_events += n.new_events;
    total.known_events += n.known_events;
    total.classified += n.classified;
  };
  const auto started = std::chrono::steady_clock::now();
  auto last_progress = started;
  while (!reader.done()) {
    auto batch = reader.next(o.batch);
    refused.insert(refused.end(), batch.refused.begin(), batch.refused.end());
    if (batch.calls.empty()) continue;
    auto done = write(batch.calls);
    if (!done && (done.error().code == core::errc::invalid_input || done.error().code == core::errc::conflict)) {
      // One call spoils the batch: import them one by one to name it and keep the others.
      for (const auto& c : batch.calls) {
        auto one = write({c});
        if (one) {
          add(*one);
        } else if (one.error().code == core::errc::invalid_input || one.error().code == core::errc::conflict) {
          refused.push_back(services::cdr_refusal{c.line, one.error().message});
        } else {
          return fail(one.error());
        }
      }
    } else if (!done) {
      return fail(done.error());
    } else {
      add(*done);
    }
    auto now = std::chrono::steady_clock::now();
    if (now - last_progress >= std::chrono::seconds(2)) {
      last_progress = now;
      err << "Mengimpor " << o.file << ": " << (100 * reader.position() / std::max<std::size_t>(text.size(), 1))
          << " % (" << total.calls << " panggilan)\n";
    }
  }
  if (auto w = checkpoint_every(std::nullopt); !w) return fail(w.error());
  (*st)->close();
  auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  out << "SELESAI " << j->code << ": " << total.calls << " panggilan dibaca, " << total.new_events
      << " event telepon baru, " << total.known_events << " sudah ada, " << total.classified
      << " klasifikasi, " << refused.size() << " baris ditolak, " << static_cast<long long>(seconds * 1000)
      << " ms (calls read, new telephony events, already known, classifications, records refused)\n";
  for (const auto& r : refused) out << "DITOLAK baris " << r.line << ": " << r.reason << "\n";
  return refused.empty() ? 0 : 3;
}

}  // namespace siaga::app
