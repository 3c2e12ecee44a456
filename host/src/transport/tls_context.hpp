// The client TLS context: peers are verified against the OS trust store, plus an optional extra
// CA file (a private CA, or a simulator's certificate in tests).
#pragma once

#include <astra/core/result.hpp>

#include <boost/asio/ssl/context.hpp>

#include <memory>
#include <string>

namespace astra::host {

// Errors: an unreadable or invalid CA file (ASTRA_E_INVALID_ARGUMENT, code "bad_ca_file").
core::Result<std::shared_ptr<boost::asio::ssl::context>> make_client_tls_context(
    const std::string& extra_ca_file);

}  // namespace astra::host
