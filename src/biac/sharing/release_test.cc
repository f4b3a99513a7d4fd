#include "biac/sharing/release.h"

#include <gtest/gtest.h>

#include <string>

#include "biac/labels/label.h"
#include "biac/model/picture_json.h"

namespace biac::sharing {
namespace {

labels::Label MustParseLabel(std::string_view text) {
  Result<labels::Label> label = labels::Parse(text);
  EXPECT_TRUE(label.ok()) << text << ": " << label.status().ToString();
  return label.ok() ? *label : labels::Label();
}

// 2024-06-01T00:00:00Z.
constexpr int64_t kJune2024Nanos = 1'717'200'000'000'000'000;

model::Picture JpnView() {
  model::Picture picture;
  picture.time = Timestamp::FromNanos(kJune2024Nanos);
  model::FusedTrack ship;
  ship.id = 1;
  ship.time = picture.time;
  ship.position = {26.2125, 127.6792, 0};
  ship.velocity_enu = {3, 4, 0};
  ship.covariance.diagonal() << 25, 25, 0, 1, 1, 0;
  ship.identity.mmsi = 431000123;
  ship.identity.name = "NAHA MARU";
  ship.identity.track_numbers = {{"jpn-node", 12}, {"us-c2", 900}};
  ship.domain = model::Domain::kSea;
  ship.category = "70";
  ship.label = MustParseLabel("SECRET//REL TO USA, JPN");
  ship.sources = {"ais-naha", "radar-us"};
  ship.provenance = {3, 9, 12};
  ship.updates = 3;

  model::FusedTrack aircraft;
  aircraft.id = 2;
  aircraft.time = picture.time;
  aircraft.position = {31.5, 130.5, 9000};
  aircraft.has_altitude = true;
  aircraft.velocity_enu = {200, 0, 0};
  aircraft.covariance.diagonal() << 100, 100, 400, 4, 4, 1;
  aircraft.identity.icao_address = 0x84A2B1;
  aircraft.identity.callsign = "JAL123";
  aircraft.domain = model::Domain::kAir;
  aircraft.label = MustParseLabel(
      R"({"policy":"JPN","level":"GOKUHI","categories":{"releasable_to":["JPN","USA"]}})");
  aircraft.sources = {"radar-jpn"};
  aircraft.provenance = {4, 10};
  aircraft.updates = 2;
  picture.tracks = {ship, aircraft};
  return picture;
}

RuleSet Rules() {
  RuleSet rules;
  SanitisationRule coarse;
  coarse.name = "coarse-1852";
  coarse.coarsen_position_m = 1852;
  SanitisationRule anonymous;
  anonymous.name = "anonymous";
  anonymous.drop_source_identity = true;
  SanitisationRule no_names;
  no_names.name = "no-names";
  no_names.drop_fields = {Field::kCallsign, Field::kName};
  SanitisationRule no_covariance;
  no_covariance.name = "no-covariance";
  no_covariance.drop_fields = {Field::kCovariance};
  rules.rules = {coarse, anonymous, no_names, no_covariance};
  return rules;
}

PartnerPolicy Jpn(std::vector<std::string> rules) {
  PartnerPolicy partner;
  partner.partner = "jpn-node";
  partner.audience.clearance = labels::Level::kSecret;
  partner.audience.nationality = "JPN";
  partner.rules = std::move(rules);
  return partner;
}

TEST(Sha256, FipsVectors) {
  // FIPS 180-2 Appendix B.1 ("abc") and the empty message.
  EXPECT_EQ(DigestHex(Sha256(std::string_view("abc"))),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(DigestHex(Sha256(std::string_view(""))),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  // FIPS 180-2 Appendix B.2 (two blocks).
  EXPECT_EQ(DigestHex(Sha256(
                std::string_view("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"))),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(Release, AppliesTheRulesInOrderAndHashesTheCanonicalBytes) {
  const model::Picture picture = JpnView();
  Result<ReleaseProduct> product =
      Release(picture, Jpn({"coarse-1852", "anonymous", "no-names"}), Rules());
  ASSERT_TRUE(product.ok()) << product.status().ToString();
  EXPECT_EQ(product->partner, "jpn-node");
  EXPECT_EQ(product->rules, (std::vector<std::string>{"coarse-1852", "anonymous", "no-names"}));
  ASSERT_EQ(product->picture.tracks.size(), 2u);
  const model::FusedTrack& ship = product->picture.tracks[0];
  // 1852 m: one arc minute of latitude (26.2125 * 60 = 1572.75 -> 1573).
  EXPECT_NEAR(ship.position.latitude_deg, 1573.0 / 60, 1e-12);
  EXPECT_DOUBLE_EQ(ship.covariance(0, 0), 25 + 1852.0 * 1852.0 / 12);
  EXPECT_TRUE(ship.sources.empty());
  EXPECT_TRUE(ship.provenance.empty());
  EXPECT_EQ(ship.identity.track_numbers, (std::vector<model::SourceTrackNumber>{{"jpn-node", 12}}));
  EXPECT_EQ(ship.identity.name, "");
  EXPECT_EQ(ship.identity.mmsi, 431000123u);
  EXPECT_EQ(product->picture.tracks[1].identity.callsign, "");
  EXPECT_EQ(product->picture.tracks[1].position.altitude_m, 9000);

  // What was sent is the canonical form of the sanitised picture, and the hash is its SHA-256.
  EXPECT_EQ(product->bytes, model::PictureToJson(product->picture));
  EXPECT_EQ(product->sha256, Sha256(product->bytes));
  // The inputs are recorded before sanitisation removed the provenance.
  EXPECT_EQ(product->inputs,
            (std::vector<std::string>{"track 1: obs 3,9,12", "track 2: obs 4,10"}));
  // Roll-up of a USA and a JPN label: both originators, SECRET, releasable to JPN and USA.
  EXPECT_EQ(product->label.level(), labels::Level::kSecret);
  ASSERT_EQ(product->label.origins().size(), 2u);
  EXPECT_EQ(product->label.origins()[0].policy, "JPN");
  EXPECT_EQ(product->label.origins()[1].policy, "USA");
  EXPECT_EQ(product->label.releasable_to(), (std::vector<std::string>{"JPN", "USA"}));
  // The input picture is untouched.
  EXPECT_EQ(picture.tracks[0].provenance, (std::vector<model::ObservationId>{3, 9, 12}));
}

// The bytes of a fixed release and their SHA-256 as computed by `openssl dgst -sha256` over the
// same bytes written to a file: a change of the canonical form or of a rule shows here.
TEST(Release, GoldenBytesAndHash) {
  Result<ReleaseProduct> product = Release(JpnView(), Jpn({"anonymous", "no-names"}), Rules());
  ASSERT_TRUE(product.ok()) << product.status().ToString();
  EXPECT_EQ(
      product->bytes,
      R"json({"time":"2024-06-01T00:00:00.000000000Z","tracks":[{"id":1,"time":"2024-06-0)json"
      R"json(1T00:00:00.000000000Z","position":[26.2125,127.6792,0],"has_altitude":false,)json"
      R"json("velocity_enu":[3,4,0],"covariance":[25,0,0,0,0,0,0,25,0,0,0,0,0,0,0,0,0,0,0)json"
      R"json(,0,0,1,0,0,0,0,0,0,1,0,0,0,0,0,0,0],"identity":{"mmsi":431000123,"track_numb)json"
      R"json(ers":[{"source":"jpn-node","number":12}]},"domain":"sea","category":"70","la)json"
      R"json(bel":"SECRET//REL TO USA, JPN","sources":[],"provenance":[],"updates":3},{"i)json"
      R"json(d":2,"time":"2024-06-01T00:00:00.000000000Z","position":[31.5,130.5,9000],"h)json"
      R"json(as_altitude":true,"velocity_enu":[200,0,0],"covariance":[100,0,0,0,0,0,0,100)json"
      R"json(,0,0,0,0,0,0,400,0,0,0,0,0,0,4,0,0,0,0,0,0,4,0,0,0,0,0,0,1],"identity":{"ica)json"
      R"json(o_address":"84a2b1"},"domain":"air","category":"","label":"{\"policy\":\"JPN)json"
      R"json(\",\"level\":\"GOKUHI\",\"categories\":{\"releasable_to\":[\"JPN\",\"USA\"]})json"
      R"json(}","sources":[],"provenance":[],"updates":2}]})json");
  EXPECT_EQ(DigestHex(product->sha256),
            "826ea4f45278160ba32d40aa90452f7406acaf94422527119809ea6237423d4c");
}

TEST(Release, RuleOrderMatters) {
  Result<ReleaseProduct> coarse_then_drop =
      Release(JpnView(), Jpn({"coarse-1852", "no-covariance"}), Rules());
  Result<ReleaseProduct> drop_then_coarse =
      Release(JpnView(), Jpn({"no-covariance", "coarse-1852"}), Rules());
  ASSERT_TRUE(coarse_then_drop.ok());
  ASSERT_TRUE(drop_then_coarse.ok());
  // Dropping last leaves no covariance; coarsening last leaves only the quantisation variance.
  EXPECT_TRUE(coarse_then_drop->picture.tracks[0].covariance.isZero(0));
  Eigen::Matrix<double, 6, 6> quantisation = Eigen::Matrix<double, 6, 6>::Zero();
  quantisation(0, 0) = quantisation(1, 1) = 1852.0 * 1852.0 / 12;
  EXPECT_EQ(drop_then_coarse->picture.tracks[0].covariance, quantisation);
  EXPECT_NE(coarse_then_drop->sha256, drop_then_coarse->sha256);
}

TEST(Release, RefusesTheWholeReleaseIfAnyTrackIsNotReleasable) {
  model::Picture picture = JpnView();
  picture.tracks[1].label = MustParseLabel("SECRET//NOFORN");
  Result<ReleaseProduct> product = Release(picture, Jpn({"coarse-1852"}), Rules());
  ASSERT_FALSE(product.ok());
  EXPECT_EQ(product.error().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(product.error().message(),
            "release to 'jpn-node' refused: track 2 (SECRET//NOFORN): not releasable to JPN or "
            "its affiliations (releasable to: USA)");

  picture = JpnView();
  picture.tracks[0].label = MustParseLabel("TOP SECRET//REL TO USA, JPN");
  product = Release(picture, Jpn({}), Rules());
  ASSERT_FALSE(product.ok());
  EXPECT_EQ(product.error().message(),
            "release to 'jpn-node' refused: track 1 (TOP SECRET//REL TO USA, JPN): clearance "
            "SECRET below TOP SECRET");

  picture = JpnView();
  picture.tracks[0].label = labels::Label();  // UNLABELLED fails closed
  product = Release(picture, Jpn({}), Rules());
  ASSERT_FALSE(product.ok());
  EXPECT_EQ(product.error().message(),
            "release to 'jpn-node' refused: track 1 (UNLABELLED): label UNLABELLED: releasable "
            "to no one");
}

TEST(Release, UnknownOrInvalidRuleIsAnError) {
  Result<ReleaseProduct> product = Release(JpnView(), Jpn({"coarse-1852", "fine"}), Rules());
  ASSERT_FALSE(product.ok());
  EXPECT_EQ(product.error().message(), "release to 'jpn-node' refused: rule 'fine' is not defined");
  RuleSet rules = Rules();
  rules.rules[0].coarsen_position_m = -1;
  product = Release(JpnView(), Jpn({"coarse-1852"}), rules);
  ASSERT_FALSE(product.ok());
  EXPECT_EQ(product.error().message(),
            "release to 'jpn-node' refused: sanitisation rule 'coarse-1852': coarsen_position_m "
            "must be within [0, 2e7] metres");
}

TEST(Release, Deterministic) {
  const model::Picture picture = JpnView();
  const PartnerPolicy partner = Jpn({"coarse-1852", "anonymous"});
  Result<ReleaseProduct> first = Release(picture, partner, Rules());
  ASSERT_TRUE(first.ok());
  for (int i = 0; i < 5; ++i) {
    Result<ReleaseProduct> again = Release(picture, partner, Rules());
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->bytes, first->bytes);
    EXPECT_EQ(again->sha256, first->sha256);
    EXPECT_EQ(again->inputs, first->inputs);
  }
  // The released bytes read back to the released picture.
  Result<model::Picture> back = model::PictureFromJson(first->bytes);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(model::PictureToJson(*back), first->bytes);
}

TEST(Release, EmptyPicture) {
  model::Picture picture;
  picture.time = Timestamp::FromNanos(kJune2024Nanos);
  Result<ReleaseProduct> product = Release(picture, Jpn({"anonymous"}), Rules());
  ASSERT_TRUE(product.ok());
  EXPECT_TRUE(product->inputs.empty());
  EXPECT_TRUE(product->label.unlabelled());
  EXPECT_EQ(product->bytes, R"({"time":"2024-06-01T00:00:00.000000000Z","tracks":[]})");
}

TEST(ReleaseRecord, FieldsOfTheAuditRecord) {
  Result<ReleaseProduct> product = Release(JpnView(), Jpn({"coarse-1852", "anonymous"}), Rules());
  ASSERT_TRUE(product.ok());
  const ReleaseRecord record = ToReleaseRecord(*product);
  EXPECT_EQ(record.partner, "jpn-node");
  EXPECT_EQ(record.rule, "coarse-1852,anonymous");
  EXPECT_EQ(record.inputs, product->inputs);
  EXPECT_EQ(record.label, labels::Render(product->label));
  EXPECT_EQ(record.output_hash, product->sha256);

  Result<ReleaseProduct> bare = Release(JpnView(), Jpn({}), Rules());
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ(ToReleaseRecord(*bare).rule, "");
  EXPECT_EQ(bare->picture.tracks[0].provenance, (std::vector<model::ObservationId>{3, 9, 12}));
}

}  // namespace
}  // namespace biac::sharing
