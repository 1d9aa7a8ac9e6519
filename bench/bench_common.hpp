// What siaga_bench's benchmarks share (siaga_bench.cpp: the store ceiling and HTTP load;
// stream_bench.cpp: the stream fan-out): flags, percentiles and the coroutine style.
#pragma once

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace siaga::bench {

namespace asio = boost::asio;
using clock_type = std::chrono::steady_clock;
inline constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

// The command line's --name value pairs.
using flags = std::map<std::string, std::string>;

// A flag's value, or fallback when it was not given.
inline std::string flag(const flags& f, const std::string& name, const std::string& fallback) {
  auto it = f.find(name);
  return it == f.end() ? fallback : it->second;
}

// The p-th percentile (0..100) of sorted values, nearest rank; 0 for none.
inline double percentile(std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  auto idx = static_cast<std::size_t>(p / 100.0 * static_cast<double>(sorted.size() - 1) + 0.5);
  return sorted[std::min(idx, sorted.size() - 1)];
}

// siaga_bench stream (stream_bench.cpp), as siaga_bench.cpp's usage says. Returns the exit code:
// 0 when every client had every event, 1 when one missed an event, lost its connection or could
// not connect, 2 for bad flags.
int bench_stream(const flags& f);

}  // namespace siaga::bench
