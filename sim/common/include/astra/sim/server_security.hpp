// What a simulator's server is told beyond its venue's protocol: the TLS identity it serves with
// and the fault injector that scripts how it misbehaves. Both are optional and shared with the
// test that made them.
#pragma once

#include <string>

namespace astra::sim {

// A certificate chain (leaf first) and its private key, PEM. With one, the server speaks only TLS
// (https:// and wss://) on its port.
struct TlsIdentity {
  std::string cert_chain_pem;
  std::string key_pem;
};

// Scripted per-connection faults (astra/sim/fault_injector.hpp).
class FaultInjector;

}  // namespace astra::sim
