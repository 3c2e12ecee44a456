#include "loader/plugin_loader.hpp"

#include "runtime/logger.hpp"

#include <boost/dll/shared_library.hpp>

#include <cstring>
#include <utility>

namespace astra::host {

namespace {

std::string version_text(uint32_t major, uint32_t minor) {
  return std::to_string(major) + "." + std::to_string(minor);
}

// The first required function pointer that is NULL, or nullptr. Private operations may be NULL
// (they then answer ASTRA_E_UNIMPLEMENTED); everything else a v1.0 host calls is required.
const char* missing_function(const astra_connector_api& t) {
  struct Required {
    const char* name;
    bool present;
  };
  const Required required[] = {
      {"create", t.create != nullptr},
      {"destroy", t.destroy != nullptr},
      {"on_http_response", t.on_http_response != nullptr},
      {"on_ws_open", t.on_ws_open != nullptr},
      {"on_ws_message", t.on_ws_message != nullptr},
      {"on_ws_close", t.on_ws_close != nullptr},
      {"on_timer", t.on_timer != nullptr},
      {"list_markets", t.list_markets != nullptr},
      {"get_orderbook", t.get_orderbook != nullptr},
      {"subscribe", t.subscribe != nullptr},
      {"unsubscribe", t.unsubscribe != nullptr},
  };
  for (const auto& r : required)
    if (!r.present) return r.name;
  return nullptr;
}

bool is_text(const char* s) {
  return s != nullptr && *s != '\0' && std::strlen(s) < 256;
}

}  // namespace

core::Error PluginLoader::refuse(const std::filesystem::path& file, astra_status status,
                                 std::string message) {
  log_.error("plugin " + file.string() + " refused: " + message);
  return core::make_error(status, "plugin_refused", std::move(message));
}

core::Result<LoadedPlugin> PluginLoader::load(const std::filesystem::path& dir,
                                              std::string_view id) {
  return load_file(dir / (std::string(id) + ".so"));
}

core::Result<LoadedPlugin> PluginLoader::load_file(const std::filesystem::path& file) {
  const std::string expected_id = file.stem().string();
  if (loaded_ids_.count(expected_id) != 0)
    return refuse(file, ASTRA_E_INVALID_ARGUMENT,
                  "plugin '" + expected_id + "' is already loaded (duplicate id)");

  std::error_code ec;  // Boost.DLL uses std types with BOOST_DLL_USE_STD_FS
  auto library = std::make_shared<boost::dll::shared_library>();
  library->load(file, ec, boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local);
  if (ec || !library->is_loaded())
    return refuse(file, ASTRA_E_NOT_FOUND, "cannot load the library: " + ec.message());
  if (!library->has(ASTRA_CONNECTOR_ENTRY_NAME))
    return refuse(file, ASTRA_E_INCOMPATIBLE,
                  "no " ASTRA_CONNECTOR_ENTRY_NAME " symbol: not an Astra connector");

  auto* entry =
      library->get<const astra_connector_api*(uint32_t, uint32_t)>(ASTRA_CONNECTOR_ENTRY_NAME);
  const astra_connector_api* api = entry(ASTRA_ABI_VERSION_MAJOR, ASTRA_ABI_VERSION_MINOR);
  const std::string host_abi = version_text(ASTRA_ABI_VERSION_MAJOR, ASTRA_ABI_VERSION_MINOR);
  if (api == nullptr)
    return refuse(file, ASTRA_E_INCOMPATIBLE,
                  "plugin " + expected_id + " cannot serve connector ABI " + host_abi +
                      " (its entry point returned no table)");
  // abi_major sits at the same offset in every version; read it before trusting struct_size.
  if (api->abi_major != ASTRA_ABI_VERSION_MAJOR)
    return refuse(file, ASTRA_E_INCOMPATIBLE,
                  "plugin " + expected_id + " speaks connector ABI " +
                      version_text(api->abi_major, api->abi_minor) + "; this host speaks " +
                      host_abi);
  if (api->struct_size < kConnectorApiV1Size)
    return refuse(file, ASTRA_E_INCOMPATIBLE,
                  "plugin " + expected_id + " has a connector table of " +
                      std::to_string(api->struct_size) + " bytes, smaller than the v1.0 table (" +
                      std::to_string(kConnectorApiV1Size) + " bytes)");
  if (const char* missing = missing_function(*api))
    return refuse(file, ASTRA_E_INCOMPATIBLE,
                  "plugin " + expected_id + " lacks the required function '" + missing + "'");
  if (!is_text(api->id) || !is_text(api->exchange) || api->version == nullptr)
    return refuse(file, ASTRA_E_INCOMPATIBLE,
                  "plugin " + expected_id + " has no id, exchange or version text");
  if (expected_id != api->id)
    return refuse(file, ASTRA_E_INVALID_ARGUMENT,
                  std::string("plugin id '") + api->id + "' does not match its file name '" +
                      file.filename().string() + "' (expected id '" + expected_id + "')");

  LoadedPlugin out;
  out.library = std::move(library);
  out.api = api;
  out.id = api->id;
  out.exchange = api->exchange;
  out.version = api->version;
  out.path = file;
  loaded_ids_.insert(out.id);
  log_.info("loaded plugin " + out.id + " " + out.version + " (exchange " + out.exchange +
            ", connector ABI " + version_text(api->abi_major, api->abi_minor) + ") from " +
            file.string());
  return out;
}

}  // namespace astra::host
