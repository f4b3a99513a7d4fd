#pragma once

// The file-backed audit log: appends entries durably, keeps the whole Merkle tree in memory for
// roots and proofs, and writes signed checkpoints into the same file (log_format.h).
//
// Durability (docs/audit.md, "Durability"). An entry is acknowledged when Append returns
// with `durable` set, or when durable_size() passes its index: by then its record has been
// written with write(2) and flushed with fdatasync(2).
//   kEveryEntry  fdatasync after every entry (each Append is acknowledged when it returns)
//   kBatched     fdatasync once `batch_size` entries are pending, and on Sync(), Checkpoint()
//                and destruction; callers acknowledge an entry only once durable_size() passes
//                its index (group commit: the ack comes after the fsync, never before)
//   kNone        never (tests and benchmarks only: acknowledged entries may be lost)
// A new file's header is synced and so is its directory entry. A crash during an append
// leaves at most one incomplete final record, which Open() cuts off (that entry was never
// acknowledged).

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "biac/audit/checkpoint.h"
#include "biac/audit/entry.h"
#include "biac/audit/hash.h"
#include "biac/audit/merkle.h"
#include "biac/audit/note.h"
#include "biac/base/status.h"

namespace biac::audit {

enum class FsyncPolicy { kEveryEntry, kBatched, kNone };

struct FileLogOptions {
  std::string origin;  // checkpoint origin line, e.g. "bic.example/audit/usa"; required
  FsyncPolicy fsync = FsyncPolicy::kEveryEntry;
  uint32_t batch_size = 64;  // kBatched: entries per fdatasync
  // With a signer: write a signed checkpoint after every this many entries (0: only when
  // Checkpoint() is called).
  uint64_t checkpoint_every = 0;

  Status Validate() const;
};

struct AppendResult {
  uint64_t index = 0;    // the entry's leaf index
  bool durable = false;  // on disk now (always true under kEveryEntry)
};

class FileLog {
 public:
  // Opens the log at `path`, creating it if absent. An existing log is read and checked: its
  // framing and CRCs, every checkpoint's root against the rebuilt tree, and with a signer every
  // checkpoint signed by the signer's key; a torn final record is cut off; a corrupt log is
  // refused (FailedPrecondition naming the place; run `biac audit verify`). `signer` may be
  // null (then Checkpoint() fails); it must outlive the log.
  static Result<std::unique_ptr<FileLog>> Open(const std::string& path, FileLogOptions options,
                                               const NoteSigner* signer);
  struct PrivateTag {};  // construction only through Open
  FileLog(PrivateTag, std::string path, FileLogOptions options, const NoteSigner* signer, int fd);
  ~FileLog();
  FileLog(const FileLog&) = delete;
  FileLog& operator=(const FileLog&) = delete;

  Result<AppendResult> Append(const AuditEntry& entry);
  // Appends already-encoded entry bytes (must decode as an entry).
  Result<AppendResult> AppendEncoded(std::span<const uint8_t> entry_bytes);
  // Flushes pending entries to disk.
  Status Sync();
  // Signs a checkpoint of the current tree, appends it to the file and syncs; returns the
  // signed note. Requires a signer.
  Result<std::string> Checkpoint();

  uint64_t size() const { return tree_.size(); }
  uint64_t durable_size() const { return durable_size_; }
  Hash Root() const { return tree_.Root(); }
  const MerkleTree& tree() const { return tree_; }
  const std::string& path() const { return path_; }
  const FileLogOptions& options() const { return options_; }
  // The last checkpoint in the file (signed note), if any.
  const std::optional<std::string>& latest_checkpoint() const { return latest_checkpoint_; }
  // The byte offset after the last record: how many bytes of the file are the log.
  uint64_t file_size() const { return file_size_; }

  Result<std::vector<Hash>> InclusionProof(uint64_t index, uint64_t tree_size) const {
    return tree_.InclusionProof(index, tree_size);
  }
  Result<std::vector<Hash>> ConsistencyProof(uint64_t size1, uint64_t size2) const {
    return tree_.ConsistencyProof(size1, size2);
  }

  // Log side of the checkpoint exchange: a partner shows us a checkpoint of this log it holds
  // (ours, perhaps cosigned). Ok if its origin is ours, its size is within our tree and its
  // root equals our root at that size; returns the consistency proof from its size to
  // `to_size` (the size of the newer checkpoint we present), which the partner checks with
  // VerifyCheckpointConsistency.
  Result<std::vector<Hash>> ProveConsistentWith(const audit::Checkpoint& theirs,
                                                uint64_t to_size) const;

 private:
  Result<AppendResult> AppendChecked(std::span<const uint8_t> entry_bytes);
  Status WriteAll(std::span<const uint8_t> bytes);
  Status Load();

  std::string path_;
  FileLogOptions options_;
  const NoteSigner* signer_;
  int fd_;
  MerkleTree tree_;
  uint64_t durable_size_ = 0;
  uint64_t file_size_ = 0;
  uint32_t pending_ = 0;
  std::optional<std::string> latest_checkpoint_;
  std::vector<uint8_t> scratch_;  // entry encoding, reused
  std::vector<uint8_t> record_;   // framed record, reused
};

}  // namespace biac::audit
