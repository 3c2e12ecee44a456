#include "cli/cli.hpp"

#include "version.hpp"

#include <ostream>

namespace astra::host::cli {

const char* const kUsage =
    "usage: astra <command> [options]\n"
    "\n"
    "commands:\n"
    "  serve [--config FILE] [--sandbox]     run the gateway (default config/astra.yaml);\n"
    "                                        --sandbox: offline, against in-process simulators\n"
    "  keys create [--label L] [--config FILE]\n"
    "  keys list [--config FILE]\n"
    "  keys revoke ID [--config FILE]        manage API keys\n"
    "  replay --venue V --capture FILE [--market M]... [--plugin-dir DIR] [--settings JSON]\n"
    "                                        feed a recorded capture through a plugin, offline\n"
    "  version                               print the version\n";

std::filesystem::path default_plugin_dir(const std::filesystem::path& executable) {
  return (executable.parent_path() / ".." / "lib" / "astra" / "plugins").lexically_normal();
}

std::filesystem::path executable_path(const char* argv0) {
  std::error_code ec;
  auto p = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) return p;
  return std::filesystem::absolute(argv0 ? argv0 : "astra", ec);
}

int version_command(Context& ctx) {
  if (!ctx.args.empty()) {
    ctx.err << "astra version: takes no arguments\n" << kUsage;
    return kExitUsage;
  }
  ctx.out << "astra " << version() << "\n";
  return kExitOk;
}

int run(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
  if (argc < 2) {
    err << kUsage;
    return kExitUsage;
  }
  const std::string command = argv[1];
  Context ctx{std::vector<std::string>(argv + 2, argv + argc), executable_path(argv[0]), out, err};
  if (command == "version" || command == "--version") return version_command(ctx);
  if (command == "serve") return serve_command(ctx);
  if (command == "keys") return keys_command(ctx);
  if (command == "replay") return replay_command(ctx);
  if (command == "help" || command == "--help" || command == "-h") {
    out << kUsage;
    return kExitOk;
  }
  err << "astra: unknown command '" << command << "'\n" << kUsage;
  return kExitUsage;
}

}  // namespace astra::host::cli
