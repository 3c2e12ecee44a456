#include "cli/cli.hpp"

#include <iostream>

int main(int argc, char** argv) {
  return astra::host::cli::run(argc, argv, std::cout, std::cerr);
}
