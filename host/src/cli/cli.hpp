// The `astra` command line: version, serve, keys, replay.
#pragma once

#include <filesystem>
#include <iosfwd>
#include <string>
#include <vector>

namespace astra::host::cli {

// What every command gets: its arguments (after the command name), the executable's path (to
// find the default plugin folder) and the output streams.
struct Context {
  std::vector<std::string> args;
  std::filesystem::path executable;
  std::ostream& out;
  std::ostream& err;
};

// Exit codes.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;  // bad arguments or a bad configuration

// Runs `astra <argv...>`; returns the exit code.
int run(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

int version_command(Context& ctx);
int serve_command(Context& ctx);
int keys_command(Context& ctx);
int replay_command(Context& ctx);

// <dir of the executable>/../lib/astra/plugins
std::filesystem::path default_plugin_dir(const std::filesystem::path& executable);
// The running executable (/proc/self/exe), or argv0 when that is unavailable.
std::filesystem::path executable_path(const char* argv0);

extern const char* const kUsage;

}  // namespace astra::host::cli
