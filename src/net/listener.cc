#include "net/listener.h"

#include <algorithm>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/strand.hpp>

#include "absl/status/status.h"
#include "config/values.h"

namespace ocelot::net {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using boost::system::error_code;

// The address family or address does not exist on this host (IPv6 disabled, say).
bool Unusable(const error_code& ec) {
  return ec == asio::error::address_family_not_supported ||
         ec == boost::system::errc::address_not_available;
}

}  // namespace

std::string LowerFirst(std::string s) {
  if (!s.empty() && s[0] >= 'A' && s[0] <= 'Z') s[0] = static_cast<char>(s[0] - 'A' + 'a');
  return s;
}

void CloseQuietly(tcp::socket& socket) {
  error_code ignored;
  socket.shutdown(tcp::socket::shutdown_both, ignored);
  socket.close(ignored);
}

absl::StatusOr<std::shared_ptr<Listener>> Listener::Open(asio::io_context& io,
                                                         const std::string& endpoint) {
  auto listener = std::make_shared<Listener>(io);
  if (absl::Status s = listener->Listen(endpoint); !s.ok()) return s;
  return listener;
}

error_code Listener::Bind(const tcp::endpoint& endpoint, bool v6_only) {
  auto acceptor = std::make_unique<Acceptor>(io_);
  tcp::acceptor& a = acceptor->acceptor;
  error_code ec;
  a.open(endpoint.protocol(), ec);
  if (!ec && endpoint.address().is_v6()) a.set_option(asio::ip::v6_only(v6_only), ec);
  // As Go does: lets a restarted collector bind while old connections sit in TIME_WAIT (it does
  // not let two listeners share the port).
  if (!ec) a.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) a.bind(endpoint, ec);
  if (!ec) a.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return ec;
  if (acceptors_.empty()) port_ = a.local_endpoint().port();
  acceptors_.push_back(std::move(acceptor));
  return ec;
}

absl::Status Listener::Listen(const std::string& endpoint_text) {
  absl::StatusOr<config::HostPort> hp = config::ParseEndpoint(endpoint_text);
  if (!hp.ok()) return hp.status();
  auto failed = [&](const error_code& ec) {
    acceptors_.clear();
    return absl::UnavailableError("listen on " + endpoint_text + ": " + LowerFirst(ec.message()));
  };

  error_code ec;
  if (hp->host.empty()) {
    ec = Bind(tcp::endpoint(asio::ip::address_v6::any(), hp->port), /*v6_only=*/false);
    if (Unusable(ec)) ec = Bind(tcp::endpoint(asio::ip::address_v4::any(), hp->port), false);
    return ec ? failed(ec) : absl::OkStatus();
  }

  std::vector<tcp::endpoint> endpoints;
  if (asio::ip::address addr = asio::ip::make_address(hp->host, ec); !ec) {
    endpoints.emplace_back(addr, hp->port);
  } else {
    tcp::resolver resolver(io_);
    auto results = resolver.resolve(hp->host, std::to_string(hp->port),
                                    tcp::resolver::passive | tcp::resolver::numeric_service, ec);
    if (ec) {
      return absl::InvalidArgumentError("listen on " + endpoint_text + ": cannot resolve \"" +
                                        hp->host + "\": " + LowerFirst(ec.message()));
    }
    for (const auto& entry : results) {
      if (std::find(endpoints.begin(), endpoints.end(), entry.endpoint()) == endpoints.end()) {
        endpoints.push_back(entry.endpoint());
      }
    }
    if (endpoints.empty()) {
      return absl::InvalidArgumentError("listen on " + endpoint_text + ": \"" + hp->host +
                                        "\" resolves to no address");
    }
  }

  // Every address must bind (a busy port on any is an error) except those this host cannot
  // use at all, such as ::1 with IPv6 disabled; at least one must.
  error_code first_unusable;
  for (tcp::endpoint endpoint : endpoints) {
    if (!acceptors_.empty() && hp->port == 0) endpoint.port(port_);  // one port for all
    ec = Bind(endpoint, /*v6_only=*/endpoints.size() > 1);
    if (Unusable(ec)) {
      if (!first_unusable) first_unusable = ec;
      continue;
    }
    if (ec) return failed(ec);
  }
  return acceptors_.empty() ? failed(first_unusable) : absl::OkStatus();
}

void Listener::Start(AcceptHandler on_accept) {
  std::lock_guard<std::mutex> lock(mu_);
  on_accept_ = std::move(on_accept);
  for (auto& a : acceptors_) AcceptLocked(a.get());
}

void Listener::AcceptLocked(Acceptor* acceptor) {
  acceptor->acceptor.async_accept(
      asio::make_strand(io_),
      [self = shared_from_this(), acceptor](const error_code& ec, tcp::socket socket) {
        self->OnAccept(acceptor, ec, std::move(socket));
      });
}

// Runs on an io thread.
void Listener::OnAccept(Acceptor* acceptor, const error_code& ec, tcp::socket socket) {
  AcceptHandler handler;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (closed_ || ec == asio::error::operation_aborted) return;  // the socket closes itself
    if (!ec) {
      handler = on_accept_;
      AcceptLocked(acceptor);
    } else if (ec == asio::error::connection_aborted) {
      AcceptLocked(acceptor);  // that client gave up; the next one may not
    } else {
      // Out of descriptors or memory: retrying at once would spin.
      acceptor->retry.expires_after(std::chrono::milliseconds(100));
      acceptor->retry.async_wait([self = shared_from_this(), acceptor](const error_code& ec) {
        std::lock_guard<std::mutex> lock(self->mu_);
        if (!ec && !self->closed_) self->AcceptLocked(acceptor);
      });
    }
  }
  if (handler) {
    error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);  // answers are small; don't delay them
    handler(std::move(socket));
  }
}

void Listener::Close() {
  std::lock_guard<std::mutex> lock(mu_);
  if (closed_) return;
  closed_ = true;
  on_accept_ = nullptr;  // it may own whoever owns this listener
  for (auto& a : acceptors_) {
    error_code ignored;
    a->acceptor.close(ignored);
    a->retry.cancel();
  }
}

}  // namespace ocelot::net
