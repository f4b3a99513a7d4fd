#pragma once

// Every request the API answers is an access decision, appended to the node's tamper-evident
// audit log (audit/file_log.h). The log is shared by the API's threads, so appends are
// serialised here; the log batches its fsyncs (FsyncPolicy::kBatched), and a checkpoint is
// signed every `checkpoint_every` entries and when the node stops.

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "biac/audit/file_log.h"
#include "biac/audit/note.h"
#include "biac/base/status.h"
#include "biac/base/time.h"

namespace biac::api {

class AuditSink {
 public:
  // Opens (or creates) the log at `path`; the signing key is read from `key_path`, or made
  // there (0600) on first start.
  static Result<std::unique_ptr<AuditSink>> Open(const std::string& path,
                                                 const std::string& key_path,
                                                 const std::string& origin);
  ~AuditSink();  // a final checkpoint

  void Decision(Timestamp time, std::string subject, std::string request,
                std::vector<std::string> labels, bool permit, std::string reason);
  void Release(Timestamp time, audit::Release release);
  Status Checkpoint();

  uint64_t entries() const;
  uint64_t failures() const;  // appends that failed (logged; the request was still answered)
  const std::string& verifier_key() const { return verifier_key_; }

 private:
  AuditSink(std::unique_ptr<audit::NoteSigner> signer, std::string verifier_key);
  void Append(const audit::AuditEntry& entry);

  std::unique_ptr<audit::NoteSigner> signer_;
  std::string verifier_key_;
  mutable std::mutex mutex_;
  std::unique_ptr<audit::FileLog> log_;
  uint64_t failures_ = 0;
};

}  // namespace biac::api
