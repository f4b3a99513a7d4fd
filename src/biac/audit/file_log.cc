#include "biac/audit/file_log.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "biac/audit/log_format.h"

namespace biac::audit {
namespace {

std::string Errno(std::string_view what, const std::string& path) {
  return std::string(what) + " " + path + ": " + std::strerror(errno);
}

// The directory entry of a new file is durable only once its directory is synced
// (fsync(2), NOTES).
Status SyncDirectoryOf(const std::string& path) {
  std::filesystem::path dir = std::filesystem::path(path).parent_path();
  if (dir.empty()) dir = ".";
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Unavailable(Errno("cannot open directory", dir.string()));
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return Unavailable(Errno("cannot sync directory", dir.string()));
  return Status::Ok();
}

Result<std::vector<uint8_t>> ReadWhole(int fd, const std::string& path) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return Unavailable(Errno("cannot stat", path));
  std::vector<uint8_t> bytes(static_cast<size_t>(st.st_size));
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n =
        ::pread(fd, bytes.data() + done, bytes.size() - done, static_cast<off_t>(done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Unavailable(Errno("cannot read", path));
    if (n == 0) break;
    done += static_cast<size_t>(n);
  }
  bytes.resize(done);
  return bytes;
}

std::string_view AsText(std::span<const uint8_t> b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

}  // namespace

Status FileLogOptions::Validate() const {
  if (origin.empty() || origin.find('\n') != std::string::npos) {
    return InvalidArgument("audit log options: origin must be one non-empty line");
  }
  if (fsync == FsyncPolicy::kBatched && batch_size == 0) {
    return InvalidArgument("audit log options: batch_size must be at least 1");
  }
  return Status::Ok();
}

FileLog::FileLog(PrivateTag, std::string path, FileLogOptions options, const NoteSigner* signer,
                 int fd)
    : path_(std::move(path)), options_(std::move(options)), signer_(signer), fd_(fd) {}

FileLog::~FileLog() {
  if (fd_ >= 0) {
    if (pending_ > 0 && options_.fsync != FsyncPolicy::kNone) (void)::fdatasync(fd_);
    ::close(fd_);
  }
}

Result<std::unique_ptr<FileLog>> FileLog::Open(const std::string& path, FileLogOptions options,
                                               const NoteSigner* signer) {
  BIAC_RETURN_IF_ERROR(options.Validate());
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return Unavailable(Errno("cannot open audit log", path));
  // One writer per log: a second appender would interleave records.
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const std::string why = Errno("audit log is in use by another writer:", path);
    ::close(fd);
    return Unavailable(why);
  }
  auto log = std::make_unique<FileLog>(PrivateTag{}, path, std::move(options), signer, fd);
  BIAC_RETURN_IF_ERROR(log->Load());
  return log;
}

Status FileLog::Load() {
  BIAC_ASSIGN_OR_RETURN(const std::vector<uint8_t> bytes, ReadWhole(fd_, path_));
  const LogScan scan = ScanLog(bytes);
  if (scan.end == LogScan::End::kCorrupt) {
    return FailedPrecondition("audit log " + path_ + " is corrupt: " + scan.problem +
                              " (run biac audit verify)");
  }
  if (scan.end == LogScan::End::kTorn) {
    // The unacknowledged record of an append a crash interrupted.
    if (::ftruncate(fd_, static_cast<off_t>(scan.good_bytes)) != 0 || ::fdatasync(fd_) != 0) {
      return Unavailable(Errno("cannot cut the torn final record of", path_));
    }
  }
  if (scan.good_bytes == 0) {
    const auto header = AsBytes(kLogHeader);
    BIAC_RETURN_IF_ERROR(WriteAll(header));
    if (::fdatasync(fd_) != 0) return Unavailable(Errno("cannot sync", path_));
    BIAC_RETURN_IF_ERROR(SyncDirectoryOf(path_));
    file_size_ = header.size();
    return Status::Ok();
  }
  file_size_ = scan.good_bytes;
  std::vector<NoteVerifier> own;
  if (signer_ != nullptr) own.push_back(signer_->Verifier());
  for (const LogRecord& record : scan.records) {
    const std::string where = "audit log " + path_ + " at offset " + std::to_string(record.offset);
    if (record.type == RecordType::kEntry) {
      if (auto e = DecodeEntry(record.payload); !e.ok()) {
        return FailedPrecondition(where + ": entry " + std::to_string(tree_.size()) + ": " +
                                  e.error().message());
      }
      tree_.Append(HashLeaf(record.payload));
      continue;
    }
    // Never sign anything inconsistent with what this log signed before
    // (c2sp.org/tlog-checkpoint, "Signatures"): every stored checkpoint must match the tree.
    auto note = ParseSignedNote(AsText(record.payload));
    if (!note.ok()) return FailedPrecondition(where + ": " + note.error().message());
    auto cp = ParseCheckpointText(note->text);
    if (!cp.ok()) return FailedPrecondition(where + ": " + cp.error().message());
    if (!own.empty()) {
      if (auto v = VerifyNote(*note, own); !v.ok()) {
        return FailedPrecondition(where + ": " + v.error().message());
      }
    }
    if (cp->origin != options_.origin) {
      return FailedPrecondition(where + ": checkpoint origin '" + cp->origin + "', expected '" +
                                options_.origin + "'");
    }
    if (cp->size != tree_.size() || cp->root != tree_.Root()) {
      return FailedPrecondition(where + ": checkpoint of size " + std::to_string(cp->size) +
                                " does not match the entries before it");
    }
    latest_checkpoint_ = std::string(AsText(record.payload));
  }
  durable_size_ = tree_.size();
  return Status::Ok();
}

Status FileLog::WriteAll(std::span<const uint8_t> bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd_, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const Status failure = Unavailable(Errno("cannot write", path_));
      // Leave no partial record behind for the next append to follow.
      (void)::ftruncate(fd_, static_cast<off_t>(file_size_));
      return failure;
    }
    done += static_cast<size_t>(n);
  }
  return Status::Ok();
}

Status FileLog::Sync() {
  if (pending_ == 0) return Status::Ok();
  if (options_.fsync != FsyncPolicy::kNone && ::fdatasync(fd_) != 0) {
    return Unavailable(Errno("cannot sync", path_));
  }
  pending_ = 0;
  durable_size_ = tree_.size();
  return Status::Ok();
}

Result<AppendResult> FileLog::Append(const AuditEntry& entry) {
  scratch_.clear();
  BIAC_RETURN_IF_ERROR(EncodeEntry(entry, scratch_));
  return AppendChecked(scratch_);
}

Result<AppendResult> FileLog::AppendEncoded(std::span<const uint8_t> entry_bytes) {
  if (entry_bytes.size() > kMaxRecordPayload) {
    return InvalidArgument("audit entry of " + std::to_string(entry_bytes.size()) +
                           " bytes exceeds the record limit");
  }
  if (auto e = DecodeEntry(entry_bytes); !e.ok()) return e.status();
  return AppendChecked(entry_bytes);
}

Result<AppendResult> FileLog::AppendChecked(std::span<const uint8_t> entry_bytes) {
  record_.clear();
  AppendRecord(RecordType::kEntry, entry_bytes, record_);
  BIAC_RETURN_IF_ERROR(WriteAll(record_));
  file_size_ += record_.size();
  tree_.Append(HashLeaf(entry_bytes));
  ++pending_;
  AppendResult result{tree_.size() - 1, false};
  if (options_.fsync == FsyncPolicy::kEveryEntry ||
      (options_.fsync == FsyncPolicy::kBatched && pending_ >= options_.batch_size)) {
    BIAC_RETURN_IF_ERROR(Sync());
  }
  if (signer_ != nullptr && options_.checkpoint_every > 0 &&
      tree_.size() % options_.checkpoint_every == 0) {
    BIAC_RETURN_IF_ERROR(Checkpoint().status());
  }
  result.durable = durable_size_ > result.index;
  return result;
}

Result<std::string> FileLog::Checkpoint() {
  if (signer_ == nullptr) return FailedPrecondition("audit log " + path_ + ": no signing key");
  // The checkpoint claims its entries, so they must be on disk first.
  BIAC_RETURN_IF_ERROR(Sync());
  const audit::Checkpoint cp{options_.origin, tree_.size(), tree_.Root(), {}};
  BIAC_ASSIGN_OR_RETURN(std::string note, SignCheckpoint(cp, *signer_));
  record_.clear();
  AppendRecord(RecordType::kCheckpoint, AsBytes(note), record_);
  BIAC_RETURN_IF_ERROR(WriteAll(record_));
  file_size_ += record_.size();
  if (options_.fsync != FsyncPolicy::kNone && ::fdatasync(fd_) != 0) {
    return Unavailable(Errno("cannot sync", path_));
  }
  latest_checkpoint_ = note;
  return note;
}

Result<std::vector<Hash>> FileLog::ProveConsistentWith(const audit::Checkpoint& theirs,
                                                       uint64_t to_size) const {
  if (theirs.origin != options_.origin) {
    return InvalidArgument("partner checkpoint is of log '" + theirs.origin + "', not '" +
                           options_.origin + "'");
  }
  if (theirs.size > to_size || to_size > tree_.size()) {
    return InvalidArgument("partner checkpoint of size " + std::to_string(theirs.size) +
                           " is beyond size " + std::to_string(to_size) + " (log has " +
                           std::to_string(tree_.size()) + " entries)");
  }
  BIAC_ASSIGN_OR_RETURN(const Hash ours, tree_.RootAt(theirs.size));
  if (ours != theirs.root) {
    return FailedPrecondition("partner checkpoint of size " + std::to_string(theirs.size) +
                              " has root " + ToHex(theirs.root) + " but this log has " +
                              ToHex(ours) + " at that size: the histories differ");
  }
  return tree_.ConsistencyProof(theirs.size, to_size);
}

}  // namespace biac::audit
