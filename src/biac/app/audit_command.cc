// `biac audit ...`: the tamper-evident audit log on the command line (docs/audit.md).
//   keygen      make an Ed25519 signing key (signer key file + verifier key)
//   append      append entries given as JSON Lines, optionally sign a checkpoint
//   checkpoint  sign a checkpoint of the log's current tree and store it in the log
//   verify      check a whole log: framing, CRCs, entries, checkpoint roots and signatures
//   show        print the entries as JSON Lines
//   prove       inclusion proof (--index) or consistency proof (--from) as JSON
//   partner     log side of the exchange: check a partner's copy of our checkpoint against the
//               log and print the consistency proof up to our latest checkpoint
//   consistency partner side: check that a newer checkpoint extends a stored one
// Results go to stdout as JSON; problems to stderr, one line each; exit 0 on success, 1 when
// a check fails or a file cannot be used, 2 on bad usage.

#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <string>
#include <sys/stat.h>
#include <vector>

#include "biac/app/commands.h"
#include "biac/audit/checkpoint.h"
#include "biac/audit/entry.h"
#include "biac/audit/file_log.h"
#include "biac/audit/log_format.h"
#include "biac/audit/merkle.h"
#include "biac/audit/note.h"

namespace biac::app {
namespace {

using nlohmann::json;
namespace audit = biac::audit;

constexpr int kExitOk = 0;
constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;

int Fail(const std::string& message) {
  std::fprintf(stderr, "biac audit: %s\n", message.c_str());
  return kExitFailed;
}

void PrintJson(const json& j) {
  std::cout << j.dump(-1, ' ', false, json::error_handler_t::replace) << '\n';
}

Result<std::string> ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Unavailable("cannot open '" + path + "'");
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

Result<std::vector<uint8_t>> ReadBytes(const std::string& path) {
  BIAC_ASSIGN_OR_RETURN(const std::string text, ReadText(path));
  return std::vector<uint8_t>(text.begin(), text.end());
}

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

// A key argument is a key string, or the path of a file holding one (first line).
Result<std::string> KeyArgument(const std::string& arg) {
  if (std::filesystem::is_regular_file(arg)) {
    BIAC_ASSIGN_OR_RETURN(const std::string text, ReadText(arg));
    return Trim(text.substr(0, text.find('\n')));
  }
  return arg;
}

Result<std::vector<audit::NoteVerifier>> Verifiers(const std::vector<std::string>& args) {
  std::vector<audit::NoteVerifier> keys;
  for (const auto& arg : args) {
    BIAC_ASSIGN_OR_RETURN(const std::string key, KeyArgument(arg));
    auto v = audit::NoteVerifier::FromKey(key);
    if (!v.ok()) return InvalidArgument("--key " + arg + ": " + v.error().message());
    keys.push_back(std::move(v).value());
  }
  return keys;
}

Result<audit::NoteSigner> Signer(const std::string& path) {
  BIAC_ASSIGN_OR_RETURN(const std::string key, KeyArgument(path));
  auto s = audit::NoteSigner::FromKey(key);
  if (!s.ok()) return InvalidArgument("--signing-key " + path + ": " + s.error().message());
  return s;
}

std::vector<std::string> HexList(std::span<const audit::Hash> hashes) {
  std::vector<std::string> out;
  for (const auto& h : hashes) out.push_back(audit::ToHex(h));
  return out;
}

Result<std::vector<audit::Hash>> HashList(const json& list) {
  std::vector<audit::Hash> out;
  if (!list.is_array()) return InvalidArgument("proof: expected an array of hex hashes");
  for (const auto& h : list) {
    if (!h.is_string()) return InvalidArgument("proof: expected hex strings");
    BIAC_ASSIGN_OR_RETURN(auto hash, audit::HashFromHex(h.get<std::string>()));
    out.push_back(hash);
  }
  return out;
}

// ---- entries as JSON ----

json EntryJson(const audit::AuditEntry& e) {
  json j;
  j["time_ns"] = e.time.nanos();
  j["time"] = e.time.ToIso8601();
  j["kind"] = audit::EntryKindName(e.kind());
  if (const auto* a = std::get_if<audit::AccessDecision>(&e.body)) {
    j["subject"] = a->subject;
    j["request"] = a->request;
    j["labels"] = a->labels;
    j["decision"] = audit::DecisionName(a->decision);
    j["reason"] = a->reason;
  } else {
    const auto& r = std::get<audit::Release>(e.body);
    j["partner"] = r.partner;
    j["rule"] = r.rule;
    j["inputs"] = r.inputs;
    j["label"] = r.label;
    j["output_sha256"] = audit::ToHex(r.output_hash);
  }
  return j;
}

Result<audit::AuditEntry> EntryFromJson(const json& j) {
  if (!j.is_object()) return InvalidArgument("expected a JSON object");
  auto str = [&](const char* key) -> Result<std::string> {
    if (!j.contains(key)) return std::string();
    if (!j[key].is_string()) return InvalidArgument(std::string("'") + key + "' must be a string");
    return j[key].get<std::string>();
  };
  auto list = [&](const char* key) -> Result<std::vector<std::string>> {
    std::vector<std::string> out;
    if (!j.contains(key)) return out;
    if (!j[key].is_array()) return InvalidArgument(std::string("'") + key + "' must be a list");
    for (const auto& s : j[key]) {
      if (!s.is_string()) return InvalidArgument(std::string("'") + key + "' must hold strings");
      out.push_back(s.get<std::string>());
    }
    return out;
  };
  audit::AuditEntry e;
  if (!j.contains("time_ns") || !j["time_ns"].is_number_integer()) {
    return InvalidArgument("'time_ns' (integer nanoseconds since 1970, UTC) is required");
  }
  e.time = Timestamp::FromNanos(j["time_ns"].get<int64_t>());
  BIAC_ASSIGN_OR_RETURN(const std::string kind, str("kind"));
  if (kind == "access") {
    audit::AccessDecision a;
    BIAC_ASSIGN_OR_RETURN(a.subject, str("subject"));
    BIAC_ASSIGN_OR_RETURN(a.request, str("request"));
    BIAC_ASSIGN_OR_RETURN(a.labels, list("labels"));
    BIAC_ASSIGN_OR_RETURN(const std::string decision, str("decision"));
    if (decision != "permit" && decision != "deny") {
      return InvalidArgument("'decision' must be \"permit\" or \"deny\"");
    }
    a.decision = decision == "permit" ? audit::Decision::kPermit : audit::Decision::kDeny;
    BIAC_ASSIGN_OR_RETURN(a.reason, str("reason"));
    e.body = std::move(a);
  } else if (kind == "release") {
    audit::Release r;
    BIAC_ASSIGN_OR_RETURN(r.partner, str("partner"));
    BIAC_ASSIGN_OR_RETURN(r.rule, str("rule"));
    BIAC_ASSIGN_OR_RETURN(r.inputs, list("inputs"));
    BIAC_ASSIGN_OR_RETURN(r.label, str("label"));
    BIAC_ASSIGN_OR_RETURN(const std::string hash, str("output_sha256"));
    auto h = audit::HashFromHex(hash);
    if (!h.ok()) return InvalidArgument("'output_sha256': " + h.error().message());
    r.output_hash = *h;
    e.body = std::move(r);
  } else {
    return InvalidArgument("'kind' must be \"access\" or \"release\"");
  }
  return e;
}

// ---- reading a log without taking it over (no lock, no repair) ----

struct LoadedLog {
  std::vector<uint8_t> bytes;
  audit::LogScan scan;
  audit::MerkleTree tree;
};

Result<std::unique_ptr<LoadedLog>> LoadLog(const std::string& path) {
  auto log = std::make_unique<LoadedLog>();
  BIAC_ASSIGN_OR_RETURN(log->bytes, ReadBytes(path));
  log->scan = audit::ScanLog(log->bytes);
  if (log->scan.end == audit::LogScan::End::kCorrupt) {
    return FailedPrecondition(path + ": " + log->scan.problem + " (run biac audit verify)");
  }
  for (const auto& r : log->scan.records) {
    if (r.type == audit::RecordType::kEntry) log->tree.Append(audit::HashLeaf(r.payload));
  }
  return log;
}

std::optional<std::string> LastCheckpoint(const LoadedLog& log) {
  std::optional<std::string> last;
  for (const auto& r : log.scan.records) {
    if (r.type == audit::RecordType::kCheckpoint) {
      last = std::string(reinterpret_cast<const char*>(r.payload.data()), r.payload.size());
    }
  }
  return last;
}

Result<audit::FsyncPolicy> ParsePolicy(const std::string& s) {
  if (s == "every") return audit::FsyncPolicy::kEveryEntry;
  if (s == "batch") return audit::FsyncPolicy::kBatched;
  if (s == "none") return audit::FsyncPolicy::kNone;
  return InvalidArgument("--fsync must be every, batch or none");
}

struct Args {
  std::string file;
  std::string origin;
  std::string signing_key;
  std::vector<std::string> keys;
  std::string input = "-";
  std::string fsync = "every";
  uint32_t batch = 64;
  uint64_t checkpoint_every = 0;
  bool checkpoint = false;
  bool allow_unsigned = false;
  bool strict = false;
  std::string name;
  std::string out;
  int64_t index = -1;
  int64_t from = -1;
  int64_t size = -1;
  std::string partner_checkpoint;
  std::string old_note;
  std::string new_note;
  std::string proof;
};

int RunKeygen(const Args& a) {
  auto signer = audit::NoteSigner::Generate(a.name);
  if (!signer.ok()) return Fail("keygen: " + signer.error().message());
  const std::string key_path = a.out + ".key";
  const std::string pub_path = a.out + ".pub";
  {
    std::ofstream key(key_path, std::ios::trunc);
    if (!key) return Fail("keygen: cannot write '" + key_path + "'");
    key << signer->SignerKeyString() << '\n';
  }
  ::chmod(key_path.c_str(), S_IRUSR | S_IWUSR);  // the signing key is secret
  std::ofstream pub(pub_path, std::ios::trunc);
  if (!pub) return Fail("keygen: cannot write '" + pub_path + "'");
  pub << signer->VerifierKeyString() << '\n';
  PrintJson({{"name", signer->name()},
             {"verifier_key", signer->VerifierKeyString()},
             {"signing_key_file", key_path},
             {"verifier_key_file", pub_path}});
  return kExitOk;
}

Result<std::unique_ptr<audit::FileLog>> OpenForWriting(const Args& a,
                                                       const audit::NoteSigner* signer) {
  audit::FileLogOptions options;
  options.origin = a.origin;
  BIAC_ASSIGN_OR_RETURN(options.fsync, ParsePolicy(a.fsync));
  options.batch_size = a.batch;
  options.checkpoint_every = a.checkpoint_every;
  return audit::FileLog::Open(a.file, options, signer);
}

int RunAppend(const Args& a) {
  std::optional<audit::NoteSigner> signer;
  if (!a.signing_key.empty()) {
    auto s = Signer(a.signing_key);
    if (!s.ok()) return Fail(s.error().message());
    signer = std::move(s).value();
  }
  if ((a.checkpoint || a.checkpoint_every > 0) && !signer) {
    return Fail("append: --checkpoint and --checkpoint-every need --signing-key");
  }
  auto log = OpenForWriting(a, signer ? &*signer : nullptr);
  if (!log.ok()) return Fail(log.error().message());
  std::ifstream file;
  std::istream* in = &std::cin;
  if (a.input != "-") {
    file.open(a.input);
    if (!file) return Fail("append: cannot open '" + a.input + "'");
    in = &file;
  }
  std::string line;
  uint64_t line_number = 0;
  uint64_t appended = 0;
  while (std::getline(*in, line)) {
    ++line_number;
    if (Trim(line).empty()) continue;
    const json j = json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) return Fail(a.input + ":" + std::to_string(line_number) + ": not JSON");
    auto entry = EntryFromJson(j);
    if (!entry.ok()) {
      return Fail(a.input + ":" + std::to_string(line_number) + ": " + entry.error().message());
    }
    auto r = (*log)->Append(*entry);
    if (!r.ok()) return Fail(r.error().message());
    ++appended;
  }
  if (Status s = (*log)->Sync(); !s.ok()) return Fail(s.message());
  json out = {
      {"appended", appended}, {"size", (*log)->size()}, {"root", audit::ToHex((*log)->Root())}};
  if (a.checkpoint) {
    auto note = (*log)->Checkpoint();
    if (!note.ok()) return Fail(note.error().message());
    out["checkpoint"] = *note;
  }
  PrintJson(out);
  return kExitOk;
}

int RunCheckpoint(const Args& a) {
  auto signer = Signer(a.signing_key);
  if (!signer.ok()) return Fail(signer.error().message());
  auto log = OpenForWriting(a, &*signer);
  if (!log.ok()) return Fail(log.error().message());
  auto note = (*log)->Checkpoint();
  if (!note.ok()) return Fail(note.error().message());
  std::cout << *note;
  return kExitOk;
}

int RunVerify(const Args& a) {
  audit::VerifyOptions options;
  auto keys = Verifiers(a.keys);
  if (!keys.ok()) return Fail(keys.error().message());
  options.keys = std::move(keys).value();
  options.origin = a.origin;
  options.allow_unsigned = a.allow_unsigned;
  auto bytes = ReadBytes(a.file);
  if (!bytes.ok()) return Fail("verify: " + bytes.error().message());
  const audit::VerifyReport report = audit::VerifyLog(*bytes, options);
  json out = {{"file", a.file},
              {"ok", report.ok()},
              {"entries", report.entries},
              {"checkpoints", report.checkpoints},
              {"root", audit::ToHex(report.root)},
              {"last_checkpoint_size", report.last_checkpoint_size},
              {"torn_tail", report.torn_tail}};
  if (report.first_bad_entry) out["first_bad_entry"] = *report.first_bad_entry;
  if (report.first_bad_checkpoint) out["first_bad_checkpoint"] = *report.first_bad_checkpoint;
  out["problems"] = report.problems;
  out["warnings"] = report.warnings;
  PrintJson(out);
  for (const auto& p : report.problems) std::fprintf(stderr, "%s: %s\n", a.file.c_str(), p.c_str());
  for (const auto& w : report.warnings) {
    std::fprintf(stderr, "%s: warning: %s\n", a.file.c_str(), w.c_str());
  }
  if (!report.ok()) return kExitFailed;
  if (a.strict && !report.clean()) return kExitFailed;
  return kExitOk;
}

int RunShow(const Args& a) {
  auto log = LoadLog(a.file);
  if (!log.ok()) return Fail(log.error().message());
  uint64_t index = 0;
  for (const auto& r : (*log)->scan.records) {
    if (r.type != audit::RecordType::kEntry) continue;
    auto entry = audit::DecodeEntry(r.payload);
    json j = entry.ok() ? EntryJson(*entry) : json{{"error", entry.error().message()}};
    j["index"] = index;
    j["leaf_hash"] = audit::ToHex((*log)->tree.LeafHash(index));
    PrintJson(j);
    ++index;
  }
  return kExitOk;
}

int RunProve(const Args& a) {
  auto log = LoadLog(a.file);
  if (!log.ok()) return Fail(log.error().message());
  const audit::MerkleTree& tree = (*log)->tree;
  const uint64_t size = a.size < 0 ? tree.size() : static_cast<uint64_t>(a.size);
  auto root = tree.RootAt(size);
  if (!root.ok()) return Fail("prove: " + root.error().message());
  if ((a.index < 0) == (a.from < 0)) {
    std::fprintf(stderr, "biac audit prove: give exactly one of --index or --from\n");
    return kExitUsage;
  }
  if (a.index >= 0) {
    const auto index = static_cast<uint64_t>(a.index);
    auto proof = tree.InclusionProof(index, size);
    if (!proof.ok()) return Fail("prove: " + proof.error().message());
    PrintJson({{"index", index},
               {"size", size},
               {"leaf_hash", audit::ToHex(tree.LeafHash(index))},
               {"root", audit::ToHex(*root)},
               {"proof", HexList(*proof)}});
    return kExitOk;
  }
  const auto from = static_cast<uint64_t>(a.from);
  auto proof = tree.ConsistencyProof(from, size);
  if (!proof.ok()) return Fail("prove: " + proof.error().message());
  auto old_root = tree.RootAt(from);
  PrintJson({{"size1", from},
             {"size2", size},
             {"root1", audit::ToHex(*old_root)},
             {"root2", audit::ToHex(*root)},
             {"proof", HexList(*proof)}});
  return kExitOk;
}

int RunPartner(const Args& a) {
  auto keys = Verifiers(a.keys);
  if (!keys.ok()) return Fail(keys.error().message());
  auto note = ReadText(a.partner_checkpoint);
  if (!note.ok()) return Fail(note.error().message());
  auto theirs = audit::OpenCheckpoint(*note, *keys, a.origin);
  if (!theirs.ok()) return Fail("partner checkpoint: " + theirs.error().message());
  auto log = LoadLog(a.file);
  if (!log.ok()) return Fail(log.error().message());
  const auto latest = LastCheckpoint(**log);
  if (!latest) return Fail(a.file + ": no checkpoint to prove against");
  auto ours = audit::OpenCheckpoint(*latest, *keys, theirs->origin);
  if (!ours.ok()) return Fail(a.file + ": latest checkpoint: " + ours.error().message());
  const audit::MerkleTree& tree = (*log)->tree;
  if (theirs->size > ours->size) {
    return Fail("partner checkpoint of size " + std::to_string(theirs->size) +
                " is newer than our latest checkpoint (" + std::to_string(ours->size) +
                "): our log lost entries it had signed");
  }
  auto root = tree.RootAt(theirs->size);
  if (!root.ok() || *root != theirs->root) {
    return Fail("partner checkpoint of size " + std::to_string(theirs->size) +
                " does not match this log: the histories differ");
  }
  auto proof = tree.ConsistencyProof(theirs->size, ours->size);
  if (!proof.ok()) return Fail(proof.error().message());
  PrintJson({{"consistent", true},
             {"size1", theirs->size},
             {"size2", ours->size},
             {"checkpoint", *latest},
             {"proof", HexList(*proof)}});
  return kExitOk;
}

int RunConsistency(const Args& a) {
  auto keys = Verifiers(a.keys);
  if (!keys.ok()) return Fail(keys.error().message());
  auto old_text = ReadText(a.old_note);
  auto new_text = ReadText(a.new_note);
  auto proof_text = ReadText(a.proof);
  if (!old_text.ok()) return Fail(old_text.error().message());
  if (!new_text.ok()) return Fail(new_text.error().message());
  if (!proof_text.ok()) return Fail(proof_text.error().message());
  auto older = audit::OpenCheckpoint(*old_text, *keys, a.origin);
  if (!older.ok()) return Fail("--old: " + older.error().message());
  auto newer = audit::OpenCheckpoint(*new_text, *keys, a.origin);
  if (!newer.ok()) return Fail("--new: " + newer.error().message());
  const json j = json::parse(*proof_text, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("proof")) {
    return Fail("--proof: expected the JSON of `biac audit prove --from` or `partner`");
  }
  auto proof = HashList(j["proof"]);
  if (!proof.ok()) return Fail("--proof: " + proof.error().message());
  if (Status s = audit::VerifyCheckpointConsistency(*older, *newer, *proof); !s.ok()) {
    return Fail(s.message());
  }
  PrintJson({{"consistent", true}, {"size1", older->size}, {"size2", newer->size}});
  return kExitOk;
}

}  // namespace

CommandRunner RegisterAuditCommand(CLI::App& parent) {
  auto* cmd = parent.add_subcommand(
      "audit", "Tamper-evident audit log: RFC 6962 Merkle tree with signed checkpoints");
  cmd->require_subcommand(1);
  auto args = std::make_shared<Args>();
  auto* keygen = cmd->add_subcommand("keygen", "Make an Ed25519 signing key for checkpoints");
  keygen->add_option("--name", args->name, "key name, e.g. the log's origin")->required();
  keygen->add_option("--out", args->out, "writes OUT.key (secret) and OUT.pub")->required();

  auto* append = cmd->add_subcommand("append", "Append entries (JSON Lines) to a log");
  append->add_option("file", args->file, "audit log file (created if absent)")->required();
  append->add_option("input", args->input, "JSON Lines of entries, or - for stdin (default)");
  append->add_option("--origin", args->origin, "the log's origin line")->required();
  append->add_option("--signing-key", args->signing_key, "signer key or key file");
  append->add_option("--fsync", args->fsync, "every (default), batch or none");
  append->add_option("--batch", args->batch, "entries per fsync with --fsync batch");
  append->add_option("--checkpoint-every", args->checkpoint_every,
                     "sign a checkpoint every N entries");
  append->add_flag("--checkpoint", args->checkpoint, "sign a checkpoint after appending");

  auto* checkpoint = cmd->add_subcommand("checkpoint", "Sign and store a checkpoint");
  checkpoint->add_option("file", args->file, "audit log file")->required();
  checkpoint->add_option("--origin", args->origin, "the log's origin line")->required();
  checkpoint->add_option("--signing-key", args->signing_key, "signer key or key file")->required();

  auto* verify = cmd->add_subcommand("verify", "Verify a log and its checkpoints");
  verify->add_option("file", args->file, "audit log file")->required();
  verify->add_option("--key", args->keys, "verifier key or key file (repeatable)");
  verify->add_option("--origin", args->origin, "required origin (default: the first checkpoint's)");
  verify->add_flag("--allow-unsigned", args->allow_unsigned,
                   "accept checkpoints without checking signatures (no --key)");
  verify->add_flag("--strict", args->strict,
                   "also fail on warnings: a torn final record, unsigned entries");

  auto* show = cmd->add_subcommand("show", "Print a log's entries as JSON Lines");
  show->add_option("file", args->file, "audit log file")->required();

  auto* prove = cmd->add_subcommand("prove", "Print an inclusion or consistency proof");
  prove->add_option("file", args->file, "audit log file")->required();
  prove->add_option("--index", args->index, "inclusion proof of this entry");
  prove->add_option("--from", args->from, "consistency proof from this tree size");
  prove->add_option("--size", args->size, "tree size (default: the whole log)");

  auto* partner = cmd->add_subcommand(
      "partner", "Check a partner's copy of our checkpoint; print the consistency proof");
  partner->add_option("file", args->file, "our audit log file")->required();
  partner->add_option("--checkpoint", args->partner_checkpoint, "the partner's signed note file")
      ->required();
  partner->add_option("--key", args->keys, "our verifier key (and the partner's)")->required();
  partner->add_option("--origin", args->origin, "our log's origin");

  auto* consistency = cmd->add_subcommand(
      "consistency", "Check that a newer checkpoint extends a stored one (partner side)");
  consistency->add_option("--old", args->old_note, "stored checkpoint (signed note file)")
      ->required();
  consistency->add_option("--new", args->new_note, "newer checkpoint (signed note file)")
      ->required();
  consistency->add_option("--proof", args->proof, "proof JSON (prove --from, or partner)")
      ->required();
  consistency->add_option("--key", args->keys, "the log's verifier key")->required();
  consistency->add_option("--origin", args->origin, "the log's origin");

  return [=]() -> int {
    if (keygen->parsed()) return RunKeygen(*args);
    if (append->parsed()) return RunAppend(*args);
    if (checkpoint->parsed()) return RunCheckpoint(*args);
    if (verify->parsed()) return RunVerify(*args);
    if (show->parsed()) return RunShow(*args);
    if (prove->parsed()) return RunProve(*args);
    if (partner->parsed()) return RunPartner(*args);
    if (consistency->parsed()) return RunConsistency(*args);
    return kExitUsage;
  };
}

}  // namespace biac::app
