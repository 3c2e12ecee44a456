#include "version.hpp"

namespace astra::host {

std::string_view version() noexcept {
  return "0.1.0 (connector ABI 1.0)";
}

}  // namespace astra::host
