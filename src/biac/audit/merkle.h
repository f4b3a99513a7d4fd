#pragma once

// RFC 6962 Merkle trees over leaf hashes: the tree hash of any size, inclusion and consistency
// proofs (generation, RFC 6962 sections 2.1.1 and 2.1.2; verification, RFC 9162 sections
// 2.1.3.2 and 2.1.4.2), and the compact range ("frontier") that keeps a growing tree's root
// in O(log n) space and time per append.
//
// Trees are built from leaf hashes (HashLeaf of the entry bytes), never from the entries
// themselves: the caller hashes each entry once when it is appended.

#include <cstdint>
#include <span>
#include <vector>

#include "biac/audit/hash.h"
#include "biac/base/status.h"

namespace biac::audit {

// MTH(D[n]) by the definition's recursion (RFC 6962 section 2.1), for tests and small
// inputs: O(n) hashes.
Hash MerkleTreeHash(std::span<const Hash> leaf_hashes);

// The right edge of a tree of `size()` leaves: one perfect-subtree hash per set bit of the
// size, largest (leftmost) first. Append is amortised O(1), worst case O(log n); Root() is
// O(log n). It is all a verifier streaming through a log needs to keep.
class CompactRange {
 public:
  void Append(const Hash& leaf_hash);
  uint64_t size() const { return size_; }
  // MTH of the leaves appended so far (EmptyRoot() for none).
  Hash Root() const;
  std::span<const Hash> nodes() const { return nodes_; }

 private:
  uint64_t size_ = 0;
  std::vector<Hash> nodes_;
};

// A whole tree in memory: every complete perfect subtree's hash, level by level (level 0 the
// leaf hashes), about 2n hashes (64 bytes per leaf). Append is amortised O(1); the root at any
// earlier size and every proof cost O(log n) hashes, because each RFC 6962 recursion step
// splits off a perfect subtree whose hash is stored.
class MerkleTree {
 public:
  void Append(const Hash& leaf_hash);
  uint64_t size() const { return levels_.empty() ? 0 : levels_[0].size(); }
  const Hash& LeafHash(uint64_t index) const { return levels_[0][index]; }

  // MTH of the first `tree_size` leaves; OutOfRange if tree_size > size().
  Result<Hash> RootAt(uint64_t tree_size) const;
  Hash Root() const { return RootAt(size()).value(); }

  // PATH(index, D[tree_size]) of RFC 6962 section 2.1.1, bottom-up (nearest sibling first).
  Result<std::vector<Hash>> InclusionProof(uint64_t index, uint64_t tree_size) const;
  // PROOF(size1, D[size2]) of RFC 6962 section 2.1.2; empty for size1 == 0 or size1 == size2.
  Result<std::vector<Hash>> ConsistencyProof(uint64_t size1, uint64_t size2) const;

 private:
  // MTH(D[begin:begin+count]); `begin` is a multiple of the smallest power of two >= count,
  // which every range of the RFC 6962 recursion is.
  Hash SubtreeHash(uint64_t begin, uint64_t count) const;

  std::vector<std::vector<Hash>> levels_;
};

// RFC 9162 section 2.1.3.2. `leaf_hash` and `root` are spans so that malformed values (a
// proof probe with a short "hash") are rejected rather than unrepresentable; both must be 32
// bytes. Ok if the proof shows the leaf at `index` in the tree of `tree_size` with `root`.
Status VerifyInclusion(uint64_t index, uint64_t tree_size, std::span<const uint8_t> leaf_hash,
                       std::span<const Hash> proof, std::span<const uint8_t> root);

// The root an inclusion proof implies (RFC 9162 section 2.1.3.2 steps 1 to 4, and the check
// that the path was exactly long enough).
Result<Hash> RootFromInclusionProof(uint64_t index, uint64_t tree_size, const Hash& leaf_hash,
                                    std::span<const Hash> proof);

// RFC 9162 section 2.1.4.2, with its preconditions: size1 <= size2; equal sizes need an empty
// proof and equal roots; size1 == 0 needs an empty proof (the empty tree is a prefix of every
// tree).
Status VerifyConsistency(uint64_t size1, uint64_t size2, std::span<const Hash> proof,
                         std::span<const uint8_t> root1, std::span<const uint8_t> root2);

}  // namespace biac::audit
