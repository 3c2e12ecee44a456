#include <cstdio>

#include "version.hpp"

int main() {
  std::printf("astra %.*s\n", static_cast<int>(astra::host::version().size()),
              astra::host::version().data());
  return 0;
}
