#include <astra/core/key_store.hpp>

#include <gtest/gtest.h>

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <string>
#include <thread>
#include <vector>

namespace astra::core {
namespace {

namespace fs = std::filesystem;

std::unique_ptr<KeyStore> open_memory() {
  auto s = KeyStore::open(":memory:");
  EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().message);
  return s.ok() ? std::move(*s) : nullptr;
}

TEST(KeyStore, CreateCheckListRevoke) {
  auto store = open_memory();
  ASSERT_NE(store, nullptr);
  EXPECT_TRUE(store->empty());
  auto key = store->create("desk one");
  ASSERT_TRUE(key.ok()) << key.error().message;
  EXPECT_TRUE(std::regex_match(*key, std::regex("[0-9a-f]{12}\\.[0-9a-f]{64}"))) << *key;
  EXPECT_FALSE(store->empty());

  std::string id;
  EXPECT_EQ(store->check(*key, &id), KeyCheck::valid);
  EXPECT_EQ(id, key->substr(0, 12));

  auto list = store->list();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].id, id);
  EXPECT_EQ((*list)[0].label, "desk one");
  EXPECT_FALSE((*list)[0].revoked);
  EXPECT_GT((*list)[0].created_us, 1600000000000000);

  auto other = store->create("desk two");
  ASSERT_TRUE(other.ok());
  EXPECT_NE(*other, *key);

  ASSERT_TRUE(store->revoke(id).ok());
  EXPECT_EQ(store->check(*key), KeyCheck::revoked);
  EXPECT_EQ(store->check(*other), KeyCheck::valid);
  EXPECT_TRUE(store->list()->at(0).revoked);
  EXPECT_FALSE(store->empty());  // revoked keys still count: the store is not open to all

  auto missing = store->revoke("000000000000");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().status, ASTRA_E_NOT_FOUND);
  EXPECT_EQ(store->revoke("nonsense").error().status, ASTRA_E_NOT_FOUND);
}

TEST(KeyStore, RejectsWrongKeys) {
  auto store = open_memory();
  ASSERT_NE(store, nullptr);
  const std::string key = *store->create("k");
  std::string flipped = key;
  flipped.back() = flipped.back() == '0' ? '1' : '0';
  std::string other_id = key;
  other_id[0] = other_id[0] == 'a' ? 'b' : 'a';
  std::string upper = key;
  for (auto& c : upper)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  std::string id_out = "untouched";
  for (const std::string& bad :
       {flipped, other_id, upper, key.substr(0, key.size() - 1), key + "0", std::string(),
        std::string("."), key.substr(0, 12), key.substr(13), std::string(77, 'a'),
        key.substr(0, 12) + ":" + key.substr(13), std::string(key).replace(20, 1, "\0", 1)}) {
    EXPECT_EQ(store->check(bad, &id_out), KeyCheck::unknown) << bad;
  }
  EXPECT_EQ(id_out, "untouched");
  EXPECT_EQ(store->check(key), KeyCheck::valid);
}

TEST(KeyStore, LabelsAreBounded) {
  auto store = open_memory();
  ASSERT_NE(store, nullptr);
  EXPECT_FALSE(store->create(std::string(1000, 'x')).ok());
  EXPECT_TRUE(store->create("").ok());
}

TEST(KeyStore, ConcurrentChecks) {
  auto store = open_memory();
  ASSERT_NE(store, nullptr);
  const std::string key = *store->create("k");
  std::string wrong = key;
  wrong[20] = wrong[20] == 'f' ? 'e' : 'f';
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) {
        if (store->check(key) != KeyCheck::valid) ++failures;
        if (store->check(wrong) != KeyCheck::unknown) ++failures;
      }
    });
  }
  for (auto& t : threads)
    t.join();
  EXPECT_EQ(failures.load(), 0);
}

TEST(KeyStore, PersistsWithoutTheSecret) {
  const fs::path path =
      fs::temp_directory_path() /
      ("astra_keys_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "_" +
       std::to_string(reinterpret_cast<uintptr_t>(&path)) + ".db");
  fs::remove(path);
  std::string key;
  {
    auto store = KeyStore::open(path.string());
    ASSERT_TRUE(store.ok()) << store.error().message;
    key = *(*store)->create("persisted");
  }
  {
    auto store = KeyStore::open(path.string());
    ASSERT_TRUE(store.ok());
    EXPECT_EQ((*store)->check(key), KeyCheck::valid);
    ASSERT_EQ((*store)->list()->size(), 1u);
  }
  std::ifstream in(path, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_FALSE(bytes.empty());
  const std::string id = key.substr(0, 12);
  const std::string secret = key.substr(13);
  EXPECT_NE(bytes.find(id), std::string::npos);  // the file is what we think it is
  EXPECT_EQ(bytes.find(secret), std::string::npos);
  EXPECT_EQ(bytes.find(secret.substr(0, 16)), std::string::npos);
  fs::remove(path);
}

// A database file of its own, removed at the end.
struct TempDb {
  TempDb()
      : path(fs::temp_directory_path() /
             ("astra_keys_cache_" + std::to_string(::getpid()) + "_" +
              std::to_string(reinterpret_cast<uintptr_t>(this)) + ".db")) {
    fs::remove(path);
  }
  ~TempDb() { fs::remove(path); }
  fs::path path;
};

std::unique_ptr<KeyStore> open_file(const TempDb& db, KeyStoreOptions options = {}) {
  auto s = KeyStore::open(db.path.string(), options);
  EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().message);
  return s.ok() ? std::move(*s) : nullptr;
}

TEST(KeyStoreCache, RevocationByAnotherConnectionIsSeenWithinTheInterval) {
  TempDb db;
  KeyStoreOptions options;
  options.revalidate_interval = std::chrono::milliseconds(20);
  auto server = open_file(db, options);
  auto cli = open_file(db);  // `astra keys revoke` is another process: another connection
  ASSERT_NE(server, nullptr);
  ASSERT_NE(cli, nullptr);
  const std::string key = *server->create("k");
  const std::string other = *server->create("other");
  ASSERT_EQ(server->check(key), KeyCheck::valid);
  ASSERT_EQ(server->check(other), KeyCheck::valid);
  EXPECT_EQ(server->cached_keys(), 2u);

  ASSERT_TRUE(cli->revoke(key.substr(0, 12)).ok());
  // The documented bound: every check that starts one interval after the revocation refuses it.
  std::this_thread::sleep_for(options.revalidate_interval + std::chrono::milliseconds(5));
  EXPECT_EQ(server->check(key), KeyCheck::revoked);
  EXPECT_EQ(server->check(other), KeyCheck::valid);  // re-read from the file, cached again
  EXPECT_EQ(server->cached_keys(), 1u);
}

TEST(KeyStoreCache, ServesFromMemoryUntilTheIntervalEnds) {
  // The other side of the bound, with an interval no test run reaches: the cached key is still
  // accepted after another connection revoked it, i.e. the cache really answers.
  TempDb db;
  KeyStoreOptions options;
  options.revalidate_interval = std::chrono::hours(1);
  auto server = open_file(db, options);
  auto cli = open_file(db);
  ASSERT_NE(server, nullptr);
  ASSERT_NE(cli, nullptr);
  const std::string key = *server->create("k");
  ASSERT_EQ(server->check(key), KeyCheck::valid);
  ASSERT_TRUE(cli->revoke(key.substr(0, 12)).ok());
  EXPECT_EQ(server->check(key), KeyCheck::valid);
  // A key created elsewhere is not in the cache: it is looked up in the file at once.
  const std::string created_elsewhere = *cli->create("new");
  EXPECT_EQ(server->check(created_elsewhere), KeyCheck::valid);
}

TEST(KeyStoreCache, ZeroIntervalSeesEveryRevocationAtOnce) {
  TempDb db;
  KeyStoreOptions options;
  options.revalidate_interval = std::chrono::milliseconds(0);
  auto server = open_file(db, options);
  auto cli = open_file(db);
  ASSERT_NE(server, nullptr);
  ASSERT_NE(cli, nullptr);
  const std::string key = *server->create("k");
  ASSERT_EQ(server->check(key), KeyCheck::valid);
  ASSERT_EQ(server->check(key), KeyCheck::valid);
  ASSERT_TRUE(cli->revoke(key.substr(0, 12)).ok());
  EXPECT_EQ(server->check(key), KeyCheck::revoked);
}

TEST(KeyStoreCache, OwnRevocationIsImmediate) {
  TempDb db;
  KeyStoreOptions options;
  options.revalidate_interval = std::chrono::hours(1);
  auto store = open_file(db, options);
  ASSERT_NE(store, nullptr);
  const std::string key = *store->create("k");
  ASSERT_EQ(store->check(key), KeyCheck::valid);
  ASSERT_TRUE(store->revoke(key.substr(0, 12)).ok());
  EXPECT_EQ(store->check(key), KeyCheck::revoked);
  EXPECT_EQ(store->cached_keys(), 0u);
}

TEST(KeyStoreCache, OnlyValidKeysAreCachedAndTheCacheIsCapped) {
  TempDb db;
  KeyStoreOptions options;
  options.max_cached_keys = 2;
  auto store = open_file(db, options);
  ASSERT_NE(store, nullptr);
  std::vector<std::string> keys;
  for (int i = 0; i < 3; ++i)
    keys.push_back(*store->create("k" + std::to_string(i)));
  const std::string revoked = *store->create("revoked");
  ASSERT_TRUE(store->revoke(revoked.substr(0, 12)).ok());

  // Well-formed keys that do not exist, wrong secrets of real ids, a revoked key: none is kept.
  for (int i = 0; i < 500; ++i) {
    char id[13];
    std::snprintf(id, sizeof id, "%012x", i);
    EXPECT_EQ(store->check(std::string(id) + "." + std::string(64, 'a')), KeyCheck::unknown);
  }
  std::string wrong = keys[0];
  wrong.back() = wrong.back() == '0' ? '1' : '0';
  EXPECT_EQ(store->check(wrong), KeyCheck::unknown);
  EXPECT_EQ(store->check(revoked), KeyCheck::revoked);
  EXPECT_EQ(store->cached_keys(), 0u);

  for (int round = 0; round < 2; ++round)
    for (const auto& k : keys)
      EXPECT_EQ(store->check(k), KeyCheck::valid) << k;
  EXPECT_EQ(store->cached_keys(), 2u);
  // A cached id with a wrong secret is still refused.
  ASSERT_EQ(store->check(keys[2]), KeyCheck::valid);
  wrong = keys[2];
  wrong.back() = wrong.back() == '0' ? '1' : '0';
  EXPECT_EQ(store->check(wrong), KeyCheck::unknown);
}

TEST(KeyStoreCache, ConcurrentChecksAndRevocation) {
  TempDb db;
  KeyStoreOptions options;
  options.revalidate_interval = std::chrono::milliseconds(0);
  auto server = open_file(db, options);
  auto cli = open_file(db);
  ASSERT_NE(server, nullptr);
  ASSERT_NE(cli, nullptr);
  const std::string key = *server->create("k");
  const std::string keep = *server->create("keep");
  std::atomic<bool> revoked{false};
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 3; ++t) {
    threads.emplace_back([&] {
      // Checks before, during and (100 per thread) after the revocation.
      for (int after_count = 0; after_count < 100;) {
        const bool after = revoked.load();
        const KeyCheck c = server->check(key);
        // Once the revocation has committed, no check may accept the key (interval 0).
        if (after && c != KeyCheck::revoked) ++failures;
        if (!after && c == KeyCheck::unknown) ++failures;
        if (server->check(keep) != KeyCheck::valid) ++failures;
        if (after) ++after_count;
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  ASSERT_TRUE(cli->revoke(key.substr(0, 12)).ok());
  revoked = true;
  for (auto& t : threads)
    t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(server->check(key), KeyCheck::revoked);
}

TEST(KeyStore, OpenFailsCleanly) {
  auto s = KeyStore::open("/nonexistent-dir/sub/keys.db");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "key_store_error");
}

}  // namespace
}  // namespace astra::core
