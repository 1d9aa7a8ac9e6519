// siaga_bench stream: the stream fan-out to many WebSocket clients (usage in siaga_bench.cpp).
#include "bench_common.hpp"
#include "core/id.hpp"
#include "core/time.hpp"

#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/parse.hpp>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

namespace siaga::bench {
namespace beast = boost::beast;
namespace http = beast::http;

namespace {

using wall_clock = std::chrono::system_clock;

// One incident.created seen by one client: when the kernel received the bytes that completed
// its frame (SO_TIMESTAMPNS of the last segment the read returned: the frame's arrival, or a
// little later when that read also took later frames) and when the client's read returned.
struct stream_arrival {
  std::string incident_id;
  std::string at;  // the event's `at`, as sent
  wall_clock::time_point arrived;
  wall_clock::time_point read;
};

// Any other event of an incident (its dispatch and status change, written with it), seen by one
// client.
struct stream_other {
  std::string incident_id;
  wall_clock::time_point arrived;
};

// One WebSocket client on a plain socket: the upgrade is written by hand and the server's
// frames (unmasked) parsed here, so that each read can carry the kernel's receive time and the
// client's own work stays small. Touched by its connecting coroutine, then by one reader thread.
struct stream_client {
  explicit stream_client(asio::io_context& io) : socket(asio::make_strand(io)) {}
  asio::ip::tcp::socket socket;  // until the upgrade is done; then fd, read by a reader thread
  int fd = -1;
  std::string pending;  // received bytes not yet parsed into frames
  std::string message;  // a fragmented message being assembled
  bool greeted = false;
  std::vector<stream_arrival> arrivals;
  std::vector<stream_other> others;
};

struct stream_load {
  asio::ip::tcp::endpoint server;
  asio::ip::tcp::endpoint writer;  // where the incidents are created: server, or another node
  std::string token;               // creates the incidents
  std::string watch_token;         // signs the WebSockets in
  std::vector<std::unique_ptr<stream_client>> clients;
  std::atomic<std::size_t> attempted{0};  // connections whose upgrade has been answered, either way
  std::atomic<std::size_t> connected{0};  // hello received
  std::atomic<std::size_t> failed{0};
  std::atomic<std::size_t> lost{0};  // connections that ended before the run did
  std::atomic<std::size_t> messages{0};
  std::atomic<std::size_t> created_read{0};
  std::atomic<bool> stopping{false};
  std::mutex mu;
  std::string first_error;
};

void stream_failure(stream_load& load, const std::string& what) {
  std::lock_guard lock(load.mu);
  if (load.first_error.empty()) load.first_error = what;
}

// The value of the string field that starts after `key` ("\"at\":\""), or empty.
std::string_view string_field(std::string_view text, std::string_view key) {
  auto from = text.find(key);
  if (from == std::string_view::npos) return {};
  from += key.size();
  auto to = text.find('"', from);
  return to == std::string_view::npos ? std::string_view{} : text.substr(from, to - from);
}

void note_message(stream_load& load, stream_client& c, std::string_view text, wall_clock::time_point arrived,
                  wall_clock::time_point read) {
  ++load.messages;
  if (!c.greeted) {
    c.greeted = true;
    ++load.connected;
    return;
  }
  if (text.find("\"kind\":\"incident.created\"") == std::string_view::npos) {
    if (auto id = string_field(text, "\"incident_id\":\""); !id.empty()) c.others.push_back({std::string(id), arrived});
    return;
  }
  ++load.created_read;
  c.arrivals.push_back({std::string(string_field(text, "\"incident_id\":\"")),
                        std::string(string_field(text, "\"at\":\"")), arrived, read});
}

// The upgrade request (RFC 6455 4.1; any well-formed key will do, the answer is not checked).
std::string upgrade_request(const std::string& token) {
  std::string out =
      "GET /api/v1/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n";
  return out + "Authorization: Bearer " + token + "\r\n\r\n";
}

// A masked (client to server) control frame with an empty key, e.g. the pong to a ping.
std::string client_frame(std::uint8_t opcode, std::string_view payload) {
  std::string out;
  out += static_cast<char>(0x80 | opcode);
  out += static_cast<char>(0x80 | std::min<std::size_t>(payload.size(), 125));
  out.append(4, '\0');  // masking key 0: the payload goes as is
  out.append(payload.substr(0, 125));
  return out;
}

// Parses the complete frames in c.pending. Returns false when the server closed the stream.
bool parse_frames(stream_load& load, stream_client& c, wall_clock::time_point arrived, wall_clock::time_point read) {
  std::size_t pos = 0;
  bool open = true;
  for (;;) {
    auto avail = c.pending.size() - pos;
    if (avail < 2) break;
    auto b0 = static_cast<std::uint8_t>(c.pending[pos]);
    auto b1 = static_cast<std::uint8_t>(c.pending[pos + 1]);
    std::size_t header = 2;
    std::uint64_t length = b1 & 0x7f;
    if (length == 126) header = 4;
    if (length == 127) header = 10;
    if (avail < header) break;
    if (header > 2) {
      length = 0;
      for (std::size_t i = 2; i < header; ++i) length = (length << 8) | static_cast<std::uint8_t>(c.pending[pos + i]);
    }
    if (avail < header + length) break;
    std::string_view payload(c.pending.data() + pos + header, length);
    pos += header + length;
    auto opcode = b0 & 0x0f;
    bool fin = (b0 & 0x80) != 0;
    if (opcode == 0x8) {
      open = false;
      break;
    }
    if (opcode == 0x9) {
      // Answered at once and synchronously: tiny, and the server pings only an idle peer.
      auto pong = client_frame(0xA, payload);
      (void)::send(c.fd, pong.data(), pong.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      continue;
    }
    if (opcode == 0xA) continue;
    if (opcode == 0x0 || !fin || !c.message.empty()) {
      c.message.append(payload);
      if (!fin) continue;
      note_message(load, c, c.message, arrived, read);
      c.message.clear();
      continue;
    }
    note_message(load, c, payload, arrived, read);
  }
  c.pending.erase(0, pos);
  return open;
}

// One read of what the socket holds, with the kernel's receive time of its data. Returns false
// when the connection ended (then load.lost counts it unless the run is stopping).
bool read_once(stream_load& load, stream_client& c) {
  char data[64 * 1024];
  char control[CMSG_SPACE(sizeof(timespec))];
  iovec iov{data, sizeof data};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  auto n = ::recvmsg(c.fd, &msg, MSG_DONTWAIT);
  auto read = wall_clock::now();
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return true;
  std::string ended = n < 0 ? std::strerror(errno) : "end of stream";
  if (n > 0) {
    auto arrived = read;
    for (auto* cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm)) {
      if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_TIMESTAMPNS) {
        timespec ts{};
        std::memcpy(&ts, CMSG_DATA(cm), sizeof ts);
        arrived = wall_clock::time_point(std::chrono::duration_cast<wall_clock::duration>(
            std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec)));
      }
    }
    c.pending.append(data, static_cast<std::size_t>(n));
    if (parse_frames(load, c, arrived, read)) return true;
    ended = "close frame";
  }
  if (!load.stopping) {
    ++load.lost;
    stream_failure(load, "the stream ended: " + ended);
  }
  return false;
}

// A reader thread: level-triggered epoll over its share of the connections, one read per
// readiness, so that a message costs about one system call (the client shares the two cores
// with the server).
void epoll_reader(stream_load& load, int epoll_fd) {
  epoll_event events[256];
  while (!load.stopping) {
    int n = ::epoll_wait(epoll_fd, events, 256, 100);
    for (int i = 0; i < n; ++i) {
      auto& c = *static_cast<stream_client*>(events[i].data.ptr);
      if (!read_once(load, c)) ::epoll_ctl(epoll_fd, EPOLL_CTL_DEL, c.fd, nullptr);
    }
  }
}

// Connects and upgrades on the io_context, then hands the socket to a reader thread's epoll.
asio::awaitable<void> stream_connect(stream_load& load, stream_client& c, int epoll_fd) {
  auto [cec] = co_await c.socket.async_connect(load.server, use_tuple);
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  res.result(0);  // no answer yet
  beast::error_code hec = cec;
  if (!cec) {
    auto request = upgrade_request(load.watch_token);
    auto [wec, wn] = co_await asio::async_write(c.socket, asio::buffer(request), use_tuple);
    hec = wec;
  }
  if (!hec) {
    http::response_parser<http::string_body> parser;
    parser.skip(false);
    auto [rec, rn] = co_await http::async_read_header(c.socket, buffer, parser, use_tuple);
    hec = rec;
    if (!hec && parser.get().result() != http::status::switching_protocols) {
      // The refusal's body, for the report; its own failure does not matter.
      (void)co_await http::async_read(c.socket, buffer, parser, use_tuple);
      hec = http::error::bad_status;
    }
    res = parser.release();
  }
  ++load.attempted;
  if (hec || res.result() != http::status::switching_protocols) {
    ++load.failed;
    auto answer =
        res.result_int() == 0 ? std::string() : " (HTTP " + std::to_string(res.result_int()) + " " + res.body() + ")";
    stream_failure(load, "upgrade: " + hec.message() + answer);
    co_return;
  }
  // Bytes after the 101 answer (the hello, perhaps more) are frames already.
  auto rest = buffer.cdata();
  c.pending.assign(static_cast<const char*>(rest.data()), rest.size());
  beast::error_code ignored;
  c.fd = c.socket.release(ignored);
  int on = 1;
  ::setsockopt(c.fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on);
  auto now = wall_clock::now();
  if (!parse_frames(load, c, now, now)) {
    ++load.lost;
    stream_failure(load, "the stream ended: close frame");
    co_return;
  }
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.ptr = &c;
  // From here the reader thread owns c (the system call orders the hand-over).
  ::epoll_ctl(epoll_fd, EPOLL_CTL_ADD, c.fd, &ev);
}

// VmRSS of a process in KiB, or -1.
long rss_kib(const std::string& pid) {
  if (pid.empty()) return -1;
  std::ifstream in("/proc/" + pid + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

// User plus system CPU seconds a process has used (utime and stime of /proc/<pid>/stat), or -1.
double cpu_seconds(const std::string& pid) {
  std::ifstream in("/proc/" + pid + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto close = text.rfind(')');  // the command name may hold spaces
  if (close == std::string::npos) return -1;
  std::istringstream fields(text.substr(close + 2));
  std::string skip;
  for (int i = 3; i < 14; ++i) fields >> skip;  // state .. cmajflt: fields 3 to 13
  double utime = 0, stime = 0;
  fields >> utime >> stime;
  return (utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

std::string load_average() {
  std::ifstream in("/proc/loadavg");
  double a = 0, b = 0, c = 0;
  in >> a >> b >> c;
  char out[64];
  std::snprintf(out, sizeof out, "%.2f %.2f %.2f", a, b, c);
  return out;
}

std::string stats_json(std::vector<double> ms) {
  std::sort(ms.begin(), ms.end());
  char out[200];
  std::snprintf(out, sizeof out, "{\"n\":%zu,\"min\":%.2f,\"p50\":%.2f,\"p90\":%.2f,\"p99\":%.2f,\"max\":%.2f}",
                ms.size(), ms.empty() ? 0.0 : ms.front(), percentile(ms, 50), percentile(ms, 90), percentile(ms, 99),
                ms.empty() ? 0.0 : ms.back());
  return out;
}

// One incident created over HTTP.
struct created_incident {
  wall_clock::time_point sent;
  wall_clock::time_point answered;
  std::optional<wall_clock::time_point> at;  // its incident.created's `at`, once an arrival shows it
  std::size_t readers = 0;
  double last_arrival_ms = 0;  // commit (`at`) -> arrival at the last client
};

double ms_between(wall_clock::time_point from, wall_clock::time_point to) {
  return std::chrono::duration<double, std::milli>(to - from).count();
}

// Creates the incidents one after another from one keep-alive connection, each due at a fixed
// time (i / rate after the start); blocking calls on the main thread, away from the readers.
std::unordered_map<std::string, created_incident> create_incidents(const stream_load& load, const std::string& body,
                                                                   std::size_t count, double rate,
                                                                   std::size_t& errors) {
  std::unordered_map<std::string, created_incident> out;
  asio::io_context io;
  asio::ip::tcp::socket socket(io);
  beast::error_code ec;
  socket.connect(load.writer, ec);
  if (ec) {
    std::cerr << "cannot connect for POST /api/v1/incidents: " << ec.message() << "\n";
    errors = count;
    return out;
  }
  socket.set_option(asio::ip::tcp::no_delay(true));
  beast::flat_buffer buffer;
  auto start = clock_type::now();
  for (std::size_t i = 0; i < count; ++i) {
    std::this_thread::sleep_until(start + std::chrono::duration_cast<clock_type::duration>(
                                              std::chrono::duration<double>(static_cast<double>(i) / rate)));
    http::request<http::string_body> req{http::verb::post, "/api/v1/incidents", 11};
    req.set(http::field::host, "127.0.0.1");
    req.set(http::field::authorization, "Bearer " + load.token);
    req.set(http::field::content_type, "application/json");
    req.body() = body;
    req.prepare_payload();
    created_incident inc;
    inc.sent = wall_clock::now();
    http::write(socket, req, ec);
    http::response<http::string_body> res;
    if (!ec) http::read(socket, buffer, res, ec);
    inc.answered = wall_clock::now();
    if (ec) {
      std::cerr << "POST /api/v1/incidents: " << ec.message() << "\n";
      errors += count - i;
      break;
    }
    boost::system::error_code jec;
    auto v = boost::json::parse(res.body(), jec);
    const auto* obj = jec ? nullptr : v.if_object();
    const auto* id = obj ? obj->if_contains("id") : nullptr;
    if (res.result_int() != 201 || !id || !id->is_string()) {
      if (errors++ == 0) std::cerr << "first error: " << res.result_int() << " " << res.body() << "\n";
      continue;
    }
    out.emplace(std::string(id->as_string()), inc);
  }
  return out;
}

// A thousand clients need more descriptors than the usual soft limit of 1024.
void raise_open_file_limit() {
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < lim.rlim_max) {
    lim.rlim_cur = lim.rlim_max;
    setrlimit(RLIMIT_NOFILE, &lim);
  }
}

}  // namespace

int bench_stream(const flags& f) {
  raise_open_file_limit();
  stream_load load;
  load.server = {asio::ip::make_address("127.0.0.1"),
                 static_cast<std::uint16_t>(std::stoul(flag(f, "--port", "8112")))};
  load.writer = {load.server.address(),
                 static_cast<std::uint16_t>(std::stoul(flag(f, "--write-port", flag(f, "--port", "8112"))))};
  load.token = flag(f, "--token", "");
  // The streams may watch as another user (an agency's operator) than the one creating.
  load.watch_token = flag(f, "--watch-token", load.token);
  auto body = flag(f, "--body", "");
  auto clients = std::stoul(flag(f, "--clients", "1000"));
  auto incidents = std::stoul(flag(f, "--incidents", "200"));
  auto rate = std::stod(flag(f, "--rate", "20"));
  auto threads = std::max<std::size_t>(1, std::stoul(flag(f, "--threads", "1")));
  auto pid = flag(f, "--server-pid", "");
  auto load_before = load_average();

  // One thread connects; `threads` reader threads, each with its epoll, read.
  asio::io_context io{1};
  auto guard = asio::make_work_guard(io);
  std::thread connector([&io] { io.run(); });
  std::vector<int> epolls;
  std::vector<std::thread> readers;
  for (std::size_t i = 0; i < threads; ++i) {
    epolls.push_back(::epoll_create1(EPOLL_CLOEXEC));
    readers.emplace_back([&load, fd = epolls.back()] { epoll_reader(load, fd); });
  }

  // Connect, at most 100 handshakes in flight, and wait for every hello.
  long rss_before = rss_kib(pid);
  auto t0 = clock_type::now();
  for (std::size_t i = 0; i < clients; ++i) {
    while (i - load.attempted >= 100) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    load.clients.push_back(std::make_unique<stream_client>(io));
    auto& c = *load.clients.back();
    asio::co_spawn(c.socket.get_executor(), stream_connect(load, c, epolls[i % threads]), asio::detached);
  }
  auto deadline = clock_type::now() + std::chrono::seconds(60);
  while (load.connected + load.failed < clients && clock_type::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  double connect_seconds = std::chrono::duration<double>(clock_type::now() - t0).count();
  // Quiet: nothing read for a second (a backlog or events of others drained).
  for (auto quiet_deadline = clock_type::now() + std::chrono::seconds(30); clock_type::now() < quiet_deadline;) {
    auto seen = load.messages.load();
    std::this_thread::sleep_for(std::chrono::seconds(1));
    if (load.messages == seen) break;
  }
  long rss_connected = rss_kib(pid);
  std::size_t connected = load.connected;
  {
    std::lock_guard lock(load.mu);
    std::cerr << "stream: " << connected << " of " << clients << " clients connected in " << connect_seconds << " s";
    if (!load.first_error.empty()) std::cerr << " (first failure: " << load.first_error << ")";
    std::cerr << "\n";
  }

  std::size_t errors = 0;
  std::size_t messages_before = load.messages;
  double server_cpu_before = pid.empty() ? -1 : cpu_seconds(pid);
  double own_cpu_before = cpu_seconds("self");
  auto run_start = clock_type::now();
  auto created = create_incidents(load, body, incidents, rate, errors);
  std::size_t expected = created.size() * connected;
  auto wait_until = clock_type::now() + std::chrono::seconds(10);
  while (load.created_read < expected && clock_type::now() < wait_until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  long rss_after = rss_kib(pid);
  double run_seconds = std::chrono::duration<double>(clock_type::now() - run_start).count();
  // CPU used while the incidents were created and fanned out, as cores busy on average.
  double server_cores = pid.empty() ? -1 : (cpu_seconds(pid) - server_cpu_before) / run_seconds;
  double own_cores = (cpu_seconds("self") - own_cpu_before) / run_seconds;
  // Every event of the run reaches every client, not only incident.created.
  double events_per_incident =
      created.empty() || connected == 0
          ? 0.0
          : static_cast<double>(load.messages - messages_before) / static_cast<double>(connected * created.size());

  load.stopping = true;
  for (auto& t : readers) t.join();
  for (auto& c : load.clients) {
    asio::post(c->socket.get_executor(), [&c = *c] {
      beast::error_code ignored;
      c.socket.close(ignored);  // a connection still upgrading
      if (c.fd >= 0) ::close(c.fd);
    });
  }
  guard.reset();
  connector.join();
  for (auto fd : epolls) ::close(fd);
  // The sockets go before the io_context they were made on.
  std::vector<std::vector<stream_arrival>> arrivals;
  std::vector<std::vector<stream_other>> others;
  for (auto& c : load.clients) {
    arrivals.push_back(std::move(c->arrivals));
    others.push_back(std::move(c->others));
  }
  load.clients.clear();

  // Every (incident, client) pair: arrival (kernel receive time) from the three instants, and
  // the client's read from the commit.
  std::vector<double> commit_arrival, send_arrival, answer_arrival, commit_read, create_ms, last_arrival;
  std::size_t foreign = 0;  // incident.created of incidents this run did not create
  for (const auto& mine : arrivals) {
    for (const auto& a : mine) {
      auto it = created.find(a.incident_id);
      if (it == created.end()) {
        ++foreign;
        continue;
      }
      auto& inc = it->second;
      if (!inc.at) {
        auto at = core::parse_iso8601(a.at);
        if (!at) {
          std::cerr << "cannot read the event's at '" << a.at << "'\n";
          return 1;
        }
        inc.at = std::chrono::time_point_cast<wall_clock::duration>(*at);
      }
      ++inc.readers;
      double latency = ms_between(*inc.at, a.arrived);
      inc.last_arrival_ms = std::max(inc.last_arrival_ms, latency);
      commit_arrival.push_back(latency);
      send_arrival.push_back(ms_between(inc.sent, a.arrived));
      answer_arrival.push_back(ms_between(inc.answered, a.arrived));
      commit_read.push_back(ms_between(*inc.at, a.read));
    }
  }
  // The other events of the incidents (the dispatch, written in the same transaction), from
  // the incident.created's `at`.
  std::vector<double> others_arrival;
  for (const auto& mine : others) {
    for (const auto& o : mine) {
      if (auto it = created.find(o.incident_id); it != created.end() && it->second.at) {
        others_arrival.push_back(ms_between(*it->second.at, o.arrived));
      }
    }
  }
  std::size_t incomplete = 0, missing = 0;
  for (const auto& [id, inc] : created) {
    create_ms.push_back(ms_between(inc.sent, inc.answered));
    if (inc.readers) last_arrival.push_back(inc.last_arrival_ms);
    if (inc.readers < connected) {
      ++incomplete;
      missing += connected - inc.readers;
    }
  }
  std::printf(
      "{\"bench\":\"stream_fanout\",\"clients\":%zu,\"connected\":%zu,\"connect_seconds\":%.2f,\"lost\":%zu,"
      "\"incidents\":%zu,\"create_errors\":%zu,\"rate\":%.1f,\"reader_threads\":%zu,\"events_per_incident\":%.2f,"
      "\"pairs\":%zu,\"missing_pairs\":%zu,\"incidents_missed_by_some\":%zu,\"foreign_events\":%zu,"
      "\"commit_to_arrival_ms\":%s,\"send_to_arrival_ms\":%s,\"answer_to_arrival_ms\":%s,"
      "\"commit_to_last_arrival_ms\":%s,\"commit_to_read_ms\":%s,\"other_events_commit_to_arrival_ms\":%s,"
      "\"create_http_ms\":%s,\"run_seconds\":%.1f,\"server_cores\":%.2f,\"bench_cores\":%.2f,"
      "\"server_rss_kib\":{\"before\":%ld,\"connected\":%ld,\"after\":%ld},"
      "\"loadavg\":{\"before\":\"%s\",\"after\":\"%s\"}}\n",
      clients, connected, connect_seconds, load.lost.load(), created.size(), errors, rate, threads, events_per_incident,
      commit_arrival.size(), missing, incomplete, foreign, stats_json(commit_arrival).c_str(),
      stats_json(send_arrival).c_str(), stats_json(answer_arrival).c_str(), stats_json(last_arrival).c_str(),
      stats_json(commit_read).c_str(), stats_json(others_arrival).c_str(), stats_json(create_ms).c_str(), run_seconds,
      server_cores, own_cores, rss_before, rss_connected, rss_after, load_before.c_str(), load_average().c_str());
  if (!load.first_error.empty()) std::cerr << "first failure: " << load.first_error << "\n";
  bool complete = connected == clients && missing == 0 && errors == 0 && load.lost == 0;
  return complete ? 0 : 1;
}

}  // namespace siaga::bench
