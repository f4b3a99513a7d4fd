// Audit log speed: appends per second under each fsync policy, proof generation and
// verification on a tree of 2^20 leaves, and whole-log verification.
//
//   audit_benchmark --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
// The file benchmarks write under $TMPDIR (the fsync figures are those of that filesystem).

#include <benchmark/benchmark.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <unistd.h>

#include "biac/audit/file_log.h"
#include "biac/audit/log_format.h"
#include "biac/audit/merkle.h"

namespace biac::audit {
namespace {

constexpr uint64_t kTreeSize = uint64_t{1} << 20;

AuditEntry TypicalEntry(int64_t i) {
  AccessDecision a;
  a.subject = "usa/analyst.smith";
  a.request = "GET /api/tracks?bbox=127.0,24.0,132.0,34.0";
  a.labels = {"SECRET//REL TO USA, JPN", "JPN GOKUHI//REL TO JPN, USA"};
  a.decision = Decision::kPermit;
  return {Timestamp::FromNanos(1'700'000'000'000'000'000 + i), a};
}

const NoteSigner& Signer() {
  static const NoteSigner signer =
      NoteSigner::FromSeed("bench.example/audit", std::vector<uint8_t>(32, 1)).value();
  return signer;
}

std::string TempLogPath(const char* name) {
  return (std::filesystem::temp_directory_path() /
          ("biac_audit_bench_" + std::to_string(::getpid()) + "_" + name))
      .string();
}

void AppendBenchmark(benchmark::State& state, FsyncPolicy policy, const char* name) {
  const std::string path = TempLogPath(name);
  std::filesystem::remove(path);
  FileLogOptions options;
  options.origin = "bench.example/audit";
  options.fsync = policy;
  options.batch_size = 64;
  auto log = FileLog::Open(path, options, &Signer()).value();
  const AuditEntry entry = TypicalEntry(0);
  for (auto _ : state) {
    auto r = log->Append(entry);
    if (!r.ok()) state.SkipWithError(r.status().message().c_str());
  }
  (void)log->Sync();
  state.SetItemsProcessed(state.iterations());
  log.reset();
  std::filesystem::remove(path);
}

void BM_AppendNoFsync(benchmark::State& state) {
  AppendBenchmark(state, FsyncPolicy::kNone, "none");
}
void BM_AppendBatchedFsync64(benchmark::State& state) {
  AppendBenchmark(state, FsyncPolicy::kBatched, "batched");
}
void BM_AppendFsyncEveryEntry(benchmark::State& state) {
  AppendBenchmark(state, FsyncPolicy::kEveryEntry, "every");
}
// Wall-clock time: an fsync waits for the device, not the CPU.
BENCHMARK(BM_AppendNoFsync)->UseRealTime();
BENCHMARK(BM_AppendBatchedFsync64)->UseRealTime();
BENCHMARK(BM_AppendFsyncEveryEntry)->Iterations(200)->UseRealTime();

// Hashing an encoded entry and adding it to the in-memory tree: the CPU part of an append.
void BM_TreeAppend(benchmark::State& state) {
  MerkleTree tree;
  const auto bytes = EncodeEntry(TypicalEntry(0)).value();
  for (auto _ : state) tree.Append(HashLeaf(bytes));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_TreeAppend);

const MerkleTree& BigTree() {
  static const MerkleTree tree = [] {
    MerkleTree t;
    for (uint64_t i = 0; i < kTreeSize; ++i) {
      const uint64_t v = i;
      t.Append(HashLeaf({reinterpret_cast<const uint8_t*>(&v), sizeof v}));
    }
    return t;
  }();
  return tree;
}

void BM_InclusionProof(benchmark::State& state) {
  const MerkleTree& tree = BigTree();
  uint64_t index = 12345;
  const uint64_t size = kTreeSize - 7;  // not a power of two: the general case
  for (auto _ : state) {
    auto proof = tree.InclusionProof(index, size);
    benchmark::DoNotOptimize(proof);
    index = (index * 7919 + 1) % size;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_InclusionProof);

void BM_ConsistencyProof(benchmark::State& state) {
  const MerkleTree& tree = BigTree();
  uint64_t old_size = 1000;
  for (auto _ : state) {
    auto proof = tree.ConsistencyProof(old_size, kTreeSize - 3);
    benchmark::DoNotOptimize(proof);
    old_size = (old_size * 7919 + 1) % (kTreeSize - 3) + 1;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ConsistencyProof);

void BM_VerifyInclusion(benchmark::State& state) {
  const MerkleTree& tree = BigTree();
  const uint64_t size = kTreeSize - 7;
  const Hash root = tree.RootAt(size).value();
  const auto proof = tree.InclusionProof(777, size).value();
  for (auto _ : state) {
    benchmark::DoNotOptimize(VerifyInclusion(777, size, tree.LeafHash(777), proof, root));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_VerifyInclusion);

// `biac audit verify` on a 100 000-entry log with a checkpoint every 1000: entries per second.
void BM_VerifyLog(benchmark::State& state) {
  constexpr int kEntries = 100'000;
  const std::string path = TempLogPath("verify");
  std::filesystem::remove(path);
  {
    FileLogOptions options;
    options.origin = "bench.example/audit";
    options.fsync = FsyncPolicy::kNone;
    options.checkpoint_every = 1000;
    auto log = FileLog::Open(path, options, &Signer()).value();
    for (int i = 0; i < kEntries; ++i) (void)log->Append(TypicalEntry(i));
  }
  std::ifstream in(path, std::ios::binary);
  const std::vector<uint8_t> bytes{std::istreambuf_iterator<char>(in),
                                   std::istreambuf_iterator<char>()};
  std::filesystem::remove(path);
  VerifyOptions options;
  options.keys = {Signer().Verifier()};
  for (auto _ : state) {
    const VerifyReport report = VerifyLog(bytes, options);
    if (!report.clean()) state.SkipWithError("log did not verify");
  }
  state.SetItemsProcessed(state.iterations() * kEntries);
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(bytes.size()));
}
BENCHMARK(BM_VerifyLog)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace biac::audit

BENCHMARK_MAIN();
