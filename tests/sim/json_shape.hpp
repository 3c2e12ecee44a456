// Compares the structure of a simulator's JSON with a real payload: the same keys in the same
// order and the same JSON types at every level. Arrays are compared element by element against
// the real array's first element, except arrays of Binance filters, matched by filterType.
#pragma once

#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace astra::sim::test {

using ojson = nlohmann::ordered_json;

inline std::string json_kind(const ojson& v) {
  if (v.is_number_integer()) return "integer";  // signed and unsigned alike
  return v.type_name();
}

inline void compare_shape(const ojson& sim, const ojson& real, const std::string& path,
                          std::vector<std::string>& problems) {
  if (json_kind(sim) != json_kind(real)) {
    problems.push_back(path + ": sim has " + json_kind(sim) + ", real has " + json_kind(real));
    return;
  }
  if (sim.is_object()) {
    std::vector<std::string> sim_keys, real_keys;
    for (auto it = sim.begin(); it != sim.end(); ++it)
      sim_keys.push_back(it.key());
    for (auto it = real.begin(); it != real.end(); ++it)
      real_keys.push_back(it.key());
    if (sim_keys != real_keys) {
      std::string s, r;
      for (const auto& k : sim_keys)
        s += k + ",";
      for (const auto& k : real_keys)
        r += k + ",";
      problems.push_back(path + ": keys differ: sim [" + s + "] real [" + r + "]");
      return;
    }
    for (const auto& k : sim_keys)
      compare_shape(sim[k], real[k], path + "." + k, problems);
    return;
  }
  if (sim.is_array()) {
    if (real.empty()) {
      if (!sim.empty()) problems.push_back(path + ": real array is empty, sim's is not");
      return;
    }
    for (size_t i = 0; i < sim.size(); ++i) {
      const ojson* model = &real[0];
      if (sim[i].is_object() && sim[i].contains("filterType")) {
        model = nullptr;
        for (const auto& r : real)
          if (r.value("filterType", "") == sim[i]["filterType"]) model = &r;
        if (!model) {
          problems.push_back(path + ": filter " + sim[i]["filterType"].dump() +
                             " not in real data");
          continue;
        }
      }
      compare_shape(sim[i], *model, path + "[" + std::to_string(i) + "]", problems);
    }
  }
}

inline std::string shape_problems(const ojson& sim, const ojson& real) {
  std::vector<std::string> problems;
  compare_shape(sim, real, "$", problems);
  std::string out;
  for (const auto& p : problems)
    out += p + "\n";
  return out;
}

inline std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline ojson read_json(const std::string& path) {
  return ojson::parse(read_text(path));
}

// The first line of a .jsonl file, parsed.
inline ojson read_first_jsonl(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return ojson::parse(line);
}

// The first line of a .jsonl file whose data has non-empty bids and asks (a full model).
inline ojson read_full_depth_line(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    ojson j = ojson::parse(line);
    if (!j["data"]["b"].empty() && !j["data"]["a"].empty()) return j;
  }
  return ojson();
}

// "0.35270000": digits, one point, exactly `digits` fractional digits.
inline bool has_digits(const ojson& v, int digits) {
  if (!v.is_string()) return false;
  const std::string& s = v.get_ref<const std::string&>();
  const size_t dot = s.find('.');
  if (dot == std::string::npos || dot == 0) return false;
  if (s.size() - dot - 1 != static_cast<size_t>(digits)) return false;
  for (size_t i = 0; i < s.size(); ++i)
    if (i != dot && (s[i] < '0' || s[i] > '9')) return false;
  return true;
}

}  // namespace astra::sim::test
