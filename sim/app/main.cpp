// astra-sim: runs a venue simulator on 127.0.0.1 until SIGINT or SIGTERM.
//
//   astra-sim --venue V [--port N] [--seed S] [--symbols A,B] [--rate-ms 100] [--paused]
//
// The first line on stdout is the bound port (useful with --port 0); everything else goes to
// stderr.
#include <astra/sim/registry.hpp>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <string_view>

namespace {

int usage(const std::string& problem) {
  std::cerr << "astra-sim: " << problem << "\n"
            << "usage: astra-sim --venue V [--port N] [--seed S] [--symbols A,B] "
               "[--rate-ms MS] [--paused]\n"
            << "venues:";
  for (const auto& v : astra::sim::simulated_venues())
    std::cerr << " " << v;
  std::cerr << "\n";
  return 2;
}

bool parse_u64(std::string_view text, uint64_t max, uint64_t& out) {
  if (text.empty() || text.size() > 19) return false;
  uint64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  if (v > max) return false;
  out = v;
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  astra::sim::SimSettings options;
  std::string venue;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    const bool has_value = i + 1 < argc;
    uint64_t n = 0;
    if (arg == "--paused") {
      options.start_paused = true;
    } else if (!has_value) {
      return usage("missing value after " + std::string(arg));
    } else if (arg == "--venue") {
      venue = argv[++i];
    } else if (arg == "--port") {
      if (!parse_u64(argv[++i], 65535, n)) return usage("bad --port");
      options.port = static_cast<uint16_t>(n);
    } else if (arg == "--seed") {
      if (!parse_u64(argv[++i], UINT64_MAX / 10, n)) return usage("bad --seed");
      options.seed = n;
    } else if (arg == "--rate-ms") {
      if (!parse_u64(argv[++i], 3600000, n) || n == 0) return usage("bad --rate-ms");
      options.rate = std::chrono::milliseconds(n);
    } else if (arg == "--symbols") {
      options.symbols.clear();
      std::string_view list = argv[++i];
      while (!list.empty()) {
        const size_t comma = list.find(',');
        if (comma != 0) options.symbols.emplace_back(list.substr(0, comma));
        if (comma == std::string_view::npos) break;
        list = list.substr(comma + 1);
      }
    } else {
      return usage("unknown argument " + std::string(arg));
    }
  }
  if (venue.empty()) return usage("--venue is required");

  // Block the stop signals before any thread starts, then wait for them here.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  std::string error;
  auto sim = astra::sim::start_simulator(venue, options, error);
  if (!sim) {
    std::cerr << "astra-sim: " << error << "\n";
    return 1;
  }
  std::cout << sim->port() << std::endl;
  std::cerr << "astra-sim: " << venue << ": " << sim->describe() << "\n";
  int signal = 0;
  sigwait(&stop_signals, &signal);
  sim->stop();
  std::cerr << "astra-sim: stopped after " << sim->stats_line() << "\n";
  return 0;
}
