#include <astra/core/config.hpp>
#include <astra/core/key_store.hpp>

#include "cli/args.hpp"
#include "cli/cli.hpp"

#include <nlohmann/json.hpp>

#include <ostream>

namespace astra::host::cli {

namespace {

constexpr const char* kDefaultConfig = "config/astra.yaml";

}  // namespace

int keys_command(Context& ctx) {
  const auto p = parse_args(ctx.args, {"--config", "--label"});
  if (!p.error.empty() || p.positional.empty()) {
    ctx.err << "astra keys: " << (p.error.empty() ? "which action?" : p.error) << "\n" << kUsage;
    return kExitUsage;
  }
  const std::string action = p.positional[0];
  const bool ok_shape = (action == "create" && p.positional.size() == 1) ||
                        (action == "list" && p.positional.size() == 1 && !p.get("--label")) ||
                        (action == "revoke" && p.positional.size() == 2 && !p.get("--label"));
  if (!ok_shape) {
    ctx.err << "astra keys: bad arguments for '" << action << "'\n" << kUsage;
    return kExitUsage;
  }

  const std::string config_path = p.get("--config").value_or(kDefaultConfig);
  auto config = core::load_config(config_path);
  if (!config.ok()) {
    ctx.err << "astra: " << config.error().message << "\n";
    return kExitUsage;
  }
  auto store = core::KeyStore::open(config->state_path);
  if (!store.ok()) {
    ctx.err << "astra: cannot open the key store: " << store.error().message << "\n";
    return kExitFailure;
  }
  core::KeyStore& keys = **store;

  if (action == "create") {
    auto key = keys.create(p.get("--label").value_or(""));
    if (!key.ok()) {
      ctx.err << "astra: " << key.error().message << "\n";
      return kExitFailure;
    }
    ctx.out << "Created API key (shown once): " << *key << "\n";
    return kExitOk;
  }
  if (action == "list") {
    auto list = keys.list();
    if (!list.ok()) {
      ctx.err << "astra: " << list.error().message << "\n";
      return kExitFailure;
    }
    nlohmann::json out = nlohmann::json::array();
    for (const auto& k : *list)
      out.push_back(
          {{"id", k.id}, {"label", k.label}, {"created", k.created_us}, {"revoked", k.revoked}});
    ctx.out << out.dump(2) << "\n";
    return kExitOk;
  }
  auto revoked = keys.revoke(p.positional[1]);
  if (!revoked.ok()) {
    ctx.err << "astra: " << revoked.error().message << "\n";
    return kExitFailure;
  }
  ctx.out << "Revoked API key " << p.positional[1] << "\n";
  return kExitOk;
}

}  // namespace astra::host::cli
