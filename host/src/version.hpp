#pragma once

#include <string_view>

namespace astra::host {

// The gateway's version, and the connector ABI it speaks.
std::string_view version() noexcept;

}  // namespace astra::host
