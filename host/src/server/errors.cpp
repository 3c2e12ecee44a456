#include "server/errors.hpp"

#include <nlohmann/json.hpp>

namespace astra::host {

unsigned http_status(astra_status status) noexcept {
  switch (status) {
    case ASTRA_OK:
      return 200;
    case ASTRA_E_INVALID_ARGUMENT:
      return 400;
    case ASTRA_E_NOT_FOUND:
      return 404;
    case ASTRA_E_UNAUTHENTICATED:
      return 401;
    case ASTRA_E_PERMISSION_DENIED:
      return 403;
    case ASTRA_E_RESOURCE_EXHAUSTED:
      return 429;
    case ASTRA_E_UNAVAILABLE:
      return 503;
    case ASTRA_E_DEADLINE_EXCEEDED:
      return 504;
    case ASTRA_E_FAILED_PRECONDITION:
      return 409;
    case ASTRA_E_UNIMPLEMENTED:
      return 501;
    case ASTRA_E_REJECTED:
      return 422;
    case ASTRA_E_UNKNOWN_OUTCOME:
    case ASTRA_E_UPSTREAM:
      return 502;
    default:
      return 500;
  }
}

std::string_view default_error_code(astra_status status) noexcept {
  switch (status) {
    case ASTRA_E_INVALID_ARGUMENT:
      return "bad_request";
    case ASTRA_E_NOT_FOUND:
      return "not_found";
    case ASTRA_E_UNAUTHENTICATED:
      return "unauthenticated";
    case ASTRA_E_PERMISSION_DENIED:
      return "permission_denied";
    case ASTRA_E_RESOURCE_EXHAUSTED:
      return "rate_limited";
    case ASTRA_E_UNAVAILABLE:
      return "unavailable";
    case ASTRA_E_DEADLINE_EXCEEDED:
      return "deadline_exceeded";
    case ASTRA_E_FAILED_PRECONDITION:
      return "failed_precondition";
    case ASTRA_E_UNIMPLEMENTED:
      return "unimplemented";
    case ASTRA_E_REJECTED:
      return "rejected";
    case ASTRA_E_UNKNOWN_OUTCOME:
      return "unknown_outcome";
    case ASTRA_E_UPSTREAM:
      return "upstream_error";
    default:
      return "internal";
  }
}

std::string error_json(std::string_view code, std::string_view message) {
  nlohmann::json j = {{"error", {{"code", code}, {"message", message}}}};
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string error_json(const core::Error& error) {
  return error_json(error.code.empty() ? default_error_code(error.status) : error.code,
                    error.message);
}

std::string wrap_error_json(astra_status status, std::string_view json) {
  std::string code(default_error_code(status));
  std::string message;
  auto j = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (j.is_object() && j.contains("error") && j["error"].is_object()) j = j["error"];
  if (j.is_object()) {
    if (auto it = j.find("code"); it != j.end() && it->is_string() && !it->empty()) {
      code = it->get<std::string>();
    }
    if (auto it = j.find("message"); it != j.end() && it->is_string()) {
      message = it->get<std::string>();
    }
  }
  return error_json(code, message);
}

}  // namespace astra::host
