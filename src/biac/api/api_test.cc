#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "biac/api/audit_sink.h"
#include "biac/api/auth/accounts.h"
#include "biac/api/picture_hub.h"
#include "biac/api/prometheus.h"
#include "biac/api/service.h"
#include "biac/api/stream.h"
#include "biac/base/clock.h"
#include "biac/api/test_track.h"
#include "biac/labels/label.h"

namespace biac::api {
namespace {

using test_support::Track;

TEST(BoundingBox, ParsesAndSpansTheAntimeridian) {
  auto box = ParseBoundingBox("170,-10,-170,10");
  ASSERT_TRUE(box.ok());
  EXPECT_TRUE(box->Contains(0, 175));
  EXPECT_TRUE(box->Contains(0, -175));
  EXPECT_FALSE(box->Contains(0, 0));
  EXPECT_FALSE(box->Contains(11, 175));
  auto plain = ParseBoundingBox("120,20,130,30");
  ASSERT_TRUE(plain.ok());
  EXPECT_TRUE(plain->Contains(25, 125));
  EXPECT_FALSE(plain->Contains(25, 131));
  for (const char* bad : {"", "1,2,3", "1,2,3,4,5", "a,2,3,4", "0,10,1,5", "0,-91,1,5",
                          "181,0,1,1", "1,2,3,nan"}) {
    EXPECT_FALSE(ParseBoundingBox(bad).ok()) << bad;
  }
}

// The track forms (compact JSON, binary) are tested in track_codec_test.cc.

TEST(Prometheus, WritesTheExpositionFormat) {
  LatencyHistogram h;
  h.Observe(0.0004);
  h.Observe(0.03);
  h.Observe(0.03);
  h.Observe(100);
  EXPECT_EQ(h.count(), 4u);
  EXPECT_DOUBLE_EQ(h.QuantileUpperBound(0.5), 0.05);
  EXPECT_DOUBLE_EQ(h.QuantileUpperBound(0.25), 0.001);
  EXPECT_TRUE(std::isinf(h.QuantileUpperBound(0.99)));
  MetricsWriter w;
  w.Counter("biac_x_total", "X things.", 3, {{"source", "a\"b"}});
  w.Counter("biac_x_total", "X things.", 4, {{"source", "c"}});
  w.Histogram("biac_h_seconds", "H.", h);
  const std::string& t = w.text();
  EXPECT_EQ(t.find("# HELP biac_x_total X things.\n# TYPE biac_x_total counter\n"
                   "biac_x_total{source=\"a\\\"b\"} 3\nbiac_x_total{source=\"c\"} 4\n"),
            0u);
  EXPECT_NE(t.find("biac_h_seconds_bucket{le=\"0.001\"} 1\n"), std::string::npos);
  EXPECT_NE(t.find("biac_h_seconds_bucket{le=\"0.05\"} 3\n"), std::string::npos);
  EXPECT_NE(t.find("biac_h_seconds_bucket{le=\"+Inf\"} 4\n"), std::string::npos);
  EXPECT_NE(t.find("biac_h_seconds_count 4\n"), std::string::npos);
}

TEST(PictureHub, PublishesPerAudienceAndFindsTracks) {
  PictureHub hub({"us", "jpn"});
  EXPECT_EQ(hub.IndexOf("jpn"), 1u);
  EXPECT_FALSE(hub.IndexOf("gbr").has_value());
  model::Picture p;
  p.tracks = {Track(2, 1, 1, "UNCLASSIFIED"), Track(7, 2, 2, "UNCLASSIFIED")};
  hub.Publish(1, p, Timestamp::FromNanos(5));
  EXPECT_EQ(hub.WaitNewer(0, std::chrono::milliseconds(1)), 1u);
  EXPECT_TRUE(hub.Latest(0)->picture.tracks.empty());
  const auto latest = hub.Latest(1);
  ASSERT_NE(latest->Find(7), nullptr);
  EXPECT_EQ(latest->Find(7)->id, 7u);
  EXPECT_EQ(latest->Find(3), nullptr);
}


// The layer filters of /api/v1/picture and /export (docs/api.md, "Layer filters"), through the
// service's own routing: they only remove tracks from the audience's picture, by domain, by
// label, by nation (all originators hidden) and by source (all sources hidden), or keep a
// selection.
class PictureFilters : public ::testing::Test {
 protected:
  // "jpn-analyst:correct horse battery" (RFC 7617), as in auth/accounts_test.cc.
  static constexpr const char* kBasic = "Basic anBuLWFuYWx5c3Q6Y29ycmVjdCBob3JzZSBiYXR0ZXJ5";

  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("biac-api-filter-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
            "-" + std::to_string(reinterpret_cast<uintptr_t>(this)));
    std::filesystem::create_directories(dir_);
    auto hash = HashPassword("correct horse battery", TestPasswordCost());
    ASSERT_TRUE(hash.ok());
    ASSERT_TRUE(accounts_.Add({.name = "jpn-analyst", .password_hash = *hash}).ok());
    auto audit =
        AuditSink::Open((dir_ / "audit.log").string(), (dir_ / "audit.key").string(), "test");
    ASSERT_TRUE(audit.ok()) << audit.error().message();
    audit_ = std::move(audit).value();

    model::Picture p;
    p.tracks = {Track(1, 26.0, 127.0, "UNCLASSIFIED"), Track(2, 26.5, 127.5, kRelLabel),
                Track(3, 27.0, 128.0, "SECRET//NOFORN"), Track(4, 27.5, 128.5, kJpnLabel),
                Track(5, 28.0, 129.0, kBothLabel)};
    p.tracks[0].domain = model::Domain::kSea;
    p.tracks[0].sources = {"ais"};
    p.tracks[2].sources = {"us-radar"};
    p.tracks[3].domain = model::Domain::kLand;
    p.tracks[3].sources = {"jp-radar"};
    p.tracks[4].sources = {"jp-radar", "us-radar"};
    hub_.Publish(0, std::move(p), Timestamp::FromNanos(1));

    ApiContext context;
    context.node_name = "test-node";
    context.audiences = {{"all", labels::User{}}};
    context.accounts = &accounts_;
    context.hub = &hub_;
    context.audit = audit_.get();
    context.clock = &clock_;
    service_ = std::make_unique<ApiService>(std::move(context));
  }

  void TearDown() override {
    service_.reset();
    audit_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  net::HttpResponse Get(const std::string& path, const std::string& query) {
    net::HttpRequest request;
    request.method = "GET";
    request.path = path;
    request.query = query;
    request.target = query.empty() ? path : path + "?" + query;
    request.headers = {{"authorization", kBasic}};
    request.peer = "127.0.0.1:1";
    return service_->Handle(request);
  }

  // The ids of the compact picture the query selects, in picture order; {999} on an error.
  std::vector<uint64_t> Ids(const std::string& query) {
    const net::HttpResponse r = Get("/api/v1/picture", query);
    if (r.status != 200) return {999};
    const nlohmann::json body = nlohmann::json::parse(r.body);
    std::vector<uint64_t> out;
    for (const auto& t : body.at("tracks")) {
      out.push_back(t.at("id").get<uint64_t>());
    }
    return out;
  }

  static std::string Encode(std::string_view text) {
    std::string out;
    for (char c : text) {
      if (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.') {
        out += c;
      } else {
        out += fmt::format("%{:02X}", static_cast<unsigned>(static_cast<unsigned char>(c)));
      }
    }
    return out;
  }

  static constexpr const char* kRelLabel = "SECRET//REL TO USA, JPN";
  static constexpr const char* kJpnLabel =
      R"({"policy":"JPN","level":"GOKUHI","categories":{"releasable_to":["JPN","USA"]}})";
  static constexpr const char* kBothLabel =
      R"({"originators":[{"policy":"JPN","level":"GOKUHI"},{"policy":"USA","level":"SECRET"}],)"
      R"("categories":{"releasable_to":["JPN","USA"]}})";

  std::filesystem::path dir_;
  AccountDirectory accounts_;
  std::unique_ptr<AuditSink> audit_;
  PictureHub hub_{{"all"}};
  ManualClock clock_{Timestamp::FromNanos(1'780'272'001'000'000'000)};
  std::unique_ptr<ApiService> service_;
};

using IdList = std::vector<uint64_t>;

TEST_F(PictureFilters, HideByDomainLabelNationAndSource) {
  EXPECT_EQ(Ids(""), (IdList{1, 2, 3, 4, 5}));
  EXPECT_EQ(Ids("hide_domain=air"), (IdList{1, 4}));
  EXPECT_EQ(Ids("hide_domain=air&hide_domain=sea"), (IdList{4}));
  // A label holds ", ": one value per parameter, percent-encoded (or '+' for the space).
  EXPECT_EQ(Ids("hide_label=" + Encode(labels::Render(*labels::Parse(kRelLabel)))),
            (IdList{1, 3, 4, 5}));
  EXPECT_EQ(Ids("hide_label=SECRET%2F%2FREL+TO+USA%2C+JPN"), (IdList{1, 3, 4, 5}));
  EXPECT_EQ(Ids("hide_label=" + Encode(labels::Render(*labels::Parse(kJpnLabel)))),
            (IdList{1, 2, 3, 5}));
  // Nations: "open" is unclassified material; a track goes when every originator is hidden.
  EXPECT_EQ(Ids("hide_nation=open"), (IdList{2, 3, 4, 5}));
  EXPECT_EQ(Ids("hide_nation=USA"), (IdList{1, 4, 5}));
  EXPECT_EQ(Ids("hide_nation=JPN"), (IdList{1, 2, 3, 5}));
  EXPECT_EQ(Ids("hide_nation=JPN&hide_nation=USA"), (IdList{1}));
  // Sources: a track goes when every source it has is hidden (2 also has adsb; 5 jp-radar).
  EXPECT_EQ(Ids("hide_source=us-radar"), (IdList{1, 2, 4, 5}));
  EXPECT_EQ(Ids("hide_source=us-radar&hide_source=adsb"), (IdList{1, 4, 5}));
  EXPECT_EQ(Ids("hide_source=us-radar&hide_source=jp-radar"), (IdList{1, 2}));
  // With the bounding box: both apply.
  EXPECT_EQ(Ids("bbox=126,25,128.6,28&hide_source=ais"), (IdList{2, 3, 4}));
}

TEST_F(PictureFilters, IdsKeepASelectionAndNeverAddATrack) {
  EXPECT_EQ(Ids("ids=4,1"), (IdList{1, 4}));
  EXPECT_EQ(Ids("ids=4&ids=2"), (IdList{2, 4}));
  EXPECT_EQ(Ids("ids=4&hide_domain=land"), IdList{});
  // 6 is in no picture of this node's audience: a filter cannot release it.
  EXPECT_EQ(Ids("ids=6"), IdList{});
}

TEST_F(PictureFilters, RefusesMalformedFilters) {
  const net::HttpResponse domain = Get("/api/v1/export", "format=csv&hide_domain=ocean");
  EXPECT_EQ(domain.status, 400);
  EXPECT_NE(domain.body.find("hide_domain: 'ocean'"), std::string::npos) << domain.body;
  const net::HttpResponse ids = Get("/api/v1/picture", "ids=1,x");
  EXPECT_EQ(ids.status, 400);
  EXPECT_NE(ids.body.find("ids: 'x' is not a track id"), std::string::npos) << ids.body;
  EXPECT_EQ(Get("/api/v1/picture", "ids=1,,2").status, 400);
}

TEST_F(PictureFilters, TheExportHoldsOnlyWhatIsShown) {
  const net::HttpResponse all = Get("/api/v1/export", "format=csv");
  ASSERT_EQ(all.status, 200) << all.body;
  const net::HttpResponse some =
      Get("/api/v1/export", "format=csv&hide_source=ais&hide_domain=land");
  ASSERT_EQ(some.status, 200) << some.body;
  const auto rows = [](const std::string& csv) {
    return std::count(csv.begin(), csv.end(), '\n') - 1;  // RFC 4180: CRLF rows after a header
  };
  EXPECT_EQ(rows(all.body), 5);
  EXPECT_EQ(rows(some.body), 3);
  EXPECT_NE(all.body.find("ais"), std::string::npos);
  EXPECT_EQ(some.body.find("ais"), std::string::npos) << some.body;
}

}  // namespace
}  // namespace biac::api
