// RFC 6962 tree hashing and proofs against transparency-dev/merkle's vectors
// (testdata/audit/merkle_vectors.json, PROVENANCE.md there), plus properties of proof
// generation checked by the RFC 9162 verifiers over every (index, size) of small trees.

#include "biac/audit/merkle.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>

namespace biac::audit {
namespace {

nlohmann::json LoadVectors() {
  std::ifstream in("testdata/audit/merkle_vectors.json");
  EXPECT_TRUE(in) << "run from the repository root";
  return nlohmann::json::parse(in);
}

std::vector<uint8_t> Bytes(const nlohmann::json& hex) {
  return FromHex(hex.get<std::string>()).value();
}

Hash H(const nlohmann::json& hex) { return HashFromHex(hex.get<std::string>()).value(); }

std::vector<Hash> Proof(const nlohmann::json& list) {
  std::vector<Hash> out;
  for (const auto& h : list) out.push_back(H(h));
  return out;
}

std::vector<Hash> VectorLeafHashes(const nlohmann::json& v) {
  std::vector<Hash> leaves;
  for (const auto& hex : v["leaf_inputs_hex"]) leaves.push_back(HashLeaf(Bytes(hex)));
  return leaves;
}

TEST(MerkleVectors, HasherOperations) {
  const auto v = LoadVectors();
  int checked = 0;
  for (const auto& c : v["hasher"]) {
    const std::string op = c["op"];
    Hash got{};
    if (op == "empty_root") {
      got = EmptyRoot();
    } else if (op == "hash_leaf") {
      got = HashLeaf(Bytes(c["input_hex"]));
    } else if (op == "hash_children") {
      got = HashChildren(Bytes(c["left_hex"]), Bytes(c["right_hex"]));
    } else {
      FAIL() << "unknown op " << op;
    }
    EXPECT_EQ(ToHex(got), c["want"].get<std::string>()) << c["desc"];
    ++checked;
  }
  EXPECT_EQ(checked, 4);
}

TEST(MerkleVectors, RootsForEveryPrefixSize) {
  const auto v = LoadVectors();
  const auto leaves = VectorLeafHashes(v);
  ASSERT_EQ(leaves.size(), 8u);
  MerkleTree tree;
  CompactRange range;
  int checked = 0;
  for (size_t n = 0; n <= leaves.size(); ++n) {
    if (n > 0) {
      tree.Append(leaves[n - 1]);
      range.Append(leaves[n - 1]);
    }
    const std::string want = v["root_by_tree_size"][std::to_string(n)];
    EXPECT_EQ(ToHex(MerkleTreeHash(std::span(leaves).first(n))), want) << n;
    EXPECT_EQ(ToHex(tree.Root()), want) << n;
    EXPECT_EQ(ToHex(range.Root()), want) << n;
    ++checked;
  }
  EXPECT_EQ(checked, 9);
  // Every earlier root of the full tree, from its stored levels.
  for (size_t n = 0; n <= leaves.size(); ++n) {
    EXPECT_EQ(ToHex(tree.RootAt(n).value()),
              v["root_by_tree_size"][std::to_string(n)].get<std::string>());
  }
  EXPECT_FALSE(tree.RootAt(9).ok());
}

TEST(MerkleVectors, NodeHashesByLevel) {
  const auto v = LoadVectors();
  const auto leaves = VectorLeafHashes(v);
  int checked = 0;
  const auto& levels = v["node_hashes_by_level"];
  for (size_t level = 0; level < levels.size(); ++level) {
    const size_t width = size_t{1} << level;
    for (size_t i = 0; i < levels[level].size(); ++i) {
      const auto got = MerkleTreeHash(std::span(leaves).subspan(i * width, width));
      EXPECT_EQ(ToHex(got), levels[level][i].get<std::string>()) << level << "/" << i;
      ++checked;
    }
  }
  EXPECT_EQ(checked, 15);
}

TEST(MerkleVectors, InclusionProbes) {
  const auto v = LoadVectors();
  int valid = 0;
  int invalid = 0;
  for (const auto& c : v["inclusion_proofs"]) {
    const Status s = VerifyInclusion(c["leaf_index"], c["tree_size"], Bytes(c["leaf_hash"]),
                                     Proof(c["proof"]), Bytes(c["root"]));
    const bool want_error = c["want_error"];
    EXPECT_EQ(!s.ok(), want_error) << c["source"] << ": " << s.ToString();
    (want_error ? invalid : valid)++;
  }
  EXPECT_EQ(valid, 5);
  EXPECT_EQ(invalid, 2);
}

TEST(MerkleVectors, ConsistencyProbes) {
  const auto v = LoadVectors();
  int valid = 0;
  int invalid = 0;
  for (const auto& c : v["consistency_proofs"]) {
    const Status s = VerifyConsistency(c["size1"], c["size2"], Proof(c["proof"]), Bytes(c["root1"]),
                                       Bytes(c["root2"]));
    const bool want_error = c["want_error"];
    EXPECT_EQ(!s.ok(), want_error) << c["source"] << ": " << s.ToString();
    (want_error ? invalid : valid)++;
  }
  EXPECT_EQ(valid, 5);
  EXPECT_EQ(invalid, 2);
}

// Our generated proofs are exactly the published ones for the valid probes.
TEST(MerkleVectors, GeneratedProofsEqualPublished) {
  const auto v = LoadVectors();
  MerkleTree tree;
  for (const auto& h : VectorLeafHashes(v)) tree.Append(h);
  int checked = 0;
  for (const auto& c : v["inclusion_proofs"]) {
    if (c["want_error"]) continue;
    const auto proof = tree.InclusionProof(c["leaf_index"], c["tree_size"]);
    ASSERT_TRUE(proof.ok()) << proof.status().ToString();
    EXPECT_EQ(*proof, Proof(c["proof"])) << c["source"];
    ++checked;
  }
  for (const auto& c : v["consistency_proofs"]) {
    if (c["want_error"]) continue;
    const auto proof = tree.ConsistencyProof(c["size1"], c["size2"]);
    ASSERT_TRUE(proof.ok()) << proof.status().ToString();
    EXPECT_EQ(*proof, Proof(c["proof"])) << c["source"];
    ++checked;
  }
  EXPECT_EQ(checked, 10);
}

std::vector<Hash> SyntheticLeaves(size_t n) {
  std::vector<Hash> leaves;
  for (size_t i = 0; i < n; ++i) {
    const std::string data = "leaf " + std::to_string(i);
    leaves.push_back(HashLeaf(AsBytes(data)));
  }
  return leaves;
}

// Every inclusion proof of every tree up to 40 leaves verifies against the definition's root,
// and fails for a different leaf, a different index, or a wrong size.
TEST(MerkleProofs, InclusionRoundTripExhaustive) {
  const auto leaves = SyntheticLeaves(40);
  MerkleTree tree;
  for (const auto& h : leaves) tree.Append(h);
  for (uint64_t n = 1; n <= leaves.size(); ++n) {
    const Hash root = MerkleTreeHash(std::span(leaves).first(n));
    for (uint64_t i = 0; i < n; ++i) {
      const auto proof = tree.InclusionProof(i, n).value();
      EXPECT_TRUE(VerifyInclusion(i, n, leaves[i], proof, root).ok()) << i << "/" << n;
      EXPECT_FALSE(VerifyInclusion(i, n, leaves[(i + 1) % 40], proof, root).ok());
      if (n > 1) EXPECT_FALSE(VerifyInclusion((i + 1) % n, n, leaves[i], proof, root).ok());
      EXPECT_FALSE(VerifyInclusion(i, 2 * n + 1, leaves[i], proof, root).ok());
    }
  }
  EXPECT_FALSE(tree.InclusionProof(40, 40).ok());
  EXPECT_FALSE(tree.InclusionProof(0, 41).ok());
}

TEST(MerkleProofs, ConsistencyRoundTripExhaustive) {
  const auto leaves = SyntheticLeaves(40);
  MerkleTree tree;
  for (const auto& h : leaves) tree.Append(h);
  std::vector<Hash> roots;
  for (uint64_t n = 0; n <= leaves.size(); ++n) roots.push_back(tree.RootAt(n).value());
  for (uint64_t n = 0; n <= leaves.size(); ++n) {
    for (uint64_t m = 0; m <= n; ++m) {
      const auto proof = tree.ConsistencyProof(m, n).value();
      EXPECT_TRUE(VerifyConsistency(m, n, proof, roots[m], roots[n]).ok()) << m << "->" << n;
      if (m > 0 && m < n) {
        // A different old root (another size's) must not verify, nor a tampered proof hash.
        EXPECT_FALSE(VerifyConsistency(m, n, proof, roots[m - 1], roots[n]).ok());
        auto bad = proof;
        bad.back()[0] ^= 1;
        EXPECT_FALSE(VerifyConsistency(m, n, bad, roots[m], roots[n]).ok());
      }
    }
  }
  EXPECT_FALSE(tree.ConsistencyProof(5, 4).ok());
}

// A changed leaf anywhere in the old tree breaks consistency with the honest new tree.
TEST(MerkleProofs, RewrittenHistoryIsInconsistent) {
  auto leaves = SyntheticLeaves(21);
  MerkleTree honest;
  for (const auto& h : leaves) honest.Append(h);
  for (size_t changed = 0; changed < 13; ++changed) {
    auto forged_leaves = leaves;
    forged_leaves[changed][5] ^= 0x40;
    MerkleTree forged;
    for (const auto& h : forged_leaves) forged.Append(h);
    // The partner holds the honest root at 13; the forger proves 13 -> 21 from its tree.
    const auto proof = forged.ConsistencyProof(13, 21).value();
    EXPECT_FALSE(VerifyConsistency(13, 21, proof, honest.RootAt(13).value(), forged.Root()).ok());
  }
}

}  // namespace
}  // namespace biac::audit
