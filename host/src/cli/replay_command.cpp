#include <astra/core/messages.hpp>

#include "cli/args.hpp"
#include "cli/cli.hpp"
#include "replay/replay_run.hpp"
#include "runtime/logger.hpp"

#include <ostream>

namespace astra::host::cli {

// stdout carries exactly one JSON object: the summary, or {"error":{...}}.
int replay_command(Context& ctx) {
  const auto p = parse_args(
      ctx.args, {"--venue", "--capture", "--market", "--plugin-dir", "--settings"}, {"--market"});
  std::string problem = p.error;
  if (problem.empty() && !p.positional.empty()) problem = "unexpected argument " + p.positional[0];
  if (problem.empty() && !p.get("--venue")) problem = "--venue is required";
  if (problem.empty() && !p.get("--capture")) problem = "--capture is required";
  if (!problem.empty()) {
    ctx.out << core::encode_error_json("bad_arguments", "astra replay: " + problem) << "\n";
    ctx.err << "astra replay: " << problem << "\n" << kUsage;
    return kExitUsage;
  }
  replay::ReplayOptions o;
  o.venue = *p.get("--venue");
  o.capture_path = *p.get("--capture");
  o.markets = p.all("--market");
  // The venue's settings (JSON), as its YAML section would give them: e.g. which feed or
  // protocol version the recording speaks.
  o.settings_json = p.get("--settings").value_or("{}");
  o.plugin_dir = p.get("--plugin-dir").value_or(default_plugin_dir(ctx.executable).string());

  Logger log(LogLevel::warn);  // diagnostics to stderr; stdout stays one JSON object
  auto summary = replay::run_replay(o, log);
  if (!summary.ok()) {
    ctx.out << core::encode_error_json(summary.error().code, summary.error().message) << "\n";
    return kExitFailure;
  }
  ctx.out << *summary << "\n";
  return kExitOk;
}

}  // namespace astra::host::cli
