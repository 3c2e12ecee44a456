#include <astra/core/key_store.hpp>

#include <astra/sdk/crypto.hpp>

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <sqlite3.h>

#include <chrono>

namespace astra::core {
namespace {

constexpr size_t kIdBytes = 6;  // 12 hex characters
constexpr size_t kSecretBytes = 32;
constexpr size_t kSaltBytes = 16;
constexpr size_t kIdChars = kIdBytes * 2;
constexpr size_t kSecretChars = kSecretBytes * 2;
constexpr size_t kMaxLabelBytes = 256;

// A statement that finalizes itself.
class Statement {
 public:
  Statement(sqlite3* db, const char* sql) {
    rc_ = sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr);
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  bool ok() const noexcept { return rc_ == SQLITE_OK && stmt_ != nullptr; }
  sqlite3_stmt* get() const noexcept { return stmt_; }
  void bind(int i, std::string_view s) {
    sqlite3_bind_text(stmt_, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
  }
  void bind(int i, int64_t v) { sqlite3_bind_int64(stmt_, i, v); }
  std::string text(int col) const {
    const auto* p = sqlite3_column_text(stmt_, col);
    return p ? std::string(reinterpret_cast<const char*>(p),
                           static_cast<size_t>(sqlite3_column_bytes(stmt_, col)))
             : std::string();
  }

 private:
  sqlite3_stmt* stmt_ = nullptr;
  int rc_ = SQLITE_ERROR;
};

Error db_error(sqlite3* db, const std::string& what) {
  return make_error(ASTRA_E_INTERNAL, "key_store_error", what + ": " + sqlite3_errmsg(db));
}

bool random_bytes(std::string& out, size_t n) {
  out.assign(n, '\0');
  return RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) == 1;
}

void wipe(std::string& s) {
  if (!s.empty()) OPENSSL_cleanse(s.data(), s.size());
}

bool lower_hex(std::string_view s) noexcept {
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

bool valid_id(std::string_view id) noexcept {
  return id.size() == kIdChars && lower_hex(id);
}

bool hex_decode(std::string_view hex, std::string& out) {
  if (hex.size() % 2 != 0 || !lower_hex(hex)) return false;
  auto nibble = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
  out.resize(hex.size() / 2);
  for (size_t i = 0; i < out.size(); ++i)
    out[i] = static_cast<char>(nibble(hex[2 * i]) << 4 | nibble(hex[2 * i + 1]));
  return true;
}

// The stored verifier: HMAC-SHA256 keyed by the salt over the secret text, as hex.
std::string verifier(std::string_view salt, std::string_view secret) {
  std::string mac = sdk::hmac_sha256(salt, secret);
  std::string hex = sdk::hex_encode(mac);
  wipe(mac);
  return hex;
}

int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

KeyStore::KeyStore(sqlite3* db) : db_(db) {}

KeyStore::~KeyStore() {
  sqlite3_close_v2(db_);
}

Result<std::unique_ptr<KeyStore>> KeyStore::open(const std::string& path) {
  if (sqlite3_threadsafe() == 0)
    return make_error(ASTRA_E_INTERNAL, "key_store_error",
                      "SQLite was built without thread safety");
  sqlite3* db = nullptr;
  // Serialized mode: check() may run on several threads at once.
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX;
  if (sqlite3_open_v2(path.c_str(), &db, flags, nullptr) != SQLITE_OK) {
    Error e = make_error(
        ASTRA_E_UNAVAILABLE, "key_store_error",
        "cannot open key store '" + path + "': " + (db ? sqlite3_errmsg(db) : "out of memory"));
    sqlite3_close_v2(db);
    return e;
  }
  std::unique_ptr<KeyStore> store(new KeyStore(db));
  sqlite3_busy_timeout(db, 2000);
  const char* schema =
      "CREATE TABLE IF NOT EXISTS api_keys ("
      " id TEXT PRIMARY KEY,"
      " label TEXT NOT NULL,"
      " created_us INTEGER NOT NULL,"
      " revoked INTEGER NOT NULL DEFAULT 0,"
      " salt TEXT NOT NULL,"
      " verifier TEXT NOT NULL)";
  if (sqlite3_exec(db, schema, nullptr, nullptr, nullptr) != SQLITE_OK)
    return db_error(db, "cannot create the key table in '" + path + "'");
  return store;
}

Result<std::string> KeyStore::create(std::string_view label) {
  if (label.size() > kMaxLabelBytes)
    return make_error(ASTRA_E_INVALID_ARGUMENT, "bad_label",
                      "label is longer than " + std::to_string(kMaxLabelBytes) + " bytes");
  std::string id_bytes, secret_bytes, salt;
  if (!random_bytes(id_bytes, kIdBytes) || !random_bytes(secret_bytes, kSecretBytes) ||
      !random_bytes(salt, kSaltBytes)) {
    wipe(secret_bytes);
    return make_error(ASTRA_E_INTERNAL, "key_store_error", "no random bytes available");
  }
  std::string secret = sdk::hex_encode(secret_bytes);
  wipe(secret_bytes);
  const std::string id = sdk::hex_encode(id_bytes);
  std::string hash = verifier(salt, secret);

  Statement insert(db_,
                   "INSERT INTO api_keys (id, label, created_us, revoked, salt, verifier) "
                   "VALUES (?, ?, ?, 0, ?, ?)");
  if (!insert.ok()) {
    wipe(secret);
    return db_error(db_, "cannot store the key");
  }
  insert.bind(1, id);
  insert.bind(2, label);
  insert.bind(3, now_us());
  insert.bind(4, sdk::hex_encode(salt));
  insert.bind(5, hash);
  const int rc = sqlite3_step(insert.get());
  if (rc != SQLITE_DONE) {
    wipe(secret);
    // A clash of 48-bit random ids is possible but rare; the caller may simply retry.
    return db_error(db_, "cannot store the key");
  }
  std::string key = id + "." + secret;
  wipe(secret);
  return key;
}

KeyCheck KeyStore::check(std::string_view key, std::string* key_id) const {
  if (key.size() != kIdChars + 1 + kSecretChars || key[kIdChars] != '.') return KeyCheck::unknown;
  const std::string_view id = key.substr(0, kIdChars);
  const std::string_view secret = key.substr(kIdChars + 1);
  if (!valid_id(id) || !lower_hex(secret)) return KeyCheck::unknown;

  Statement select(db_, "SELECT salt, verifier, revoked FROM api_keys WHERE id = ?");
  if (!select.ok()) return KeyCheck::unknown;
  select.bind(1, id);
  const bool found = sqlite3_step(select.get()) == SQLITE_ROW;
  // An unknown id costs the same HMAC as a known one.
  std::string salt_hex = found ? select.text(0) : std::string(kSaltBytes * 2, '0');
  const std::string stored = found ? select.text(1) : std::string(64, '0');
  const bool revoked = found && sqlite3_column_int64(select.get(), 2) != 0;

  std::string salt;
  if (!hex_decode(salt_hex, salt)) return KeyCheck::unknown;
  std::string computed;
  try {
    computed = verifier(salt, secret);
  } catch (const std::exception&) {
    return KeyCheck::unknown;
  }
  const bool match = computed.size() == stored.size() &&
                     CRYPTO_memcmp(computed.data(), stored.data(), stored.size()) == 0;
  if (!found || !match) return KeyCheck::unknown;
  if (key_id != nullptr) *key_id = std::string(id);
  return revoked ? KeyCheck::revoked : KeyCheck::valid;
}

Result<std::vector<KeyInfo>> KeyStore::list() const {
  Statement select(db_,
                   "SELECT id, label, created_us, revoked FROM api_keys ORDER BY created_us, id");
  if (!select.ok()) return db_error(db_, "cannot list keys");
  std::vector<KeyInfo> out;
  int rc = 0;
  while ((rc = sqlite3_step(select.get())) == SQLITE_ROW) {
    KeyInfo k;
    k.id = select.text(0);
    k.label = select.text(1);
    k.created_us = sqlite3_column_int64(select.get(), 2);
    k.revoked = sqlite3_column_int64(select.get(), 3) != 0;
    out.push_back(std::move(k));
  }
  if (rc != SQLITE_DONE) return db_error(db_, "cannot list keys");
  return out;
}

Result<bool> KeyStore::revoke(std::string_view id) {
  const auto not_found = [&] {
    return make_error(ASTRA_E_NOT_FOUND, "unknown_key",
                      "no API key with id '" + std::string(id.substr(0, 40)) + "'");
  };
  if (!valid_id(id)) return not_found();
  // RETURNING reports the row this statement changed (sqlite3_changes() is per connection and
  // would race with other threads).
  Statement update(db_, "UPDATE api_keys SET revoked = 1 WHERE id = ? RETURNING id");
  if (!update.ok()) return db_error(db_, "cannot revoke the key");
  update.bind(1, id);
  const int rc = sqlite3_step(update.get());
  if (rc == SQLITE_DONE) return not_found();
  if (rc != SQLITE_ROW) return db_error(db_, "cannot revoke the key");
  while (sqlite3_step(update.get()) == SQLITE_ROW) {
  }
  return true;
}

bool KeyStore::empty() const {
  Statement select(db_, "SELECT EXISTS (SELECT 1 FROM api_keys)");
  if (!select.ok() || sqlite3_step(select.get()) != SQLITE_ROW) return false;
  return sqlite3_column_int64(select.get(), 0) == 0;
}

}  // namespace astra::core
