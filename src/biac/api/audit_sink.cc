#include "biac/api/audit_sink.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <utility>

#include "biac/base/log.h"

namespace biac::api {

namespace {

constexpr uint64_t kCheckpointEvery = 1000;
constexpr mode_t kSecretMode = 0600;

Result<audit::NoteSigner> LoadOrMakeSigner(const std::string& key_path, const std::string& origin) {
  std::ifstream in(key_path);
  if (in) {
    std::string key;
    std::getline(in, key);
    auto signer = audit::NoteSigner::FromKey(key);
    if (!signer.ok()) {
      return FailedPrecondition(key_path + ": not an audit signing key: " +
                                signer.error().message());
    }
    return signer;
  }
  auto signer = audit::NoteSigner::Generate(origin);
  if (!signer.ok()) return signer.status();
  const std::string text = signer->SignerKeyString() + "\n";
  const int fd = ::open(key_path.c_str(), O_WRONLY | O_CREAT | O_EXCL, kSecretMode);
  if (fd < 0) return FailedPrecondition(key_path + ": cannot create the audit signing key");
  const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (!written || !synced) return FailedPrecondition(key_path + ": cannot write the audit key");
  return signer;
}

}  // namespace

AuditSink::AuditSink(std::unique_ptr<audit::NoteSigner> signer, std::string verifier_key)
    : signer_(std::move(signer)), verifier_key_(std::move(verifier_key)) {}

Result<std::unique_ptr<AuditSink>> AuditSink::Open(const std::string& path,
                                                   const std::string& key_path,
                                                   const std::string& origin) {
  auto signer = LoadOrMakeSigner(key_path, origin);
  if (!signer.ok()) return signer.status();
  auto owned = std::make_unique<audit::NoteSigner>(std::move(signer).value());
  std::string verifier = owned->VerifierKeyString();
  // The verifier key beside the signing key, for `biac audit verify --key`.
  {
    std::ofstream pub(key_path + ".pub", std::ios::trunc);
    pub << verifier << '\n';
    if (!pub) return FailedPrecondition(key_path + ".pub: cannot write the audit verifier key");
  }
  std::unique_ptr<AuditSink> sink(new AuditSink(std::move(owned), std::move(verifier)));
  audit::FileLogOptions options;
  options.origin = origin;
  options.fsync = audit::FsyncPolicy::kBatched;
  options.batch_size = 64;
  options.checkpoint_every = kCheckpointEvery;
  auto log = audit::FileLog::Open(path, options, sink->signer_.get());
  if (!log.ok()) return log.status();
  sink->log_ = std::move(log).value();
  return sink;
}

AuditSink::~AuditSink() {
  if (log_) (void)Checkpoint();
}

void AuditSink::Append(const audit::AuditEntry& entry) {
  std::lock_guard lock(mutex_);
  auto result = log_->Append(entry);
  if (!result.ok()) {
    ++failures_;
    log::Error("audit log {}: {}", log_->path(), result.error().message());
  }
}

void AuditSink::Decision(Timestamp time, std::string subject, std::string request,
                         std::vector<std::string> labels, bool permit, std::string reason) {
  audit::AccessDecision decision;
  decision.subject = std::move(subject);
  decision.request = std::move(request);
  decision.labels = std::move(labels);
  decision.decision = permit ? audit::Decision::kPermit : audit::Decision::kDeny;
  decision.reason = std::move(reason);
  Append(audit::AuditEntry{time, std::move(decision)});
}

void AuditSink::Release(Timestamp time, audit::Release release) {
  Append(audit::AuditEntry{time, std::move(release)});
}

Status AuditSink::Checkpoint() {
  std::lock_guard lock(mutex_);
  if (log_->size() == 0) return log_->Sync();
  auto note = log_->Checkpoint();
  return note.ok() ? Status::Ok() : note.status();
}

uint64_t AuditSink::entries() const {
  std::lock_guard lock(mutex_);
  return log_->size();
}

uint64_t AuditSink::failures() const {
  std::lock_guard lock(mutex_);
  return failures_;
}

}  // namespace biac::api
