// Astra API keys in SQLite. A key is "<id>.<secret>"; only a salted hash of the secret is stored.
#pragma once

#include <astra/core/result.hpp>

#include <chrono>
#include <cstddef>
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

struct KeyStoreOptions {
  // check() keeps the keys it verified in memory (their salt and salted hash, never the secret)
  // and asks SQLite whether another connection changed the file (PRAGMA data_version) at most
  // this often; a change drops every cached key. So a key revoked by another process (`astra
  // keys revoke`) is refused by every check() that starts more than this long after the
  // revocation committed. A revoke() through this store takes effect at once.
  std::chrono::milliseconds revalidate_interval{100};
  // At most this many verified keys are cached (only valid keys are: unknown or wrong keys never
  // enter the cache).
  size_t max_cached_keys = 1024;
};

class KeyStore {
 public:
  // Opens (creating if needed) the store; ":memory:" for tests.
  static Result<std::unique_ptr<KeyStore>> open(const std::string& path,
                                                KeyStoreOptions options = {});
  ~KeyStore();
  KeyStore(const KeyStore&) = delete;
  KeyStore& operator=(const KeyStore&) = delete;

  // Creates a key and returns the full key text, shown once and never stored.
  Result<std::string> create(std::string_view label);
  // Checks a presented key in constant time with respect to the secret. Thread-safe. A valid key
  // seen before is answered from memory (see KeyStoreOptions for how revocation reaches it).
  KeyCheck check(std::string_view key, std::string* key_id = nullptr) const;
  Result<std::vector<KeyInfo>> list() const;
  // Revokes by id; NOT_FOUND when there is no such key.
  Result<bool> revoke(std::string_view id);
  bool empty() const;
  // Keys currently cached by check() (for tests and metrics).
  size_t cached_keys() const;

 private:
  struct Cache;
  KeyStore(sqlite3* db, KeyStoreOptions options);
  KeyCheck check_in_database(std::string_view id, std::string_view secret,
                             std::string* key_id) const;
  sqlite3* db_;
  std::unique_ptr<Cache> cache_;
};

}  // namespace astra::core
