// The listening side of a server for one configured endpoint ("host:port"), shared by the
// HTTP/1.1 and the HTTP/2 (gRPC) servers: binds every address the host resolves to and accepts
// connections on the collector's shared io_context, each onto a strand of its own.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace ocelot::net {

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  // Runs on an io thread for each accepted connection; the socket's executor is a new strand.
  using AcceptHandler = std::function<void(boost::asio::ip::tcp::socket)>;

  // Binds. A busy port or bad address fails here with one line naming the endpoint: "listen on
  // localhost:4318: address already in use". A host that resolves to several addresses
  // ("localhost": 127.0.0.1 and ::1) is bound on each (with port 0, on the same port); addresses
  // this host cannot use (::1 with IPv6 disabled) are skipped. An empty host means every
  // interface, IPv4 and IPv6 on one dual-stack socket, like Go's ":4318".
  static absl::StatusOr<std::shared_ptr<Listener>> Open(boost::asio::io_context& io,
                                                        const std::string& endpoint);

  // Starts accepting; `on_accept` is called until Close.
  void Start(AcceptHandler on_accept);
  // Stops accepting; idempotent, any thread. An accept already completing may still be handed
  // over, so owners check their own stopped state in `on_accept`.
  void Close();
  uint16_t port() const { return port_; }

  explicit Listener(boost::asio::io_context& io) : io_(io) {}

 private:
  struct Acceptor {
    explicit Acceptor(boost::asio::io_context& io) : acceptor(io), retry(io) {}
    boost::asio::ip::tcp::acceptor acceptor;
    boost::asio::steady_timer retry;  // delays the next accept after a resource error (EMFILE)
  };

  absl::Status Listen(const std::string& endpoint);
  // Opens, binds and listens; on success appends to acceptors_ (the first sets port_).
  boost::system::error_code Bind(const boost::asio::ip::tcp::endpoint& endpoint, bool v6_only);
  void AcceptLocked(Acceptor* acceptor);
  void OnAccept(Acceptor* acceptor, const boost::system::error_code& ec,
                boost::asio::ip::tcp::socket socket);

  boost::asio::io_context& io_;
  uint16_t port_ = 0;  // set by Listen, then constant
  // Guards acceptors_ and closed_: acceptors are re-armed on io threads and closed on any
  // thread, and Asio objects must not be used concurrently.
  std::mutex mu_;
  std::vector<std::unique_ptr<Acceptor>> acceptors_;
  AcceptHandler on_accept_;
  bool closed_ = false;
};

// Shuts a connection's socket down both ways and closes it, ignoring errors (the peer may be gone).
void CloseQuietly(boost::asio::ip::tcp::socket& socket);

// "Address already in use" → "address already in use": error texts go after a colon.
std::string LowerFirst(std::string s);

}  // namespace ocelot::net
