// Certificates made at test time with OpenSSL, for TLS tests on loopback: a throwaway CA with a
// server certificate it signed (what a client is pointed at through a CA file), and a plain
// self-signed certificate. Keys are P-256, valid from an hour ago for a day.
#pragma once

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace astra::test {

namespace tls_detail {

using Key = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using Cert = std::unique_ptr<X509, decltype(&X509_free)>;
using Extensions = std::vector<std::pair<int, std::string>>;  // NID, OpenSSL config text

inline Key new_key() {
  Key key(EVP_EC_gen("P-256"), &EVP_PKEY_free);
  if (!key) throw std::runtime_error("EVP_EC_gen failed");
  return key;
}

// A certificate for `key` named `common_name`, signed by issuer_key; issuer == nullptr makes it
// self-signed (its own issuer).
inline Cert new_cert(const std::string& common_name, long serial, EVP_PKEY* key, X509* issuer,
                     EVP_PKEY* issuer_key, const Extensions& extensions) {
  Cert cert(X509_new(), &X509_free);
  if (!cert) throw std::runtime_error("X509_new failed");
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 3600L * 24);
  X509_set_pubkey(cert.get(), key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1,
                             0);
  X509* signer = issuer ? issuer : cert.get();
  X509_set_issuer_name(cert.get(), X509_get_subject_name(signer));
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, signer, cert.get(), nullptr, nullptr, 0);
  for (const auto& [nid, value] : extensions) {
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
    if (!ext) throw std::runtime_error("X509V3_EXT_conf_nid failed for " + value);
    X509_add_ext(cert.get(), ext, -1);
    X509_EXTENSION_free(ext);
  }
  if (X509_sign(cert.get(), issuer_key ? issuer_key : key, EVP_sha256()) == 0)
    throw std::runtime_error("X509_sign failed");
  return cert;
}

inline std::string bio_text(BIO* bio) {
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(n));
}

inline std::string pem_of(X509* cert) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), &BIO_free);
  if (!bio || PEM_write_bio_X509(bio.get(), cert) != 1)
    throw std::runtime_error("PEM_write_bio_X509 failed");
  return bio_text(bio.get());
}

inline std::string pem_of(EVP_PKEY* key) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), &BIO_free);
  if (!bio || PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1)
    throw std::runtime_error("PEM_write_bio_PrivateKey failed");
  return bio_text(bio.get());
}

}  // namespace tls_detail

struct SelfSigned {
  std::string cert_pem;
  std::string key_pem;
};

// subject_alt_names like "DNS:localhost,IP:127.0.0.1". The certificate is its own CA.
inline SelfSigned make_self_signed(const std::string& common_name,
                                   const std::string& subject_alt_names) {
  using namespace tls_detail;
  auto key = new_key();
  auto cert = new_cert(
      common_name, 1, key.get(), nullptr, nullptr,
      {{NID_subject_alt_name, subject_alt_names}, {NID_basic_constraints, "critical,CA:TRUE"}});
  return SelfSigned{pem_of(cert.get()), pem_of(key.get())};
}

// A test CA and a server certificate it issued.
struct TestCa {
  std::string ca_pem;          // the CA certificate: what a client must trust (a `ca_file`)
  std::string leaf_chain_pem;  // the server certificate then the CA's: what a server presents
  std::string leaf_key_pem;    // the server certificate's private key
};

// The server certificate is for `subject_alt_names` (by default loopback by address and name),
// for server authentication only; the CA may only sign certificates.
inline TestCa make_test_ca(const std::string& subject_alt_names = "IP:127.0.0.1,DNS:localhost") {
  using namespace tls_detail;
  auto ca_key = new_key();
  auto ca = new_cert("Astra Test CA", 1, ca_key.get(), nullptr, nullptr,
                     {{NID_basic_constraints, "critical,CA:TRUE"},
                      {NID_key_usage, "critical,keyCertSign,cRLSign"},
                      {NID_subject_key_identifier, "hash"}});
  auto leaf_key = new_key();
  auto leaf = new_cert("localhost", 2, leaf_key.get(), ca.get(), ca_key.get(),
                       {{NID_subject_alt_name, subject_alt_names},
                        {NID_basic_constraints, "critical,CA:FALSE"},
                        {NID_key_usage, "critical,digitalSignature"},
                        {NID_ext_key_usage, "serverAuth"},
                        {NID_authority_key_identifier, "keyid:always"}});
  TestCa out;
  out.ca_pem = pem_of(ca.get());
  out.leaf_chain_pem = pem_of(leaf.get()) + out.ca_pem;
  out.leaf_key_pem = pem_of(leaf_key.get());
  return out;
}

}  // namespace astra::test
