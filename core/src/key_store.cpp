#include <astra/core/key_store.hpp>

#include <astra/sdk/crypto.hpp>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <sqlite3.h>

#include <array>
#include <chrono>
#include <mutex>
#include <unordered_map>

namespace astra::core {
namespace {

constexpr size_t kIdBytes = 6;  // 12 hex characters
constexpr size_t kSecretBytes = 32;
constexpr size_t kSaltBytes = 16;
constexpr size_t kIdChars = kIdBytes * 2;
constexpr size_t kSecretChars = kSecretBytes * 2;
constexpr size_t kMaxLabelBytes = 256;
constexpr size_t kVerifierBytes = 32;  // HMAC-SHA256

using Salt = std::array<unsigned char, kSaltBytes>;
using Mac = std::array<unsigned char, kVerifierBytes>;

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

// The verifier as raw bytes, into a fixed buffer (no copy of the secret is made).
bool verifier_bytes(const Salt& salt, std::string_view secret, Mac& out) {
  unsigned int n = 0;
  return HMAC(EVP_sha256(), salt.data(), static_cast<int>(salt.size()),
              reinterpret_cast<const unsigned char*>(secret.data()), secret.size(), out.data(),
              &n) != nullptr &&
         n == out.size();
}

template <size_t N>
bool hex_decode_to(std::string_view hex, std::array<unsigned char, N>& out) {
  std::string bytes;
  if (hex.size() != 2 * N || !hex_decode(hex, bytes)) return false;
  std::copy(bytes.begin(), bytes.end(), out.begin());
  return true;
}

uint64_t id_number(std::string_view id) noexcept {  // id is valid_id(): 12 lower hex digits
  uint64_t v = 0;
  for (char c : id)
    v = v << 4 | static_cast<uint64_t>(c <= '9' ? c - '0' : c - 'a' + 10);
  return v;
}

int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

// Verified keys, so that a request costs one HMAC instead of a SQLite query (which takes the
// file lock) plus the HMAC. Revocation by another connection is seen through SQLite's
// PRAGMA data_version, which changes when any other connection commits to the file: it is read
// at most every revalidate_interval, and a change drops every entry. (A read of the file's change
// counter would do the same; the pragma is SQLite's documented interface for it.)
//
// One mutex covers the cache AND every statement on this connection. That makes it obviously
// correct: a data_version read never runs inside another thread's open read transaction (which
// would report a stale version), and a key read from the database before a revocation can never
// be inserted after the revocation was observed. Only hits run the HMAC outside the lock.
struct KeyStore::Cache {
  struct Entry {
    Salt salt;
    Mac verifier;  // the stored salted hash, as bytes: never the secret
  };
  explicit Cache(KeyStoreOptions o) : options(o) {}

  // Drops everything when another connection changed the file (or when that cannot be known).
  void revalidate_if_due(sqlite3* db) {
    const auto now = std::chrono::steady_clock::now();
    if (now < next_revalidation) return;
    int64_t version = -1;
    Statement pragma(db, "PRAGMA data_version");
    if (pragma.ok() && sqlite3_step(pragma.get()) == SQLITE_ROW)
      version = sqlite3_column_int64(pragma.get(), 0);
    if (version < 0 || version != data_version) keys.clear();
    data_version = version;
    // After a failed read the next check tries again, and nothing is cached meanwhile.
    next_revalidation = version < 0 ? now : now + options.revalidate_interval;
  }

  void insert(uint64_t id, const Entry& e) {
    if (data_version < 0 || options.max_cached_keys == 0) return;
    if (keys.size() >= options.max_cached_keys && keys.find(id) == keys.end())
      keys.erase(keys.begin());  // any one: only valid keys get here, the cap is a safety net
    keys[id] = e;
  }

  const KeyStoreOptions options;
  std::mutex mutex;
  std::unordered_map<uint64_t, Entry> keys;  // by key id (48 bits)
  int64_t data_version = -1;                 // when the entries were last known current
  std::chrono::steady_clock::time_point next_revalidation{};
};

KeyStore::KeyStore(sqlite3* db, KeyStoreOptions options)
    : db_(db), cache_(std::make_unique<Cache>(options)) {}

KeyStore::~KeyStore() {
  sqlite3_close_v2(db_);
}

Result<std::unique_ptr<KeyStore>> KeyStore::open(const std::string& path, KeyStoreOptions options) {
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
  std::unique_ptr<KeyStore> store(new KeyStore(db, options));
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

  std::lock_guard lock(cache_->mutex);
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

  Cache::Entry cached;
  {
    std::lock_guard lock(cache_->mutex);
    cache_->revalidate_if_due(db_);
    auto it = cache_->keys.find(id_number(id));
    if (it == cache_->keys.end()) return check_in_database(id, secret, key_id);
    cached = it->second;
  }
  Mac computed;
  const bool match = verifier_bytes(cached.salt, secret, computed) &&
                     CRYPTO_memcmp(computed.data(), cached.verifier.data(), computed.size()) == 0;
  OPENSSL_cleanse(computed.data(), computed.size());
  if (!match) return KeyCheck::unknown;
  if (key_id != nullptr) *key_id = std::string(id);
  return KeyCheck::valid;
}

// Called with the cache mutex held.
KeyCheck KeyStore::check_in_database(std::string_view id, std::string_view secret,
                                     std::string* key_id) const {
  Statement select(db_, "SELECT salt, verifier, revoked FROM api_keys WHERE id = ?");
  if (!select.ok()) return KeyCheck::unknown;
  select.bind(1, id);
  const bool found = sqlite3_step(select.get()) == SQLITE_ROW;
  // An unknown id costs the same HMAC as a known one.
  Cache::Entry entry{};
  if (found && (!hex_decode_to(select.text(0), entry.salt) ||
                !hex_decode_to(select.text(1), entry.verifier)))
    return KeyCheck::unknown;
  const bool revoked = found && sqlite3_column_int64(select.get(), 2) != 0;

  Mac computed;
  const bool match = verifier_bytes(entry.salt, secret, computed) &&
                     CRYPTO_memcmp(computed.data(), entry.verifier.data(), computed.size()) == 0;
  OPENSSL_cleanse(computed.data(), computed.size());
  if (!found || !match) return KeyCheck::unknown;
  if (key_id != nullptr) *key_id = std::string(id);
  if (revoked) return KeyCheck::revoked;
  cache_->insert(id_number(id), entry);
  return KeyCheck::valid;
}

size_t KeyStore::cached_keys() const {
  std::lock_guard lock(cache_->mutex);
  return cache_->keys.size();
}

Result<std::vector<KeyInfo>> KeyStore::list() const {
  std::lock_guard lock(cache_->mutex);
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
  std::lock_guard lock(cache_->mutex);
  // Gone from the cache whatever the outcome; under the lock, so no check() can put it back from
  // a read made before this update.
  cache_->keys.erase(id_number(id));
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
  std::lock_guard lock(cache_->mutex);
  Statement select(db_, "SELECT EXISTS (SELECT 1 FROM api_keys)");
  if (!select.ok() || sqlite3_step(select.get()) != SQLITE_ROW) return false;
  return sqlite3_column_int64(select.get(), 0) == 0;
}

}  // namespace astra::core
