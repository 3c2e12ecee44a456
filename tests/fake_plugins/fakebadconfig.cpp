// A connector whose constructor refuses every configuration.
#include <astra/connector.hpp>

#include <stdexcept>
#include <string>

class FakeBadConfig : public astra::sdk::Connector {
 public:
  FakeBadConfig(astra::sdk::Host host, std::string_view config) : Connector(host) {
    throw std::invalid_argument("fakebadconfig: 'api_url' is required (config was " +
                                std::string(config) + ")");
  }
};

ASTRA_CONNECTOR(FakeBadConfig, "fakebadconfig", "FAKEBAD", "0.0.1", ASTRA_CAP_SPOT)
