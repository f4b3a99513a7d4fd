// libFuzzer target for what a partner or an operator hands to sharing: a picture in the
// canonical JSON (model/picture_json.h; a partner's released picture comes back this way) and
// the sharing configuration (config.h). Besides never crashing, it checks properties on every
// accepted input:
//   picture: PictureToJson(PictureFromJson(s)) == s; a release of it under every rule is
//            deterministic, its bytes read back to themselves and hash to its digest;
//            coarsening is idempotent on finite positions;
//   config:  every rule passes ValidateRule and every partner's rules exist in the rule set.

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "biac/model/picture_json.h"
#include "biac/sharing/config.h"
#include "biac/sharing/release.h"
#include "biac/sharing/rules.h"

namespace {

using namespace biac;  // NOLINT: a fuzz entry point

void Check(bool condition) {
  if (!condition) std::abort();
}

const sharing::RuleSet& AllRules() {
  static const sharing::RuleSet rules = [] {
    sharing::RuleSet out;
    sharing::SanitisationRule coarse;
    coarse.name = "coarse";
    coarse.coarsen_position_m = 1000;
    sharing::SanitisationRule everything;
    everything.name = "everything";
    everything.drop_source_identity = true;
    everything.drop_fields.assign(std::begin(sharing::kAllFields), std::end(sharing::kAllFields));
    out.rules = {coarse, everything};
    return out;
  }();
  return rules;
}

// A partner that passes every label the default registry can express except UNLABELLED.
sharing::PartnerPolicy Permissive() {
  sharing::PartnerPolicy partner;
  partner.partner = "jpn-node";
  partner.audience.clearance = labels::Level::kTopSecret;
  partner.audience.nationality = "JPN";
  partner.audience.affiliations = {"USA", "FVEY", "NATO"};
  partner.audience.caveats = {"MDA", "ORCON"};
  partner.rules = {"coarse", "everything"};
  return partner;
}

void CheckPicture(std::string_view text, const model::Picture& picture) {
  Check(model::PictureToJson(picture) == text);
  for (const model::FusedTrack& track : picture.tracks) {
    if (!std::isfinite(track.position.latitude_deg) ||
        !std::isfinite(track.position.longitude_deg)) {
      continue;
    }
    const geo::Lla once = sharing::CoarsenPosition(track.position, 1000);
    const geo::Lla twice = sharing::CoarsenPosition(once, 1000);
    Check(once.latitude_deg == twice.latitude_deg && once.longitude_deg == twice.longitude_deg);
    Check(std::abs(once.latitude_deg) <= 90 && std::abs(once.longitude_deg) <= 180);
  }
  const Result<sharing::ReleaseProduct> first = sharing::Release(picture, Permissive(), AllRules());
  const Result<sharing::ReleaseProduct> second =
      sharing::Release(picture, Permissive(), AllRules());
  Check(first.ok() == second.ok());
  if (!first.ok()) return;
  Check(first->bytes == second->bytes && first->sha256 == second->sha256);
  Check(first->sha256 == sharing::Sha256(first->bytes));
  Check(first->inputs.size() == picture.tracks.size());
  const Result<model::Picture> back = model::PictureFromJson(first->bytes);
  Check(back.ok() && model::PictureToJson(*back) == first->bytes);
}

void CheckConfig(const sharing::SharingConfig& config) {
  for (const sharing::SanitisationRule& rule : config.rules.rules) {
    Check(sharing::ValidateRule(rule).ok());
  }
  for (const sharing::PartnerPolicy& partner : config.partners) {
    for (const std::string& name : partner.rules) Check(config.rules.Find(name) != nullptr);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (const Result<model::Picture> picture = model::PictureFromJson(text); picture.ok()) {
    CheckPicture(text, *picture);
  }
  if (const Result<sharing::SharingConfig> config = sharing::ParseSharingConfig(text, "fuzz");
      config.ok()) {
    CheckConfig(*config);
  }
  return 0;
}
