#include "biac/sharing/release.h"

#include <openssl/evp.h>

#include <cstdlib>
#include <string>
#include <utility>

#include "biac/labels/access.h"
#include "biac/labels/registry.h"
#include "biac/model/picture_json.h"

namespace biac::sharing {

namespace {

constexpr char kRuleSeparator = ',';

// "track 7: obs 3,9,12".
std::string InputOf(const model::FusedTrack& track) {
  std::string out = "track " + std::to_string(track.id) + ": obs";
  for (size_t i = 0; i < track.provenance.size(); ++i) {
    out += i == 0 ? ' ' : ',';
    out += std::to_string(track.provenance[i]);
  }
  return out;
}

}  // namespace

Sha256Digest Sha256(std::span<const uint8_t> bytes) {
  Sha256Digest out{};
  unsigned int length = 0;
  // Fails only on allocation failure or a broken OpenSSL installation; a release with a wrong
  // hash in the audit log would defeat the log, so that is fatal (as in audit/hash.cc).
  if (EVP_Digest(bytes.data(), bytes.size(), out.data(), &length, EVP_sha256(), nullptr) != 1 ||
      length != kSha256Size) {
    std::abort();
  }
  return out;
}

Sha256Digest Sha256(std::string_view bytes) {
  return Sha256(
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
}

std::string DigestHex(const Sha256Digest& digest) {
  static constexpr std::string_view kHexDigits = "0123456789abcdef";
  std::string out;
  out.reserve(2 * digest.size());
  for (const uint8_t byte : digest) {
    out += kHexDigits[byte >> 4];
    out += kHexDigits[byte & 0xF];
  }
  return out;
}

Result<ReleaseProduct> Release(const model::Picture& picture, const PartnerPolicy& partner,
                               const RuleSet& rules) {
  return Release(picture, partner, rules, labels::Registry::Default());
}

Result<ReleaseProduct> Release(const model::Picture& picture, const PartnerPolicy& partner,
                               const RuleSet& rules, const labels::Registry& registry) {
  const std::string refused = "release to '" + partner.partner + "' refused: ";
  std::vector<const SanitisationRule*> applied;
  for (const std::string& name : partner.rules) {
    const SanitisationRule* rule = rules.Find(name);
    if (rule == nullptr) return FailedPrecondition(refused + "rule '" + name + "' is not defined");
    const Status valid = ValidateRule(*rule);
    if (!valid.ok()) return FailedPrecondition(refused + valid.message());
    applied.push_back(rule);
  }

  ReleaseProduct product;
  product.partner = partner.partner;
  product.rules = partner.rules;
  std::vector<labels::Label> track_labels;
  track_labels.reserve(picture.tracks.size());
  product.inputs.reserve(picture.tracks.size());
  for (const model::FusedTrack& track : picture.tracks) {
    const labels::Decision decision = labels::Decide(partner.audience, track.label, registry);
    if (!decision.permit) {
      return FailedPrecondition(refused + "track " + std::to_string(track.id) + " (" +
                                labels::Render(track.label) + "): " + decision.reason);
    }
    product.inputs.push_back(InputOf(track));
    track_labels.push_back(track.label);
  }
  product.label = labels::Rollup(track_labels, registry);

  product.picture = picture;
  for (model::FusedTrack& track : product.picture.tracks) {
    for (const SanitisationRule* rule : applied) ApplyRule(*rule, partner.partner, track);
  }
  product.bytes = model::PictureToJson(product.picture);
  product.sha256 = Sha256(product.bytes);
  return product;
}

ReleaseRecord ToReleaseRecord(const ReleaseProduct& product) {
  ReleaseRecord record;
  record.partner = product.partner;
  for (size_t i = 0; i < product.rules.size(); ++i) {
    if (i > 0) record.rule += kRuleSeparator;
    record.rule += product.rules[i];
  }
  record.inputs = product.inputs;
  record.label = labels::Render(product.label);
  record.output_hash = product.sha256;
  return record;
}

}  // namespace biac::sharing
