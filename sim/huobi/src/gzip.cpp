#include "gzip.hpp"

#include <zlib.h>

namespace astra::sim::huobi {

struct Gzip::State {
  z_stream z{};
  bool ok = false;
};

Gzip::Gzip() : state_(new State) {
  // windowBits 15 + 16: a gzip header and trailer rather than zlib's.
  state_->ok = deflateInit2(&state_->z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8,
                            Z_DEFAULT_STRATEGY) == Z_OK;
}

Gzip::~Gzip() {
  if (state_->ok) deflateEnd(&state_->z);
  delete state_;
}

std::string Gzip::compress(std::string_view text) {
  if (!state_->ok || deflateReset(&state_->z) != Z_OK) return {};
  z_stream& z = state_->z;
  std::string out;
  out.resize(deflateBound(&z, static_cast<uLong>(text.size())) + 32);
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  z.avail_in = static_cast<uInt>(text.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  if (deflate(&z, Z_FINISH) != Z_STREAM_END) return {};
  out.resize(z.total_out);
  return out;
}

}  // namespace astra::sim::huobi
