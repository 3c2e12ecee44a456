// A file in the system temp folder, removed when the object goes.
#pragma once

#include <filesystem>
#include <fstream>
#include <random>
#include <string>

namespace astra::test {

class TempFile {
 public:
  explicit TempFile(const std::string& content, const std::string& suffix = ".tmp") {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() /
            ("astra-test-" + std::to_string(rd()) + "-" + std::to_string(rd()) + suffix);
    std::ofstream(path_, std::ios::binary) << content;
  }
  ~TempFile() {
    std::error_code ec;
    std::filesystem::remove(path_, ec);
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace astra::test
