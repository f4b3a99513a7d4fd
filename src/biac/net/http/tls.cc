#include "biac/net/http/tls.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <memory>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace biac::net {
namespace {

constexpr int kCaValidityDays = 3650;     // 10 years
constexpr int kServerValidityDays = 825;  // the CA/Browser Forum's former maximum
constexpr int kSerialBits = 159;          // RFC 5280 §4.1.2.2: positive, at most 20 octets
constexpr long kSecondsPerDay = 86400;
constexpr long kBackdateSeconds = 300;  // tolerate small clock differences between hosts
constexpr mode_t kKeyFileMode = 0600;
constexpr mode_t kCertFileMode = 0644;
constexpr const char* kCurve = "P-256";
constexpr const char* kCaCommonName = "biac local CA";

struct X509Free {
  void operator()(X509* p) const { X509_free(p); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct BioFree {
  void operator()(BIO* p) const { BIO_free_all(p); }
};
struct BnFree {
  void operator()(BIGNUM* p) const { BN_free(p); }
};
struct ExtFree {
  void operator()(X509_EXTENSION* p) const { X509_EXTENSION_free(p); }
};
using X509Ptr = std::unique_ptr<X509, X509Free>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;
using BioPtr = std::unique_ptr<BIO, BioFree>;

// The OpenSSL error queue as text, emptied.
std::string OpenSslErrors() {
  std::string text;
  unsigned long code = 0;
  while ((code = ERR_get_error()) != 0) {
    char buffer[256];
    ERR_error_string_n(code, buffer, sizeof(buffer));
    if (!text.empty()) text += "; ";
    text += buffer;
  }
  return text.empty() ? "unknown OpenSSL error" : text;
}

Status OpenSslFailure(const std::string& what) { return Internal(what + ": " + OpenSslErrors()); }

bool FileExists(const std::string& path) {
  std::error_code ec;
  return std::filesystem::exists(path, ec);
}

// Writes the file (replacing it) with `mode`, through a temporary file and rename so that a
// crash never leaves a truncated key behind.
Status WriteFile(const std::string& path, const std::string& contents, mode_t mode) {
  const std::string temp = path + ".tmp";
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return Unavailable(temp + ": cannot create: " + std::strerror(errno));
  // open() applies the umask; make the mode exact (keys must be 0600 whatever the umask).
  if (::fchmod(fd, mode) != 0) {
    const int error = errno;
    ::close(fd);
    return Unavailable(temp + ": chmod: " + std::strerror(error));
  }
  size_t written = 0;
  while (written < contents.size()) {
    const ssize_t n = ::write(fd, contents.data() + written, contents.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int error = errno;
      ::close(fd);
      return Unavailable(temp + ": write: " + std::strerror(error));
    }
    written += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    return Unavailable(temp + ": " + std::strerror(errno));
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    return Unavailable(path + ": rename: " + std::strerror(errno));
  }
  return Status::Ok();
}

std::string BioContents(BIO* bio) {
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(size));
}

Status WriteCertificate(const std::string& path, X509* certificate) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), certificate) != 1) {
    return OpenSslFailure(path + ": encoding certificate");
  }
  return WriteFile(path, BioContents(bio.get()), kCertFileMode);
}

Status WriteKey(const std::string& path, EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio ||
      PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return OpenSslFailure(path + ": encoding private key");
  }
  return WriteFile(path, BioContents(bio.get()), kKeyFileMode);
}

Result<X509Ptr> ReadCertificate(const std::string& path) {
  BioPtr bio(BIO_new_file(path.c_str(), "r"));
  if (!bio) return Unavailable(path + ": cannot open: " + OpenSslErrors());
  X509Ptr certificate(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (!certificate) return InvalidArgument(path + ": not a PEM certificate: " + OpenSslErrors());
  return certificate;
}

Result<PkeyPtr> ReadKey(const std::string& path) {
  BioPtr bio(BIO_new_file(path.c_str(), "r"));
  if (!bio) return Unavailable(path + ": cannot open: " + OpenSslErrors());
  PkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!key) return InvalidArgument(path + ": not a PEM private key: " + OpenSslErrors());
  return key;
}

Result<PkeyPtr> NewKey() {
  PkeyPtr key(EVP_EC_gen(kCurve));
  if (!key) return OpenSslFailure("generating an EC P-256 key");
  return key;
}

Status AddExtension(X509* certificate, X509* issuer, int nid, const char* value) {
  X509V3_CTX context;
  X509V3_set_ctx_nodb(&context);
  X509V3_set_ctx(&context, issuer, certificate, nullptr, nullptr, 0);
  std::unique_ptr<X509_EXTENSION, ExtFree> extension(
      X509V3_EXT_conf_nid(nullptr, &context, nid, value));
  if (!extension || X509_add_ext(certificate, extension.get(), -1) != 1) {
    return OpenSslFailure(std::string("adding extension ") + OBJ_nid2sn(nid) + "=" + value);
  }
  return Status::Ok();
}

struct Extension {
  int nid;
  std::string value;
};

// A version 3 certificate for `key` named `common_name`, signed by `issuer_key` (self-signed
// when issuer is null), with a random serial (RFC 5280 §4.1.2.2).
Result<X509Ptr> MakeCertificate(EVP_PKEY* key, const std::string& common_name, X509* issuer,
                                EVP_PKEY* issuer_key, int days,
                                const std::vector<Extension>& extensions) {
  X509Ptr certificate(X509_new());
  if (!certificate) return OpenSslFailure("X509_new");
  X509* c = certificate.get();
  if (X509_set_version(c, 2) != 1) return OpenSslFailure("X509_set_version");  // v3
  std::unique_ptr<BIGNUM, BnFree> serial(BN_new());
  if (!serial || BN_rand(serial.get(), kSerialBits, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1 ||
      BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(c)) == nullptr) {
    return OpenSslFailure("random serial number");
  }
  if (X509_gmtime_adj(X509_getm_notBefore(c), -kBackdateSeconds) == nullptr ||
      X509_gmtime_adj(X509_getm_notAfter(c), static_cast<long>(days) * kSecondsPerDay) == nullptr) {
    return OpenSslFailure("validity");
  }
  X509_NAME* name = X509_get_subject_name(c);
  if (X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8,
                                 reinterpret_cast<const unsigned char*>("biac"), -1, -1, 0) != 1 ||
      X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                                 reinterpret_cast<const unsigned char*>(common_name.c_str()), -1,
                                 -1, 0) != 1) {
    return OpenSslFailure("subject name CN=" + common_name);
  }
  X509* signer = issuer != nullptr ? issuer : c;
  if (X509_set_issuer_name(c, X509_get_subject_name(signer)) != 1 || X509_set_pubkey(c, key) != 1) {
    return OpenSslFailure("issuer name or public key");
  }
  for (const Extension& extension : extensions) {
    BIAC_RETURN_IF_ERROR(AddExtension(c, signer, extension.nid, extension.value.c_str()));
  }
  if (X509_sign(c, issuer_key != nullptr ? issuer_key : key, EVP_sha256()) <= 0) {
    return OpenSslFailure("signing the certificate for CN=" + common_name);
  }
  return certificate;
}

// subjectAltName value for `names`: IP addresses (v4 or v6) as IP:, everything else as DNS:.
std::string SubjectAltName(const std::vector<std::string>& names) {
  std::string value;
  for (const std::string& name : names) {
    unsigned char address[sizeof(struct in6_addr)];
    const bool ip = inet_pton(AF_INET, name.c_str(), address) == 1 ||
                    inet_pton(AF_INET6, name.c_str(), address) == 1;
    if (!value.empty()) value += ",";
    value += (ip ? "IP:" : "DNS:") + name;
  }
  return value;
}

// Loads a certificate and its key and checks that they belong together.
Status LoadPair(const std::string& certificate_path, const std::string& key_path,
                X509Ptr* certificate, PkeyPtr* key) {
  BIAC_ASSIGN_OR_RETURN(*certificate, ReadCertificate(certificate_path));
  BIAC_ASSIGN_OR_RETURN(*key, ReadKey(key_path));
  if (X509_check_private_key(certificate->get(), key->get()) != 1) {
    ERR_clear_error();
    return InvalidArgument(key_path + ": does not match the certificate " + certificate_path);
  }
  return Status::Ok();
}

// Both files present: true; neither: false; one of them: an error naming the missing one.
Result<bool> PairPresent(const std::string& certificate_path, const std::string& key_path) {
  const bool has_certificate = FileExists(certificate_path);
  const bool has_key = FileExists(key_path);
  if (has_certificate != has_key) {
    return FailedPrecondition((has_certificate ? key_path : certificate_path) + ": missing while " +
                              (has_certificate ? certificate_path : key_path) +
                              " exists; remove both to create a new pair");
  }
  return has_certificate;
}

LocalCa Paths(const std::string& dir) {
  const std::filesystem::path base(dir);
  LocalCa ca;
  ca.dir = dir;
  ca.ca_certificate = (base / "ca.pem").string();
  ca.ca_key = (base / "ca.key").string();
  ca.server_certificate = (base / "server.pem").string();
  ca.server_key = (base / "server.key").string();
  return ca;
}

}  // namespace

Result<LocalCa> EnsureLocalCa(const std::string& dir, const std::vector<std::string>& names) {
  if (names.empty()) return InvalidArgument("local CA " + dir + ": no server names given");
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Unavailable(dir + ": cannot create directory: " + ec.message());
  LocalCa ca = Paths(dir);

  X509Ptr ca_certificate;
  PkeyPtr ca_key;
  BIAC_ASSIGN_OR_RETURN(const bool has_ca, PairPresent(ca.ca_certificate, ca.ca_key));
  BIAC_ASSIGN_OR_RETURN(const bool has_server, PairPresent(ca.server_certificate, ca.server_key));
  if (has_ca) {
    BIAC_RETURN_IF_ERROR(LoadPair(ca.ca_certificate, ca.ca_key, &ca_certificate, &ca_key));
  } else {
    if (has_server) {
      return FailedPrecondition(ca.server_certificate + ": exists without its CA " +
                                ca.ca_certificate + "; remove it to create a new CA");
    }
    BIAC_ASSIGN_OR_RETURN(ca_key, NewKey());
    BIAC_ASSIGN_OR_RETURN(
        ca_certificate,
        MakeCertificate(ca_key.get(), kCaCommonName, nullptr, nullptr, kCaValidityDays,
                        {{NID_basic_constraints, "critical,CA:TRUE"},
                         {NID_key_usage, "critical,keyCertSign,cRLSign"},
                         {NID_subject_key_identifier, "hash"}}));
    BIAC_RETURN_IF_ERROR(WriteKey(ca.ca_key, ca_key.get()));
    BIAC_RETURN_IF_ERROR(WriteCertificate(ca.ca_certificate, ca_certificate.get()));
    ca.created = true;
  }
  if (has_server) {
    X509Ptr server_certificate;
    PkeyPtr server_key;
    BIAC_RETURN_IF_ERROR(
        LoadPair(ca.server_certificate, ca.server_key, &server_certificate, &server_key));
    return ca;
  }
  BIAC_ASSIGN_OR_RETURN(PkeyPtr server_key, NewKey());
  BIAC_ASSIGN_OR_RETURN(X509Ptr server_certificate,
                        MakeCertificate(server_key.get(), names.front(), ca_certificate.get(),
                                        ca_key.get(), kServerValidityDays,
                                        {{NID_basic_constraints, "critical,CA:FALSE"},
                                         {NID_key_usage, "critical,digitalSignature"},
                                         {NID_ext_key_usage, "serverAuth"},
                                         {NID_subject_alt_name, SubjectAltName(names)},
                                         {NID_authority_key_identifier, "keyid:always"}}));
  BIAC_RETURN_IF_ERROR(WriteKey(ca.server_key, server_key.get()));
  BIAC_RETURN_IF_ERROR(WriteCertificate(ca.server_certificate, server_certificate.get()));
  ca.created = true;
  return ca;
}

Status IssueClientCertificate(const std::string& dir, const std::string& common_name,
                              const std::string& out_prefix, int days) {
  if (common_name.empty()) return InvalidArgument("client certificate: empty common name");
  if (days <= 0) return InvalidArgument("client certificate " + common_name + ": days <= 0");
  const LocalCa ca = Paths(dir);
  X509Ptr ca_certificate;
  PkeyPtr ca_key;
  BIAC_RETURN_IF_ERROR(LoadPair(ca.ca_certificate, ca.ca_key, &ca_certificate, &ca_key));
  BIAC_ASSIGN_OR_RETURN(PkeyPtr key, NewKey());
  BIAC_ASSIGN_OR_RETURN(
      X509Ptr certificate,
      MakeCertificate(key.get(), common_name, ca_certificate.get(), ca_key.get(), days,
                      {{NID_basic_constraints, "critical,CA:FALSE"},
                       {NID_key_usage, "critical,digitalSignature"},
                       {NID_ext_key_usage, "clientAuth"},
                       {NID_authority_key_identifier, "keyid:always"}}));
  BIAC_RETURN_IF_ERROR(WriteKey(out_prefix + ".key", key.get()));
  return WriteCertificate(out_prefix + ".pem", certificate.get());
}

TlsFiles ServerTlsFiles(const LocalCa& ca) {
  return TlsFiles{ca.server_certificate, ca.server_key, ca.ca_certificate};
}

}  // namespace biac::net
