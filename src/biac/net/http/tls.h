#pragma once

// TLS credentials for biac's servers and the node's local certificate authority.
//
// The node speaks TLS on every listener (issue 5 §2). When no certificate is configured it
// creates a local CA on first start and a server certificate signed by it; users, tests and
// TAK clients trust the CA's certificate (ca.pem) and may receive client certificates issued
// by it for mutual TLS (RFC 8446 §4.3.2 CertificateRequest, §4.4.2 client Certificate).

#include <string>
#include <vector>

#include "biac/base/status.h"

namespace biac::net {

// PEM files of a TLS endpoint.
struct TlsFiles {
  std::string certificate_chain;  // leaf certificate first, then any intermediates
  std::string private_key;
  // PEM file of CAs whose client certificates are accepted (mTLS); may be empty, in which
  // case no client certificate is requested.
  std::string client_ca;
};

// The local CA's files in `dir` (absolute or relative paths as passed in `dir`).
struct LocalCa {
  std::string dir;
  std::string ca_certificate;      // <dir>/ca.pem: give this to clients to trust
  std::string ca_key;              // <dir>/ca.key (0600)
  std::string server_certificate;  // <dir>/server.pem
  std::string server_key;          // <dir>/server.key (0600)
  bool created = false;            // true if this call created any of the files
};

// If `dir` lacks them, creates a local CA (EC P-256, ECDSA-SHA256, 10 years, basicConstraints
// CA:true critical, keyUsage keyCertSign+cRLSign) and a server certificate it signs
// (subjectAltName: the hostnames and IP addresses in `names`, e.g. "localhost", "127.0.0.1";
// CN = names[0]; 825 days; extendedKeyUsage serverAuth). Keys are written with mode 0600.
// The directory is created if missing. Existing files are reused (created = false) after
// checking that each parses and that each key matches its certificate; a CA pair present
// with the server pair missing gets a new server certificate. A half-present pair (a
// certificate without its key, or the reverse) is an error. Errors name the file and the
// reason. `names` must not be empty.
Result<LocalCa> EnsureLocalCa(const std::string& dir, const std::vector<std::string>& names);

// Issues a client certificate (EC P-256, extendedKeyUsage clientAuth, CN = common_name, valid
// `days` days) signed by the local CA in `dir`, writing <out_prefix>.pem (the certificate) and
// <out_prefix>.key (its key, 0600); for demo users, tests and TAK clients.
Status IssueClientCertificate(const std::string& dir, const std::string& common_name,
                              const std::string& out_prefix, int days);

// The server side of a local CA: its server certificate and key, accepting client
// certificates issued by the same CA.
TlsFiles ServerTlsFiles(const LocalCa& ca);

}  // namespace biac::net
