// Astra API keys in SQLite. A key is "<id>.<secret>"; only a salted hash of the secret is stored.
#pragma once

#include <astra/core/result.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

struct sqlite3;

namespace astra::core {

struct KeyInfo {
  std::string id;
  std::string label;
  int64_t created_us = 0;
  bool revoked = false;
};

enum class KeyCheck { valid, unknown, revoked };

class KeyStore {
 public:
  // Opens (creating if needed) the store; ":memory:" for tests.
  static Result<std::unique_ptr<KeyStore>> open(const std::string& path);
  ~KeyStore();
  KeyStore(const KeyStore&) = delete;
  KeyStore& operator=(const KeyStore&) = delete;

  // Creates a key and returns the full key text, shown once and never stored.
  Result<std::string> create(std::string_view label);
  // Checks a presented key in constant time with respect to the secret.
  KeyCheck check(std::string_view key, std::string* key_id = nullptr) const;
  Result<std::vector<KeyInfo>> list() const;
  // Revokes by id; NOT_FOUND when there is no such key.
  Result<bool> revoke(std::string_view id);
  bool empty() const;

 private:
  explicit KeyStore(sqlite3* db);
  sqlite3* db_;
};

}  // namespace astra::core
