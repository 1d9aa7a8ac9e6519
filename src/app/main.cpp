// siaga: one program, several subcommands (serve, migrate, seed, audit, backup, migrate-store, privacy, stats,
// simulate).
#include "app/audit.hpp"
#include "app/backup.hpp"
#include "app/boundaries.hpp"
#include "app/init.hpp"
#include "app/migrate_store.hpp"
#include "app/import_calls.hpp"
#include "app/privacy.hpp"
#include "app/config.hpp"
#include "app/server.hpp"
#include "app/simulate.hpp"

#include <spdlog/spdlog.h>

#include <charconv>
#include <iostream>
#include <unistd.h>
#include <string>
#include <vector>

namespace {

constexpr const char* usage = R"(Siaga 112: emergency number and public complaint platform

Usage:
  siaga serve   [--config FILE] [--address A] [--port P] [--database PATH|URI] [--web-root DIR]
                [--threads N] [--body-limit BYTES] [--session-hours H] [--secure-cookie]
                [--log-level L] [--port-file FILE]
  siaga migrate [--database PATH|URI]   apply pending schema migrations
  siaga seed --demo [--database PATH|URI]
                create the demo city (Kota Ambon) and print its logins
                (URI: a postgresql:// URI or libpq keywords "host=... dbname=..." select PostgreSQL;
                every command but backup accepts one: src/storage/postgres/README.md)
  siaga audit verify [--database PATH|URI]  check the hash chain of the event log; exit 1 on a break
  siaga backup --to FILE [--database PATH]
                a consistent copy of the SQLite database while the server runs (SQLite's online
                backup API over one snapshot), checked (quick_check, the event log's count and
                last seq); progress while it runs; FILE must not exist yet
  siaga migrate-store --from PATH|URI --to URI|PATH
                move a whole database between the stores: an SQLite file into an empty PostgreSQL
                database, or PostgreSQL into a new SQLite file (a copy on a laptop); every table
                in one snapshot and one transaction, ids, times, media and the event chain
                unchanged; rows counted per table and each chain head compared before it commits;
                the statistics rebuilt in the copy and its chain verified; a target that is not
                empty is refused (exit 2)
  siaga privacy export --phone NUMBER [--database PATH|URI]
                a data subject's request (UU PDP): everything held about the number as JSON
                (reports with the contact, point, photos, channel and Open311 contacts; calls,
                location fixes, caller flags, outbox rows, events); recorded as an event
  siaga privacy erase --phone NUMBER [--database PATH|URI]
                erase everything held about the number now: reporters' contacts, callers' numbers,
                photos of its reports, channel and Open311 contacts, outbox payloads (a pending notice
                to an agency still goes, without the contact), event payloads (their hashes stay, so
                audit verify still passes); its location fixes are coarsened to about a village;
                statistics stay the same; recorded as an event
  siaga init --regency CODE --time-zone ZONE --admin NAME [--database PATH|URI] [--area-data DIR]
                create a city from zero: the regency's official name, kecamatan and kelurahan/desa
                (idn-area-data), template categories and agencies, the first admin (password read
                from stdin or prompted; generated and printed once when empty)
  siaga import boundaries FILE [--approximate] [--database PATH|URI]
                set the boundaries of kecamatan and kelurahan/desa from a GeoJSON FeatureCollection
                whose features carry the Kemendagri code (properties code, kode, kode_kec, kode_desa,
                ...); prints what matched and what did not; a bad file changes nothing
  siaga import calls FILE [--format asterisk|freeswitch|generic] [--jurisdiction CODE] [--batch N]
                [--database PATH|URI]
                load a PBX's call detail records (Asterisk Master.csv, FreeSWITCH cdr_csv, or a CSV
                with the heading call_id,number,line,ring,answer,end,agent,outcome,classification)
                into the same call records, events and statistics as the live API; progress while
                it runs, then each refused record with its line and reason (exit 3); importing the
                same file again adds nothing; --batch: calls per transaction (default 10000)
  siaga stats rebuild [--from-records] [--database PATH|URI]
                rebuild the statistics rollups by replaying the event log, compare them with the
                kept ones (each differing row named: key, kept, replayed) and keep the replayed
                ones; a log with events written before they carried the replay fields is not
                replayed: the rollups are recounted from the records instead, and it says so
                (--from-records: always so); the call rollups and the callers' counters
                (caller_counts) are recounted from the calls; exit 0 when the kept ones matched,
                1 when some were corrected or on an error; run it with the server stopped
  siaga simulate calls --api-key KEY [--url http://127.0.0.1:8112] [--hours H] [--rate CALLS_PER_HOUR]
                [--prank S] [--ghost S] [--abandon S] [--missed S] [--information S] [--follow-up S]
                [--wait MEAN_S] [--talk MEAN_S] [--agents N] [--seed N] [--duplicates S] [--jitter N]
                [--batch N] [--start ISO] [--realtime] [--login USER:PASSWORD]
                drive POST /api/v1/telephony/events with generated calls: the past H hours at once
                (in batches), or from now as they happen (--realtime); --login classifies them too
  siaga --help | --version

Every setting can also come from the environment (SIAGA_PORT, SIAGA_DATABASE, ...) or a JSON
config file (--config, or SIAGA_CONFIG); flags win over the environment, which wins over the file.
)";

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::cout << usage;
    return args.empty() ? 2 : 0;
  }
  if (args[0] == "--version") {
    std::cout << "siaga 0.1.0\n";
    return 0;
  }
  std::string command = args[0];
  args.erase(args.begin());
  if (command == "simulate") return siaga::app::run_simulate(args);
  if (command == "audit") {
    if (args.empty() || args[0] != "verify") {
      std::cerr << "siaga: audit needs a subcommand: audit verify\n";
      return 2;
    }
    command = "audit verify";
    args.erase(args.begin());
  }

  if (command == "stats") {
    if (args.empty() || args[0] != "rebuild") {
      std::cerr << "siaga: stats needs a subcommand: stats rebuild\n";
      return 2;
    }
    command = "stats rebuild";
    args.erase(args.begin());
  }

  if (command == "privacy") {
    if (args.empty() || (args[0] != "export" && args[0] != "erase")) {
      std::cerr << "siaga: privacy needs a subcommand: privacy export --phone N | privacy erase --phone N\n";
      return 2;
    }
    command = "privacy " + args[0];
    args.erase(args.begin());
  }

  std::string import_file;
  bool approximate = false;
  if (command == "import") {
    if (args.empty() || (args[0] != "boundaries" && args[0] != "calls")) {
      std::cerr << "siaga: import needs a subcommand: import boundaries FILE | import calls FILE\n";
      return 2;
    }
    command = "import " + args[0];
    args.erase(args.begin());
    if (args.empty() || args[0].rfind("--", 0) == 0) {
      std::cerr << "siaga: " << command << " needs a FILE ("
                << (command == "import calls" ? "call detail records, CSV" : "GeoJSON FeatureCollection") << ")\n";
      return 2;
    }
    import_file = args[0];
    args.erase(args.begin());
  }

  std::vector<std::string> init_args;
  if (command == "init") {
    // init's own flags; --database and --config go to the config like every command's.
    std::vector<std::string> rest;
    for (std::size_t i = 0; i < args.size(); ++i) {
      bool own = args[i] == "--regency" || args[i] == "--time-zone" || args[i] == "--admin" || args[i] == "--area-data";
      if (own) {
        init_args.push_back(args[i]);
        if (i + 1 < args.size()) init_args.push_back(args[++i]);
      } else {
        rest.push_back(args[i]);
      }
    }
    args = std::move(rest);
  }

  bool demo = false;
  bool from_records = false;
  siaga::app::import_calls_options calls_import;
  std::string phone;
  std::string backup_target;
  std::string store_from;
  std::string store_to;
  std::string config_file;
  std::vector<std::string> flags;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--demo" && command == "seed") {
      demo = true;
    } else if (args[i] == "--approximate" && command == "import boundaries") {
      approximate = true;
    } else if ((args[i] == "--format" || args[i] == "--jurisdiction") && command == "import calls") {
      auto& value = args[i] == "--format" ? calls_import.format : calls_import.jurisdiction;
      value = i + 1 < args.size() ? args[++i] : std::string();
    } else if (args[i] == "--batch" && command == "import calls") {
      const std::string value = i + 1 < args.size() ? args[++i] : std::string();
      std::size_t n = 0;
      auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
      if (ec != std::errc{} || end != value.data() + value.size() || n < 1 || n > 100000) {
        std::cerr << "siaga import calls: --batch takes a number of calls per transaction from 1 to 100000, not '"
                  << value << "'\n";
        return 2;
      }
      calls_import.batch = n;
    } else if (args[i] == "--from-records" && command == "stats rebuild") {
      from_records = true;
    } else if (args[i] == "--phone" && command.starts_with("privacy ")) {
      // An empty value is refused by the command itself, with what to type.
      phone = i + 1 < args.size() ? args[++i] : std::string();
    } else if (args[i] == "--to" && command == "backup") {
      backup_target = i + 1 < args.size() ? args[++i] : std::string();
    } else if ((args[i] == "--from" || args[i] == "--to") && command == "migrate-store") {
      auto& value = args[i] == "--from" ? store_from : store_to;
      value = i + 1 < args.size() ? args[++i] : std::string();
    } else if (args[i] == "--config" && i + 1 < args.size()) {
      config_file = args[++i];
    } else if (args[i].rfind("--config=", 0) == 0) {
      config_file = args[i].substr(9);
    } else {
      flags.push_back(args[i]);
    }
  }
  auto env = siaga::app::process_environment();
  if (config_file.empty()) {
    if (auto it = env.find("SIAGA_CONFIG"); it != env.end()) config_file = it->second;
  }
  auto cfg = siaga::app::load_config(config_file, env, flags);
  if (!cfg) {
    std::cerr << "siaga: " << cfg.error().message << "\n";
    return 2;
  }
  spdlog::set_level(spdlog::level::from_str(cfg->log_level));

  try {
    if (command == "serve") return siaga::app::run_serve(*cfg);
    if (command == "migrate") return siaga::app::run_migrate(*cfg);
    if (command == "audit verify") return siaga::app::run_audit_verify(cfg->database);
    if (command == "backup") return siaga::app::run_backup(cfg->database, backup_target, std::cout, std::cerr);
    if (command == "migrate-store") return siaga::app::run_migrate_store(store_from, store_to, std::cout, std::cerr);
    if (command == "privacy export") return siaga::app::run_privacy_export(cfg->database, phone, std::cout, std::cerr);
    if (command == "privacy erase") return siaga::app::run_privacy_erase(cfg->database, phone, std::cout, std::cerr);
    if (command == "stats rebuild") return siaga::app::run_stats_rebuild(cfg->database, from_records);
    if (command == "init") {
      return siaga::app::run_init(cfg->database, init_args, std::cin, std::cout, std::cerr, isatty(STDIN_FILENO) != 0);
    }
    if (command == "import calls") {
      calls_import.database = cfg->database;
      calls_import.file = import_file;
      return siaga::app::run_import_calls(calls_import, std::cout, std::cerr);
    }
    if (command == "import boundaries") {
      return siaga::app::run_import_boundaries(cfg->database, import_file, approximate);
    }
    if (command == "seed") {
      if (!demo) {
        std::cerr << "siaga: seed needs --demo (the only seed there is)\n";
        return 2;
      }
      return siaga::app::run_seed_demo(*cfg);
    }
  } catch (const std::exception& e) {
    spdlog::critical("siaga {} failed: {}", command, e.what());
    return 1;
  }
  std::cerr << "siaga: unknown command '" << command << "'\n" << usage;
  return 2;
}
