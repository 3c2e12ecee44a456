// A small option parser: "--name value" pairs, repeatable options, and positional arguments.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace astra::host::cli {

struct ParsedArgs {
  std::map<std::string, std::vector<std::string>> options;  // "--market" -> values
  std::vector<std::string> positional;
  std::string error;  // set when the arguments are wrong

  std::optional<std::string> get(const std::string& name) const {
    auto it = options.find(name);
    if (it == options.end() || it->second.empty()) return std::nullopt;
    return it->second.back();
  }
  std::vector<std::string> all(const std::string& name) const {
    auto it = options.find(name);
    return it == options.end() ? std::vector<std::string>{} : it->second;
  }
};

// Every option in `known` takes one value; a name in `flags` takes none (its value reads "true").
// Unknown options are an error; so is a repeated option that is not in `repeatable`.
inline ParsedArgs parse_args(const std::vector<std::string>& args,
                             const std::set<std::string>& known,
                             const std::set<std::string>& repeatable = {},
                             const std::set<std::string>& flags = {}) {
  ParsedArgs p;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a.rfind("--", 0) != 0) {
      p.positional.push_back(a);
      continue;
    }
    std::string name = a, value;
    bool has_value = false;
    if (const auto eq = a.find('='); eq != std::string::npos) {
      name = a.substr(0, eq);
      value = a.substr(eq + 1);
      has_value = true;
    }
    const bool is_flag = flags.count(name) != 0;
    if (known.count(name) == 0 && !is_flag) {
      p.error = "unknown option " + name;
      return p;
    }
    if (is_flag) {
      if (has_value) {
        p.error = name + " takes no value";
        return p;
      }
      value = "true";
    } else if (!has_value) {
      if (i + 1 >= args.size()) {
        p.error = name + " needs a value";
        return p;
      }
      value = args[++i];
    }
    auto& slot = p.options[name];
    if (!slot.empty() && repeatable.count(name) == 0) {
      p.error = name + " given twice";
      return p;
    }
    slot.push_back(value);
  }
  return p;
}

}  // namespace astra::host::cli
