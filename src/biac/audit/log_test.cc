// The file-backed log: durability and crash recovery, tamper detection by `VerifyLog` (every
// byte of a small log flipped in turn), and the checkpoint exchange between two partners.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <unistd.h>

#include "biac/audit/checkpoint.h"
#include "biac/audit/file_log.h"
#include "biac/audit/log_format.h"

namespace biac::audit {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kOrigin = "bic.example/audit/usa";

class LogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) /
           ("audit_log_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    path_ = (dir_ / "audit.log").string();
  }
  void TearDown() override { fs::remove_all(dir_); }

  static FileLogOptions Options(FsyncPolicy policy = FsyncPolicy::kNone) {
    FileLogOptions o;
    o.origin = std::string(kOrigin);
    o.fsync = policy;
    return o;
  }

  std::vector<uint8_t> ReadFile() const {
    std::ifstream in(path_, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }
  void WriteFile(const std::vector<uint8_t>& bytes) const {
    std::ofstream out(path_, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
  }

  VerifyOptions Keys() const {
    VerifyOptions v;
    v.keys = {signer_.Verifier()};
    return v;
  }

  fs::path dir_;
  std::string path_;
  NoteSigner signer_ =
      NoteSigner::FromSeed(std::string(kOrigin), std::vector<uint8_t>(32, 0x5a)).value();
};

AuditEntry MakeEntry(int i) {
  if (i % 3 == 2) {
    Release r;
    r.partner = "JPN";
    r.rule = "coarsen-1km";
    r.inputs = {"track:" + std::to_string(i)};
    r.label = "SECRET//REL TO USA, JPN";
    r.output_hash = Sha256(AsBytes("out " + std::to_string(i)));
    return {Timestamp::FromNanos(1'700'000'000'000'000'000 + i), r};
  }
  AccessDecision a;
  a.subject = "user" + std::to_string(i % 4);
  a.request = "track " + std::to_string(i);
  a.labels = {"SECRET//NOFORN"};
  a.decision = i % 2 == 0 ? Decision::kPermit : Decision::kDeny;
  a.reason = a.decision == Decision::kDeny ? "not releasable to JPN" : "";
  return {Timestamp::FromNanos(1'700'000'000'000'000'000 + i), a};
}

TEST_F(LogTest, AppendReopenRebuildsTreeAndProofsVerify) {
  std::vector<Hash> leaves;
  {
    auto log = FileLog::Open(path_, Options(FsyncPolicy::kEveryEntry), &signer_).value();
    for (int i = 0; i < 23; ++i) {
      const auto r = log->Append(MakeEntry(i)).value();
      EXPECT_EQ(r.index, static_cast<uint64_t>(i));
      EXPECT_TRUE(r.durable);
      leaves.push_back(HashLeaf(EncodeEntry(MakeEntry(i)).value()));
      if (i == 9) ASSERT_TRUE(log->Checkpoint().ok());
    }
    ASSERT_TRUE(log->Checkpoint().ok());
    EXPECT_EQ(log->Root(), MerkleTreeHash(leaves));
  }
  auto log = FileLog::Open(path_, Options(), &signer_).value();
  EXPECT_EQ(log->size(), 23u);
  EXPECT_EQ(log->durable_size(), 23u);
  EXPECT_EQ(log->Root(), MerkleTreeHash(leaves));
  const auto cp = OpenCheckpoint(*log->latest_checkpoint(), Keys().keys, kOrigin).value();
  EXPECT_EQ(cp.size, 23u);
  EXPECT_EQ(cp.root, MerkleTreeHash(leaves));
  for (uint64_t i = 0; i < 23; ++i) {
    const auto proof = log->InclusionProof(i, 23).value();
    EXPECT_TRUE(VerifyInclusion(i, 23, leaves[i], proof, cp.root).ok());
  }
  const auto report = VerifyLog(ReadFile(), Keys());
  EXPECT_TRUE(report.clean()) << (report.problems.empty() ? "" : report.problems[0]);
  EXPECT_EQ(report.entries, 23u);
  EXPECT_EQ(report.checkpoints, 2u);
}

TEST_F(LogTest, BatchedPolicyAcknowledgesOnlyAfterSync) {
  auto options = Options(FsyncPolicy::kBatched);
  options.batch_size = 4;
  auto log = FileLog::Open(path_, options, &signer_).value();
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(log->Append(MakeEntry(i)).value().durable);
  EXPECT_EQ(log->durable_size(), 0u);
  EXPECT_TRUE(log->Append(MakeEntry(3)).value().durable);  // the fourth fills the batch
  EXPECT_EQ(log->durable_size(), 4u);
  EXPECT_FALSE(log->Append(MakeEntry(4)).value().durable);
  ASSERT_TRUE(log->Sync().ok());
  EXPECT_EQ(log->durable_size(), 5u);
}

TEST_F(LogTest, AutomaticCheckpoints) {
  auto options = Options();
  options.checkpoint_every = 5;
  {
    auto log = FileLog::Open(path_, options, &signer_).value();
    for (int i = 0; i < 12; ++i) ASSERT_TRUE(log->Append(MakeEntry(i)).ok());
  }
  const auto report = VerifyLog(ReadFile(), Keys());
  EXPECT_TRUE(report.ok());
  EXPECT_EQ(report.checkpoints, 2u);
  EXPECT_EQ(report.last_checkpoint_size, 10u);
  EXPECT_EQ(report.warnings.size(), 1u);  // entries 10 and 11 are not yet signed
}

// A crash during an append leaves a prefix of the last record: for every such prefix the log
// verifies up to the last complete entry, and reopening cuts the torn record and appends on.
TEST_F(LogTest, TruncatedAtEveryByteOfTheLastRecord) {
  uint64_t before_last = 0;
  {
    auto log = FileLog::Open(path_, Options(), &signer_).value();
    for (int i = 0; i < 7; ++i) ASSERT_TRUE(log->Append(MakeEntry(i)).ok());
    ASSERT_TRUE(log->Checkpoint().ok());
    for (int i = 7; i < 9; ++i) ASSERT_TRUE(log->Append(MakeEntry(i)).ok());
    before_last = log->file_size();
    ASSERT_TRUE(log->Append(MakeEntry(9)).ok());
  }
  const auto full = ReadFile();
  ASSERT_GT(full.size(), before_last);
  int cuts = 0;
  for (uint64_t cut = before_last; cut < full.size(); ++cut) {
    const std::vector<uint8_t> torn(full.begin(), full.begin() + static_cast<ptrdiff_t>(cut));
    const auto report = VerifyLog(torn, Keys());
    EXPECT_TRUE(report.ok()) << cut << ": " << report.problems[0];
    EXPECT_EQ(report.entries, 9u) << cut;
    EXPECT_EQ(report.torn_tail, cut > before_last) << cut;
    if (cut > before_last) EXPECT_EQ(report.torn_entry, std::optional<uint64_t>(9)) << cut;
    EXPECT_EQ(report.checkpoints, 1u);

    WriteFile(torn);
    {
      auto log = FileLog::Open(path_, Options(), &signer_);
      ASSERT_TRUE(log.ok()) << cut << ": " << log.status().ToString();
      EXPECT_EQ((*log)->size(), 9u);
      EXPECT_EQ((*log)->file_size(), before_last);
      ASSERT_TRUE((*log)->Append(MakeEntry(9)).ok());
    }
    EXPECT_EQ(ReadFile(), full) << cut;  // the same log as if there had been no crash
    ++cuts;
  }
  EXPECT_EQ(cuts, static_cast<int>(full.size() - before_last));
}

// Changing any single byte of a log is detected, and the report names the entry (or
// checkpoint) whose record holds the byte.
TEST_F(LogTest, EveryFlippedByteIsDetectedAndNamed) {
  struct Span {
    uint64_t begin, end;
    bool entry;
    uint64_t index;
    uint64_t entries_before;
  };
  std::vector<Span> spans;
  {
    auto log = FileLog::Open(path_, Options(), &signer_).value();
    uint64_t entries = 0;
    uint64_t checkpoints = 0;
    auto add_entry = [&](int i) {
      const uint64_t begin = log->file_size();
      ASSERT_TRUE(log->Append(MakeEntry(i)).ok());
      spans.push_back({begin, log->file_size(), true, entries, entries});
      ++entries;
    };
    auto add_checkpoint = [&] {
      const uint64_t begin = log->file_size();
      ASSERT_TRUE(log->Checkpoint().ok());
      spans.push_back({begin, log->file_size(), false, checkpoints++, entries});
    };
    for (int i = 0; i < 3; ++i) add_entry(i);
    add_checkpoint();
    for (int i = 3; i < 6; ++i) add_entry(i);
    add_checkpoint();
  }
  const auto original = ReadFile();
  ASSERT_TRUE(VerifyLog(original, Keys()).clean());
  int detected_entry = 0;
  int detected_checkpoint = 0;
  int detected_header = 0;
  for (size_t at = 0; at < original.size(); ++at) {
    for (const uint8_t mask : {uint8_t{0x01}, uint8_t{0x80}}) {
      auto changed = original;
      changed[at] ^= mask;
      const auto report = VerifyLog(changed, Keys());
      const bool named = report.first_bad_entry || report.first_bad_checkpoint || report.torn_tail;
      ASSERT_FALSE(report.clean()) << "byte " << at << " undetected";
      if (at < kLogHeader.size()) {
        EXPECT_FALSE(report.ok());
        ++detected_header;
        continue;
      }
      const auto span = std::find_if(spans.begin(), spans.end(),
                                     [&](const Span& s) { return at >= s.begin && at < s.end; });
      ASSERT_NE(span, spans.end());
      ASSERT_TRUE(named) << "byte " << at;
      if (span->entry) {
        // Either the record fails its check (named as bad), or a changed length runs past
        // the end of the file, which reads as an incomplete record at that same index.
        const auto named_index =
            report.first_bad_entry ? report.first_bad_entry : report.torn_entry;
        EXPECT_EQ(named_index, std::optional<uint64_t>(span->index)) << "byte " << at;
        ++detected_entry;
      } else {
        if (at == span->begin) {
          // A changed type byte: the reader cannot tell what the record was meant to be and
          // names the position, after the entries before it.
          EXPECT_EQ(report.first_bad_entry, std::optional<uint64_t>(span->entries_before));
        } else {
          EXPECT_TRUE(report.first_bad_checkpoint == span->index ||
                      (report.torn_tail && !report.torn_entry))
              << "byte " << at;
        }
        ++detected_checkpoint;
      }
    }
  }
  EXPECT_EQ(detected_header + detected_entry + detected_checkpoint,
            static_cast<int>(2 * original.size()));
}

// Someone who rewrites an entry and recomputes its CRC is caught by the signed root.
TEST_F(LogTest, RewriteWithFixedCrcIsCaughtByCheckpoint) {
  uint64_t entry4 = 0;
  {
    auto log = FileLog::Open(path_, Options(), &signer_).value();
    for (int i = 0; i < 4; ++i) ASSERT_TRUE(log->Append(MakeEntry(i)).ok());
    ASSERT_TRUE(log->Checkpoint().ok());
    entry4 = log->file_size();
    for (int i = 4; i < 8; ++i) ASSERT_TRUE(log->Append(MakeEntry(i)).ok());
    ASSERT_TRUE(log->Checkpoint().ok());
  }
  auto bytes = ReadFile();
  // Entry 4 is an access decision "permit" (i even): turn it into a deny, fix the CRC.
  const auto scan = ScanLog(bytes);
  const LogRecord& rec = scan.records[5];  // 4 entries, 1 checkpoint, then entry 4
  ASSERT_EQ(rec.offset, entry4);
  auto entry = DecodeEntry(rec.payload).value();
  std::get<AccessDecision>(entry.body).decision = Decision::kDeny;
  const auto forged_payload = EncodeEntry(entry).value();
  ASSERT_EQ(forged_payload.size(), rec.payload.size());
  std::vector<uint8_t> forged_record;
  AppendRecord(RecordType::kEntry, forged_payload, forged_record);
  std::copy(forged_record.begin(), forged_record.end(),
            bytes.begin() + static_cast<ptrdiff_t>(entry4));
  const auto report = VerifyLog(bytes, Keys());
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.first_bad_checkpoint, std::optional<uint64_t>(1));
  EXPECT_NE(report.problems[0].find("entries 4 to 7"), std::string::npos) << report.problems[0];
  // Re-signing needs the log's private key; with another key the signature check fails.
  EXPECT_EQ(report.checkpoints, 1u);
}

TEST_F(LogTest, VerifyNeedsKeysAndRejectsForeignSignatures) {
  {
    auto log = FileLog::Open(path_, Options(), &signer_).value();
    ASSERT_TRUE(log->Append(MakeEntry(0)).ok());
    ASSERT_TRUE(log->Checkpoint().ok());
  }
  const auto bytes = ReadFile();
  EXPECT_FALSE(VerifyLog(bytes, VerifyOptions{}).ok());
  VerifyOptions unsigned_ok;
  unsigned_ok.allow_unsigned = true;
  EXPECT_TRUE(VerifyLog(bytes, unsigned_ok).ok());
  VerifyOptions other;
  other.keys = {NoteSigner::FromSeed("other", std::vector<uint8_t>(32, 9)).value().Verifier()};
  EXPECT_FALSE(VerifyLog(bytes, other).ok());
  VerifyOptions wrong_origin = Keys();
  wrong_origin.origin = "bic.example/audit/jpn";
  EXPECT_FALSE(VerifyLog(bytes, wrong_origin).ok());
}

TEST_F(LogTest, OpenRefusesCorruptLogAndSecondWriter) {
  {
    auto log = FileLog::Open(path_, Options(), &signer_).value();
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(log->Append(MakeEntry(i)).ok());
    EXPECT_FALSE(FileLog::Open(path_, Options(), &signer_).ok());  // locked
  }
  auto bytes = ReadFile();
  bytes[kLogHeader.size() + 7] ^= 1;  // inside entry 0
  WriteFile(bytes);
  const auto reopened = FileLog::Open(path_, Options(), &signer_);
  ASSERT_FALSE(reopened.ok());
  EXPECT_NE(reopened.status().message().find("entry 0"), std::string::npos);
  WriteFile({'n', 'o', 'p', 'e'});
  EXPECT_FALSE(FileLog::Open(path_, Options(), &signer_).ok());
}

// Two partners exchange checkpoints: the partner stores our signed checkpoint (and cosigns
// it); later we prove that our newer checkpoint extends it. A rewritten history cannot.
TEST_F(LogTest, CheckpointExchangeDetectsRewrittenHistory) {
  const auto partner =
      NoteSigner::FromSeed("bic.example/audit/jpn", std::vector<uint8_t>(32, 0x33)).value();
  const std::vector<NoteVerifier> our_key = {signer_.Verifier()};
  auto log = FileLog::Open(path_, Options(), &signer_).value();
  for (int i = 0; i < 6; ++i) ASSERT_TRUE(log->Append(MakeEntry(i)).ok());
  const std::string old_note = log->Checkpoint().value();

  // Partner side: verify with our key, store, cosign and send the cosignature back.
  const Checkpoint stored = OpenCheckpoint(old_note, our_key, kOrigin).value();
  const std::string cosigned = AddNoteSignature(old_note, partner).value();
  const std::vector<NoteVerifier> both = {signer_.Verifier(), partner.Verifier()};
  EXPECT_EQ(VerifyNote(ParseSignedNote(cosigned).value(), both).value().size(), 2u);

  for (int i = 6; i < 17; ++i) ASSERT_TRUE(log->Append(MakeEntry(i)).ok());
  const std::string new_note = log->Checkpoint().value();
  const Checkpoint newer = OpenCheckpoint(new_note, our_key, kOrigin).value();

  // Our side: the partner's stored checkpoint matches our history; we send a proof.
  const Checkpoint theirs = OpenCheckpoint(cosigned, our_key, kOrigin).value();
  const auto proof = log->ProveConsistentWith(theirs, newer.size).value();
  EXPECT_TRUE(VerifyCheckpointConsistency(stored, newer, proof).ok());
  EXPECT_FALSE(VerifyCheckpointConsistency(newer, stored, proof).ok());  // shrinking

  // A forger rebuilds the log with entry 2 changed and signs with the real key (the worst
  // case: a log operator rewriting its own history).
  const std::string forged_path = (dir_ / "forged.log").string();
  auto forged = FileLog::Open(forged_path, Options(), &signer_).value();
  for (int i = 0; i < 17; ++i) {
    AuditEntry e = MakeEntry(i);
    if (i == 2) std::get<Release>(e.body).partner = "USA";
    ASSERT_TRUE(forged->Append(e).ok());
  }
  const Checkpoint forged_cp = OpenCheckpoint(forged->Checkpoint().value(), our_key).value();
  // Its proof from the partner's stored size cannot reproduce the stored root...
  const auto forged_proof = forged->ConsistencyProof(stored.size, forged_cp.size).value();
  EXPECT_FALSE(VerifyCheckpointConsistency(stored, forged_cp, forged_proof).ok());
  // ...and the forged log itself refuses the partner's checkpoint.
  EXPECT_FALSE(forged->ProveConsistentWith(theirs, forged_cp.size).ok());
  // A checkpoint of another log is refused.
  Checkpoint foreign = theirs;
  foreign.origin = "bic.example/audit/jpn";
  EXPECT_FALSE(log->ProveConsistentWith(foreign, newer.size).ok());
}

}  // namespace
}  // namespace biac::audit
