// Loads connector plugins: <dir>/<id>.so, its astra_connector_entry, and checks of its table.
// Boost.DLL is only a portable dlopen here: nothing but the C ABI crosses the boundary.
#pragma once

#include <astra/connector.h>
#include <astra/core/result.hpp>

#include <cstddef>
#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <string_view>

namespace boost::dll {
class shared_library;
}

namespace astra::host {

class Logger;

// The size of the v1.0 connector table: a plugin's struct_size must be at least this.
inline constexpr size_t kConnectorApiV1Size =
    offsetof(astra_connector_api, accept_quote) + sizeof(astra_connector_api::accept_quote);

// A loaded, checked plugin. Instances keep `library` (and so the code) alive.
struct LoadedPlugin {
  std::shared_ptr<boost::dll::shared_library> library;
  const astra_connector_api* api = nullptr;
  std::string id;
  std::string exchange;
  std::string version;
  std::filesystem::path path;
};

class PluginLoader {
 public:
  explicit PluginLoader(Logger& log) : log_(log) {}

  // Loads <dir>/<id>.so.
  core::Result<LoadedPlugin> load(const std::filesystem::path& dir, std::string_view id);
  // Loads a plugin file; its id must equal the file's base name. Errors (status
  // ASTRA_E_INCOMPATIBLE or ASTRA_E_INVALID_ARGUMENT, code "plugin_refused") are also logged.
  core::Result<LoadedPlugin> load_file(const std::filesystem::path& file);

 private:
  core::Error refuse(const std::filesystem::path& file, astra_status status, std::string message);

  Logger& log_;
  std::set<std::string, std::less<>> loaded_ids_;
};

}  // namespace astra::host
