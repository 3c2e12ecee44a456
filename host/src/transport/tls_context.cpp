#include "transport/tls_context.hpp"

namespace astra::host {

core::Result<std::shared_ptr<boost::asio::ssl::context>> make_client_tls_context(
    const std::string& extra_ca_file) {
  namespace ssl = boost::asio::ssl;
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
  boost::system::error_code ec;
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                       ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1,
                   ec);
  ctx->set_default_verify_paths(ec);
  if (ec)
    return core::make_error(ASTRA_E_INTERNAL, "tls_setup",
                            "cannot load the system trust store: " + ec.message());
  if (!extra_ca_file.empty()) {
    ctx->load_verify_file(extra_ca_file, ec);
    if (ec)
      return core::make_error(ASTRA_E_INVALID_ARGUMENT, "bad_ca_file",
                              "cannot load CA file '" + extra_ca_file + "': " + ec.message());
  }
  ctx->set_verify_mode(ssl::verify_peer);
  return ctx;
}

}  // namespace astra::host
