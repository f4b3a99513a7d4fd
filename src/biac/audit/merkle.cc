#include "biac/audit/merkle.h"

#include <algorithm>
#include <bit>
#include <string>

namespace biac::audit {
namespace {

// k of RFC 6962 section 2.1: the largest power of two smaller than n (n > 1).
uint64_t SplitPoint(uint64_t n) { return std::bit_floor(n - 1); }

bool SameBytes(std::span<const uint8_t> a, const Hash& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin());
}

std::string Num(uint64_t v) { return std::to_string(v); }

}  // namespace

Hash MerkleTreeHash(std::span<const Hash> leaf_hashes) {
  const size_t n = leaf_hashes.size();
  if (n == 0) return EmptyRoot();
  if (n == 1) return leaf_hashes[0];
  const size_t k = SplitPoint(n);
  return HashChildren(MerkleTreeHash(leaf_hashes.first(k)), MerkleTreeHash(leaf_hashes.subspan(k)));
}

void CompactRange::Append(const Hash& leaf_hash) {
  nodes_.push_back(leaf_hash);
  // Like a binary counter's carry: each trailing one bit of the old size is a perfect subtree
  // of the new leaf's size that now has its right sibling.
  for (uint64_t s = size_; (s & 1u) != 0; s >>= 1) {
    const size_t last = nodes_.size() - 1;
    nodes_[last - 1] = HashChildren(nodes_[last - 1], nodes_[last]);
    nodes_.pop_back();
  }
  ++size_;
}

Hash CompactRange::Root() const {
  if (nodes_.empty()) return EmptyRoot();
  Hash root = nodes_.back();
  for (size_t i = nodes_.size() - 1; i-- > 0;) root = HashChildren(nodes_[i], root);
  return root;
}

void MerkleTree::Append(const Hash& leaf_hash) {
  if (levels_.empty()) levels_.emplace_back();
  levels_[0].push_back(leaf_hash);
  for (size_t level = 0; levels_[level].size() % 2 == 0; ++level) {
    if (level + 1 == levels_.size()) levels_.emplace_back();
    const auto& row = levels_[level];
    const Hash parent = HashChildren(row[row.size() - 2], row[row.size() - 1]);
    levels_[level + 1].push_back(parent);
  }
}

Hash MerkleTree::SubtreeHash(uint64_t begin, uint64_t count) const {
  if (std::has_single_bit(count)) {
    const int level = std::countr_zero(count);
    return levels_[level][begin >> level];
  }
  const uint64_t k = SplitPoint(count);
  return HashChildren(SubtreeHash(begin, k), SubtreeHash(begin + k, count - k));
}

Result<Hash> MerkleTree::RootAt(uint64_t tree_size) const {
  if (tree_size > size()) {
    return OutOfRange("tree size " + Num(tree_size) + " exceeds the log's " + Num(size()));
  }
  if (tree_size == 0) return EmptyRoot();
  return SubtreeHash(0, tree_size);
}

Result<std::vector<Hash>> MerkleTree::InclusionProof(uint64_t index, uint64_t tree_size) const {
  if (tree_size > size()) {
    return OutOfRange("tree size " + Num(tree_size) + " exceeds the log's " + Num(size()));
  }
  if (index >= tree_size) {
    return OutOfRange("leaf index " + Num(index) + " is not in a tree of size " + Num(tree_size));
  }
  // PATH(m, D[n]) recursion, top-down; the proof lists siblings bottom-up, so reverse.
  std::vector<Hash> proof;
  uint64_t begin = 0;
  uint64_t count = tree_size;
  uint64_t m = index;
  while (count > 1) {
    const uint64_t k = SplitPoint(count);
    if (m < k) {
      proof.push_back(SubtreeHash(begin + k, count - k));
      count = k;
    } else {
      proof.push_back(SubtreeHash(begin, k));
      begin += k;
      m -= k;
      count -= k;
    }
  }
  std::reverse(proof.begin(), proof.end());
  return proof;
}

Result<std::vector<Hash>> MerkleTree::ConsistencyProof(uint64_t size1, uint64_t size2) const {
  if (size2 > size()) {
    return OutOfRange("tree size " + Num(size2) + " exceeds the log's " + Num(size()));
  }
  if (size1 > size2) {
    return InvalidArgument("consistency proof from size " + Num(size1) + " to smaller size " +
                           Num(size2));
  }
  std::vector<Hash> proof;
  if (size1 == 0 || size1 == size2) return proof;
  // SUBPROOF(m, D[n], b) recursion, top-down, reversed at the end.
  uint64_t begin = 0;
  uint64_t count = size2;
  uint64_t m = size1;
  bool whole = true;  // b: the old tree is the subtree at this node itself
  while (m != count) {
    const uint64_t k = SplitPoint(count);
    if (m <= k) {
      proof.push_back(SubtreeHash(begin + k, count - k));
      count = k;
    } else {
      proof.push_back(SubtreeHash(begin, k));
      begin += k;
      m -= k;
      count -= k;
      whole = false;
    }
  }
  if (!whole) proof.push_back(SubtreeHash(begin, count));
  std::reverse(proof.begin(), proof.end());
  return proof;
}

Result<Hash> RootFromInclusionProof(uint64_t index, uint64_t tree_size, const Hash& leaf_hash,
                                    std::span<const Hash> proof) {
  if (index >= tree_size) {
    return InvalidArgument("inclusion proof: leaf index " + Num(index) +
                           " is not in a tree of size " + Num(tree_size));
  }
  uint64_t fn = index;
  uint64_t sn = tree_size - 1;
  Hash r = leaf_hash;
  for (size_t i = 0; i < proof.size(); ++i) {
    if (sn == 0) {
      return InvalidArgument("inclusion proof: " + Num(proof.size()) +
                             " hashes, more than a tree of size " + Num(tree_size) + " needs");
    }
    const Hash& p = proof[i];
    if ((fn & 1u) != 0 || fn == sn) {
      r = HashChildren(p, r);
      if ((fn & 1u) == 0) {
        while ((fn & 1u) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      r = HashChildren(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) {
    return InvalidArgument("inclusion proof: " + Num(proof.size()) +
                           " hashes, fewer than a tree of size " + Num(tree_size) + " needs");
  }
  return r;
}

Status VerifyInclusion(uint64_t index, uint64_t tree_size, std::span<const uint8_t> leaf_hash,
                       std::span<const Hash> proof, std::span<const uint8_t> root) {
  if (leaf_hash.size() != kHashSize) {
    return InvalidArgument("inclusion proof: leaf hash has " + Num(leaf_hash.size()) +
                           " bytes, expected 32");
  }
  if (root.size() != kHashSize) {
    return InvalidArgument("inclusion proof: root has " + Num(root.size()) + " bytes, expected 32");
  }
  Hash leaf{};
  std::copy(leaf_hash.begin(), leaf_hash.end(), leaf.begin());
  BIAC_ASSIGN_OR_RETURN(const Hash computed, RootFromInclusionProof(index, tree_size, leaf, proof));
  if (!SameBytes(root, computed)) {
    return InvalidArgument("inclusion proof: leaf " + Num(index) + " of tree size " +
                           Num(tree_size) + " gives root " + ToHex(computed) + ", expected " +
                           ToHex(root));
  }
  return Status::Ok();
}

Status VerifyConsistency(uint64_t size1, uint64_t size2, std::span<const Hash> proof,
                         std::span<const uint8_t> root1, std::span<const uint8_t> root2) {
  if (root1.size() != kHashSize || root2.size() != kHashSize) {
    return InvalidArgument("consistency proof: roots must be 32 bytes (got " + Num(root1.size()) +
                           " and " + Num(root2.size()) + ")");
  }
  if (size2 < size1) {
    return InvalidArgument("consistency proof: size2 " + Num(size2) + " < size1 " + Num(size1));
  }
  if (size1 == size2) {
    if (!proof.empty()) {
      return InvalidArgument("consistency proof: equal sizes need an empty proof, got " +
                             Num(proof.size()) + " hashes");
    }
    if (!std::equal(root1.begin(), root1.end(), root2.begin())) {
      return InvalidArgument("consistency proof: trees of equal size " + Num(size1) +
                             " have different roots");
    }
    return Status::Ok();
  }
  if (size1 == 0) {
    if (!proof.empty()) {
      return InvalidArgument("consistency proof: from the empty tree needs an empty proof");
    }
    return Status::Ok();
  }
  if (proof.empty()) return InvalidArgument("consistency proof: empty proof");

  // Step 2: when size1 is a power of two the old root is itself a node of the new tree and
  // the proof omits it; index into a virtual path with root1 prepended.
  const bool prepend = std::has_single_bit(size1);
  Hash first_root{};
  std::copy(root1.begin(), root1.end(), first_root.begin());
  const size_t path_size = proof.size() + (prepend ? 1 : 0);
  auto path = [&](size_t i) -> const Hash& {
    if (prepend) return i == 0 ? first_root : proof[i - 1];
    return proof[i];
  };
  uint64_t fn = size1 - 1;
  uint64_t sn = size2 - 1;
  while ((fn & 1u) != 0) {
    fn >>= 1;
    sn >>= 1;
  }
  Hash fr = path(0);
  Hash sr = path(0);
  for (size_t i = 1; i < path_size; ++i) {
    if (sn == 0) {
      return InvalidArgument("consistency proof: " + Num(proof.size()) + " hashes, too many");
    }
    const Hash& c = path(i);
    if ((fn & 1u) != 0 || fn == sn) {
      fr = HashChildren(c, fr);
      sr = HashChildren(c, sr);
      if ((fn & 1u) == 0) {
        while ((fn & 1u) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      sr = HashChildren(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) {
    return InvalidArgument("consistency proof: " + Num(proof.size()) + " hashes, too few for " +
                           Num(size1) + " -> " + Num(size2));
  }
  if (!SameBytes(root1, fr)) {
    return InvalidArgument("consistency proof: does not reproduce the root of size " + Num(size1));
  }
  if (!SameBytes(root2, sr)) {
    return InvalidArgument("consistency proof: does not reproduce the root of size " + Num(size2));
  }
  return Status::Ok();
}

}  // namespace biac::audit
