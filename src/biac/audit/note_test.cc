// C2SP signed notes and checkpoints: the signed-note spec's Ed25519 example
// (testdata/audit/merkle_vectors.json "signed_note"), the known-answer example of the Go
// reference implementation's documentation (golang.org/x/mod/sumdb/note, note.go, "Example":
// Ed25519 is deterministic, RFC 8032 section 5.1.6, so the exact note must be reproduced), and
// the verification rules of signed-note "Signatures".

#include "biac/audit/note.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>

#include "biac/audit/checkpoint.h"

namespace biac::audit {
namespace {

constexpr std::string_view kGoSignerKey =
    "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
constexpr std::string_view kGoVerifierKey =
    "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
constexpr std::string_view kGoText =
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n";
constexpr std::string_view kGoNote =
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
    "\n"
    "\xE2\x80\x94 PeterNeumann "
    "x08go/ZJkuBS9UG/"
    "SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";

nlohmann::json SignedNoteVector() {
  std::ifstream in("testdata/audit/merkle_vectors.json");
  EXPECT_TRUE(in) << "run from the repository root";
  return nlohmann::json::parse(in)["signed_note"];
}

TEST(SignedNote, C2spExampleVerifies) {
  const auto v = SignedNoteVector();
  const auto key = NoteVerifier::FromKey(v["verifier_key"].get<std::string>());
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_EQ(ToHex(key->public_key()), v["public_key_hex"].get<std::string>());
  EXPECT_EQ(key->key_id(), 0x530d903au);
  EXPECT_EQ(Ed25519KeyId("example.com/foo", key->public_key()), 0x530d903au);
  EXPECT_EQ(key->KeyString(), v["verifier_key"].get<std::string>());

  const std::string note_text = v["note"];
  const auto note = ParseSignedNote(note_text);
  ASSERT_TRUE(note.ok()) << note.status().ToString();
  EXPECT_EQ(note->text, v["signed_text"].get<std::string>());
  ASSERT_EQ(note->signatures.size(), 1u);
  EXPECT_EQ(note->signatures[0].key_id, 0x530d903au);
  EXPECT_EQ(FormatSignedNote(*note), note_text);
  const auto verified = VerifyNote(*note, std::span(&*key, 1));
  ASSERT_TRUE(verified.ok()) << verified.status().ToString();
  EXPECT_EQ(verified->front(), "example.com/foo");
  EXPECT_TRUE(bool(v["want_valid"]));

  // The negative: one byte of the text changed, same signature.
  SignedNote changed = *note;
  changed.text = v["negative"]["signed_text"];
  EXPECT_FALSE(bool(v["negative"]["want_valid"]));
  EXPECT_FALSE(VerifyNote(changed, std::span(&*key, 1)).ok());
}

TEST(SignedNote, GoReferenceKnownAnswer) {
  const auto signer = NoteSigner::FromKey(kGoSignerKey);
  ASSERT_TRUE(signer.ok()) << signer.status().ToString();
  EXPECT_EQ(signer->VerifierKeyString(), kGoVerifierKey);
  EXPECT_EQ(signer->SignerKeyString(), kGoSignerKey);
  const NoteSigner* signers[] = {&*signer};
  EXPECT_EQ(SignNote(kGoText, signers).value(), kGoNote);
  const auto verifier = NoteVerifier::FromKey(kGoVerifierKey).value();
  EXPECT_TRUE(VerifyNote(ParseSignedNote(kGoNote).value(), std::span(&verifier, 1)).ok());
}

TEST(SignedNote, KeyStringsAreStrict) {
  EXPECT_FALSE(
      NoteVerifier::FromKey("PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")
          .ok());
  EXPECT_FALSE(
      NoteVerifier::FromKey("PeterNeumann+c74f20a3+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")
          .ok());
  EXPECT_FALSE(
      NoteVerifier::FromKey("Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")
          .ok());
  EXPECT_FALSE(NoteVerifier::FromKey("c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW").ok());
  EXPECT_FALSE(NoteSigner::FromKey(kGoVerifierKey).ok());
  // Found by audit_log_fuzz: an uppercase key ID would not print back as it was read.
  EXPECT_FALSE(NoteSigner::FromKey(
                   "PRIVATE+KEY+PeterNeumann+c74f20A3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz")
                   .ok());
  // Every truncation of the signer key is rejected (as the Go reference's TestNewSigner).
  for (size_t n = 0; n < kGoSignerKey.size(); ++n) {
    EXPECT_FALSE(NoteSigner::FromKey(kGoSignerKey.substr(0, n)).ok()) << n;
  }
}

TEST(SignedNote, MalformedNotesAreRejected) {
  const std::string good(kGoNote);
  EXPECT_TRUE(ParseSignedNote(good).ok());
  EXPECT_FALSE(ParseSignedNote(good.substr(0, good.size() - 1)).ok());  // no final newline
  EXPECT_FALSE(ParseSignedNote(std::string(kGoText)).ok());             // no signatures
  std::string tab = good;
  tab[3] = '\t';
  EXPECT_FALSE(ParseSignedNote(tab).ok());  // control character
  std::string bad_utf8 = good;
  bad_utf8[3] = '\xC0';
  EXPECT_FALSE(ParseSignedNote(bad_utf8).ok());
  // UTF-8 per RFC 3629: Japanese text is fine; a surrogate or an overlong form is not.
  const auto log = NoteSigner::FromSeed("log.example/a", std::vector<uint8_t>(32, 1)).value();
  const NoteSigner* one[] = {&log};
  EXPECT_TRUE(ParseSignedNote(SignNote("\xE6\xA5\xB5\xE7\xA7\x98\n", one).value()).ok());
  for (const std::string bad : {"\xED\xA0\x80", "\xC1\x81", "\xE0\x81\x81", "\xF4\x90\x80\x80"}) {
    std::string note = good;
    note.insert(3, bad);
    EXPECT_FALSE(ParseSignedNote(note).ok());
  }
  std::string hyphen = good;
  hyphen.replace(hyphen.find("\xE2\x80\x94"), 3, "-");
  EXPECT_FALSE(ParseSignedNote(hyphen).ok());
  EXPECT_FALSE(ParseSignedNote(std::string(kGoText) + "\n\xE2\x80\x94 PeterNeumann AAAA\n").ok());
}

TEST(SignedNote, UnknownKeysIgnoredKnownBadRejected) {
  const auto log = NoteSigner::FromSeed("log.example/a", std::vector<uint8_t>(32, 1)).value();
  const auto witness =
      NoteSigner::FromSeed("witness.example/b", std::vector<uint8_t>(32, 2)).value();
  const NoteSigner* both[] = {&log, &witness};
  const std::string note = SignNote("hello\n", both).value();
  const auto parsed = ParseSignedNote(note).value();
  const std::vector<NoteVerifier> only_log = {log.Verifier()};
  const std::vector<NoteVerifier> none = {
      NoteSigner::FromSeed("other.example", std::vector<uint8_t>(32, 3)).value().Verifier()};
  const std::vector<NoteVerifier> all = {log.Verifier(), witness.Verifier()};
  EXPECT_TRUE(VerifyNote(parsed, only_log).ok());
  EXPECT_FALSE(VerifyNote(parsed, none).ok());  // no known key
  EXPECT_EQ(VerifyNote(parsed, all).value().size(), 2u);

  // A signature from a known key that does not verify rejects the note, even though the
  // other known key's signature is good.
  SignedNote forged = parsed;
  forged.signatures[1].signature[0] ^= 1;
  EXPECT_FALSE(VerifyNote(forged, all).ok());
  EXPECT_TRUE(VerifyNote(forged, only_log).ok());  // the witness key is unknown here
  // Same name, different key ID: an unknown key, ignored.
  SignedNote other_id = parsed;
  other_id.signatures[0].key_id ^= 1;
  EXPECT_FALSE(VerifyNote(other_id, only_log).ok());
}

TEST(SignedNote, CosignatureAdded) {
  const auto log = NoteSigner::FromSeed("log.example/a", std::vector<uint8_t>(32, 1)).value();
  const auto partner =
      NoteSigner::FromSeed("partner.example/b", std::vector<uint8_t>(32, 2)).value();
  const NoteSigner* one[] = {&log};
  const std::string note = SignNote("text\n", one).value();
  const std::string cosigned = AddNoteSignature(note, partner).value();
  EXPECT_EQ(ParseSignedNote(cosigned).value().signatures.size(), 2u);
  // Cosigning twice replaces, never duplicates.
  EXPECT_EQ(AddNoteSignature(cosigned, partner).value(), cosigned);
  const std::vector<NoteVerifier> keys = {log.Verifier(), partner.Verifier()};
  EXPECT_EQ(VerifyNote(ParseSignedNote(cosigned).value(), keys).value().size(), 2u);
}

TEST(Checkpoint, TextRoundTripAndStrictness) {
  // The C2SP tlog-checkpoint example's note text.
  const std::string text =
      "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";
  const auto cp = ParseCheckpointText(text);
  ASSERT_TRUE(cp.ok()) << cp.status().ToString();
  EXPECT_EQ(cp->origin, "example.com/behind-the-sofa");
  EXPECT_EQ(cp->size, 20852163u);
  EXPECT_EQ(Base64Encode(cp->root), "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=");
  EXPECT_EQ(FormatCheckpointText(*cp).value(), text);
  auto with_ext = *cp;
  with_ext.extensions = {"ext one"};
  EXPECT_EQ(ParseCheckpointText(FormatCheckpointText(with_ext).value()).value(), with_ext);

  EXPECT_FALSE(ParseCheckpointText("o\n012\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n").ok());
  EXPECT_FALSE(ParseCheckpointText("o\n-1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n").ok());
  EXPECT_FALSE(ParseCheckpointText("o\n12\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=").ok());
  EXPECT_FALSE(ParseCheckpointText("o\n12\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2=\n").ok());
  EXPECT_FALSE(ParseCheckpointText("o\n12\n").ok());
  EXPECT_FALSE(ParseCheckpointText("\n12\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n").ok());
  EXPECT_TRUE(ParseCheckpointText("o\n0\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n").ok());
}

TEST(Checkpoint, SignOpenAndOrigin) {
  const auto log = NoteSigner::FromSeed("bic.example/audit", std::vector<uint8_t>(32, 7)).value();
  Checkpoint cp{"bic.example/audit", 3, EmptyRoot(), {}};
  const std::string note = SignCheckpoint(cp, log).value();
  const std::vector<NoteVerifier> keys = {log.Verifier()};
  EXPECT_EQ(OpenCheckpoint(note, keys).value(), cp);
  EXPECT_EQ(OpenCheckpoint(note, keys, "bic.example/audit").value(), cp);
  EXPECT_FALSE(OpenCheckpoint(note, keys, "other.example").ok());
  std::string changed = note;
  changed[changed.find("\n3\n") + 1] = '4';
  EXPECT_FALSE(OpenCheckpoint(changed, keys).ok());
}

}  // namespace
}  // namespace biac::audit
