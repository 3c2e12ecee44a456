// The API's error bodies and the mapping from astra_status to HTTP status codes.
#pragma once

#include <astra/connector.h>
#include <astra/core/result.hpp>

#include <string>
#include <string_view>

namespace astra::host {

// INVALID_ARGUMENT 400, NOT_FOUND 404, UNAUTHENTICATED 401, PERMISSION_DENIED 403,
// RESOURCE_EXHAUSTED 429, UNAVAILABLE 503, DEADLINE_EXCEEDED 504, FAILED_PRECONDITION 409,
// UNIMPLEMENTED 501, REJECTED 422, UNKNOWN_OUTCOME and UPSTREAM 502, OK 200, anything else 500.
unsigned http_status(astra_status status) noexcept;

// The code used when an error carries none: "bad_request", "not_found", ...
std::string_view default_error_code(astra_status status) noexcept;

// {"error":{"code":C,"message":M}}; invalid UTF-8 in the message is replaced, never thrown.
std::string error_json(std::string_view code, std::string_view message);
std::string error_json(const core::Error& error);

// An error from a venue or the core ({"code","message"}, or already {"error":{...}}, or anything
// else) as the API's error body.
std::string wrap_error_json(astra_status status, std::string_view json);

}  // namespace astra::host
