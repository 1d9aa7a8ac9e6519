// WebSocket frames from a client as the server reads them (net/websocket_session.cpp): an
// upgrade request, then the fuzzer's bytes as frames, read by Beast's server-side stream
// with the server's message limit, until the input ends or the stream fails.
#include "fuzz_support.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/beast/_experimental/test/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket/stream.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace beast = boost::beast;
  namespace websocket = beast::websocket;
  static constexpr std::string_view upgrade =
      "GET /api/v1/stream HTTP/1.1\r\nHost: 127.0.0.1:8112\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
  boost::asio::io_context io;
  // The server's end reads the upgrade and the frames, then end of stream; what it writes
  // (the handshake answer, pongs, a close) goes to the client's end, which nobody reads.
  beast::test::stream peer(io);
  beast::test::stream client(io);
  peer.connect(client);
  peer.append(upgrade);
  peer.append(std::string_view(reinterpret_cast<const char*>(data), size));
  peer.close_remote();
  websocket::stream<beast::test::stream&> ws(peer);
  ws.read_message_max(64 * 1024);  // server_options::websocket_message_limit
  beast::error_code ec;
  ws.accept(ec);
  SIAGA_FUZZ_ASSERT(!ec);
  for (int i = 0; i < 64 && !ec; ++i) {
    beast::flat_buffer buffer;
    ws.read(buffer, ec);
    if (!ec) SIAGA_FUZZ_ASSERT(buffer.size() <= 64 * 1024);
  }
  return 0;
}
