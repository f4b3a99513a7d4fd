// CoT XML decoding, validation and the canonical writer.

#include "biac/formats/cot/xml.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <random>
#include <string>

#include "biac/formats/cot/iso8601.h"

namespace biac::formats::cot {
namespace {

constexpr const char* kMinimal =
    R"(<event version="2.0" uid="U1" type="a-f-G-U-C" how="m-g" time="2024-06-01T00:00:00Z" )"
    R"(start="2024-06-01T00:00:00Z" stale="2024-06-01T00:05:00Z">)"
    R"(<point lat="26.2" lon="127.7" hae="10" ce="5" le="9999999.0"/></event>)";

std::string WithAttribute(std::string xml, const std::string& from, const std::string& to) {
  const size_t at = xml.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  xml.replace(at, from.size(), to);
  return xml;
}

std::string ErrorOf(const std::string& xml) {
  Result<OwnedEvent> e = DecodeXml(xml);
  return e.ok() ? "ok" : e.error().message();
}

TEST(CotXml, TakServerSaEventGivesTheLiteralAttributes) {
  std::ifstream in("testdata/cot/takserver_cot_vectors.json");
  ASSERT_TRUE(in);
  const nlohmann::json v = nlohmann::json::parse(in)["vectors"][0];
  Result<OwnedEvent> event = DecodeXml(v["cot_xml"].get<std::string>());
  ASSERT_TRUE(event.ok()) << event.error().message();
  const nlohmann::json& a = v["expected_literal_attributes"];
  EXPECT_EQ(event->uid, v["expected_asserted_by_test"]["uid"]);
  ASSERT_TRUE(event->detail.contact);
  EXPECT_EQ(event->detail.contact->callsign, v["expected_asserted_by_test"]["callsign"]);
  EXPECT_EQ(event->detail.contact->endpoint, "*:-1:stcp");
  EXPECT_EQ(event->detail.contact->phone, "19999999999");
  EXPECT_EQ(event->type, a["type"]);
  EXPECT_EQ(event->how, a["how"]);
  EXPECT_EQ(FormatIso8601(event->time), a["time"]);
  EXPECT_EQ(FormatIso8601(event->start), a["start"]);
  EXPECT_EQ(FormatIso8601(event->stale), a["stale"]);
  EXPECT_EQ(event->point.lat, a["point.lat"].get<double>());
  EXPECT_EQ(event->point.lon, a["point.lon"].get<double>());
  EXPECT_EQ(event->point.hae, a["point.hae"].get<double>());
  EXPECT_EQ(event->point.ce, a["point.ce"].get<double>());
  EXPECT_EQ(event->point.le, a["point.le"].get<double>());
  EXPECT_FALSE(event->point.le_known());
  ASSERT_TRUE(event->detail.track);
  EXPECT_EQ(event->detail.track->speed, a["track.speed"].get<double>());
  EXPECT_EQ(event->detail.track->course, a["track.course"].get<double>());
  ASSERT_TRUE(event->detail.group);
  EXPECT_EQ(event->detail.group->name, a["__group.name"]);
  EXPECT_EQ(event->detail.group->role, a["__group.role"]);
  ASSERT_TRUE(event->detail.status);
  EXPECT_EQ(event->detail.status->battery, a["status.battery"].get<uint32_t>());
  ASSERT_TRUE(event->detail.precision_location);
  EXPECT_EQ(event->detail.precision_location->geopointsrc, "GPS");
  ASSERT_TRUE(event->detail.takv);
  EXPECT_EQ(event->detail.takv->platform, "ATAK-CIV");
  EXPECT_EQ(event->detail.other_xml, "<uid Droid=\"coolata\" />");
}

TEST(CotXml, KeepsUnknownDetailAndAtypicalElementsAsXml) {
  // TAK Server's GeoChat event: __chat, _flow-tags_ and marti are kept as XML; link, remarks
  // (with attributes) and precisionlocation are typed.
  const std::string xml =
      R"(<event version="2.0" uid="GeoChat.X" type="b-t-f" time="2017-06-19T17:13:53.047Z" )"
      R"(start="2017-06-19T17:13:53.047Z" stale="2017-06-20T17:13:53.047Z" how="h-g-i-g-o">)"
      R"(<point lat="0.0" lon="0.0" hae="9999999.0" ce="9999999" le="9999999"/><detail>)"
      R"(<__chat id="Green" chatroom="Green"><chatgrp uid0="ANDROID-1" id="Green"/></__chat>)"
      R"(<link relation="p-p" type="a-f-G-U-C" uid="ANDROID-1"/>)"
      R"(<remarks time="2017-06-19T17:13:53.047Z" source="BAO.F.ATAK.ANDROID-1">hey &amp; there</remarks>)"
      R"(<precisionlocation geopointsrc="???" altsrc="???"/><_flow-tags_ marti1="2017-06-19T17:13:53Z"/>)"
      R"(<marti><dest mission="jimmy"/></marti><track course="1" speed="2" slope="3"/></detail></event>)";
  Result<OwnedEvent> e = DecodeXml(xml);
  ASSERT_TRUE(e.ok()) << e.error().message();
  EXPECT_EQ(FormatIso8601(e->time), "2017-06-19T17:13:53.047Z");
  ASSERT_EQ(e->detail.links.size(), 1u);
  EXPECT_EQ(e->detail.links[0].relation, "p-p");
  EXPECT_EQ(e->detail.links[0].uid, "ANDROID-1");
  ASSERT_TRUE(e->detail.remarks);
  EXPECT_EQ(e->detail.remarks->text, "hey & there");
  EXPECT_EQ(e->detail.remarks->source, "BAO.F.ATAK.ANDROID-1");
  EXPECT_FALSE(e->detail.track);  // slope is not modelled: the whole element stays XML
  EXPECT_EQ(
      e->detail.other_xml,
      R"(<__chat id="Green" chatroom="Green"><chatgrp uid0="ANDROID-1" id="Green" /></__chat>)"
      R"(<_flow-tags_ marti1="2017-06-19T17:13:53Z" /><marti><dest mission="jimmy" /></marti>)"
      R"(<track course="1" speed="2" slope="3" />)");
  // Written and read again: the same event.
  Result<OwnedEvent> again = DecodeXml(WriteXml(*e));
  ASSERT_TRUE(again.ok()) << again.error().message();
  EXPECT_EQ(*again, *e);
}

TEST(CotXml, ReadsMarkingAttributes) {
  const std::string xml = WithAttribute(kMinimal, "how=\"m-g\"",
                                        "how=\"m-g\" access=\"SECRET\" caveat=\"ORCON\" "
                                        "releasableTo=\"USA JPN\"");
  Result<OwnedEvent> e = DecodeXml(xml);
  ASSERT_TRUE(e.ok()) << e.error().message();
  EXPECT_EQ(e->access, "SECRET");
  EXPECT_EQ(e->caveat, "ORCON");
  EXPECT_EQ(e->releasable_to, "USA JPN");
}

TEST(CotXml, ValidationErrorsNameTheAttribute) {
  EXPECT_EQ(ErrorOf(kMinimal), "ok");
  EXPECT_EQ(ErrorOf(WithAttribute(kMinimal, "lat=\"26.2\"", "lat=\"91\"")),
            "point: attribute 'lat' = '91': out of range [-90, 90]");
  EXPECT_EQ(ErrorOf(WithAttribute(kMinimal, "lon=\"127.7\"", "lon=\"east\"")),
            "point: attribute 'lon' = 'east': not a decimal number");
  EXPECT_EQ(ErrorOf(WithAttribute(kMinimal, "uid=\"U1\" ", "")), "event: missing attribute 'uid'");
  EXPECT_EQ(ErrorOf(WithAttribute(kMinimal, "uid=\"U1\"", "uid=\"\"")),
            "event: attribute 'uid' = '': empty");
  EXPECT_EQ(ErrorOf(WithAttribute(kMinimal, "time=\"2024-06-01T00:00:00Z\"", "time=\"yesterday\"")),
            "event: attribute 'time' = 'yesterday': 'yesterday' is not an ISO 8601 date-time: "
            "expected YYYY-MM-DD");
  EXPECT_EQ(ErrorOf(WithAttribute(kMinimal, "stale=\"2024-06-01T00:05:00Z\"",
                                  "stale=\"2024-05-31T23:59:59Z\"")),
            "event: stale 2024-05-31T23:59:59Z is before start 2024-06-01T00:00:00Z");
  EXPECT_EQ(ErrorOf(WithAttribute(kMinimal, "ce=\"5\"", "ce=\"-1\"")),
            "point: attribute 'ce' = '-1': out of range [0, 9999999]");
  EXPECT_EQ(ErrorOf(WithAttribute(kMinimal, " le=\"9999999.0\"", "")),
            "point: missing attribute 'le'");
  EXPECT_EQ(ErrorOf(WithAttribute(kMinimal, " how=\"m-g\"", "")), "event: missing attribute 'how'");
  EXPECT_EQ(ErrorOf(WithAttribute(kMinimal,
                                  "<point lat=\"26.2\" lon=\"127.7\" hae=\"10\" ce=\"5\" "
                                  "le=\"9999999.0\"/>",
                                  "")),
            "event: missing element <point>");
  EXPECT_EQ(ErrorOf("<foo/>"), "expected one <event> element as the document");
  EXPECT_EQ(ErrorOf(std::string(kMinimal) + std::string(kMinimal)),
            "expected one <event> element as the document");
  // pugixml reports the offset where it stopped: here the unclosed <event> at its start tag.
  EXPECT_EQ(ErrorOf(WithAttribute(kMinimal, "</event>", "")).substr(0, 24),
            "malformed XML at byte 20");
}

TEST(CotXml, AcceptsDeclarationAndSingleQuotes) {
  const std::string xml = "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n" +
                          WithAttribute(kMinimal, "uid=\"U1\"", "uid='U1'");
  Result<OwnedEvent> e = DecodeXml(xml);
  ASSERT_TRUE(e.ok()) << e.error().message();
  EXPECT_EQ(e->uid, "U1");
}

TEST(CotXml, WriterIsCanonical) {
  Result<OwnedEvent> e = DecodeXml(kMinimal);
  ASSERT_TRUE(e.ok());
  e->detail.contact = Contact{"A<&\"B", "", ""};
  e->detail.remarks = Remarks{"line1\nline2 <x>", "", "", ""};
  EXPECT_EQ(
      WriteXml(*e),
      R"(<event version="2.0" uid="U1" type="a-f-G-U-C" how="m-g" time="2024-06-01T00:00:00Z" )"
      R"(start="2024-06-01T00:00:00Z" stale="2024-06-01T00:05:00Z">)"
      R"(<point lat="26.2" lon="127.7" hae="10" ce="5" le="9999999" />)"
      R"(<detail><contact callsign="A&lt;&amp;&quot;B" />)"
      "<remarks>line1&#10;line2 &lt;x&gt;</remarks></detail></event>");
}

// decode(write(x)) == x for random events.
std::string RandomText(std::mt19937_64& rng, bool allow_empty) {
  static constexpr std::string_view kAlphabet =
      "abcXYZ019 -_.:;<>&\"'\t\n/\xc3\xa9";  // includes markup and a UTF-8 letter
  std::uniform_int_distribution<int> length(allow_empty ? 0 : 1, 12);
  std::string out;
  const int n = length(rng);
  for (int i = 0; i < n; ++i) {
    const size_t k = std::uniform_int_distribution<size_t>(0, kAlphabet.size() - 2)(rng);
    char c = kAlphabet[k];
    if (static_cast<unsigned char>(c) == 0xc3) {
      out += "\xc3\xa9";
      continue;
    }
    if (static_cast<unsigned char>(c) == 0xa9) c = 'e';
    out += c;
  }
  return out;
}

std::string RandomToken(std::mt19937_64& rng) {
  std::string out = RandomText(rng, false);
  for (char& c : out) {
    if (c == ' ' || c == '\t' || c == '\n') c = '_';
  }
  return out;
}

double RandomDouble(std::mt19937_64& rng, double lo, double hi) {
  return std::uniform_real_distribution<double>(lo, hi)(rng);
}

OwnedEvent RandomEvent(std::mt19937_64& rng) {
  auto coin = [&rng]() { return std::bernoulli_distribution(0.5)(rng); };
  OwnedEvent e;
  auto keep = [&e](const std::string& text) { return e.Keep(text); };
  e.uid = keep(RandomToken(rng));
  e.type = keep(RandomToken(rng));
  e.how = keep(RandomToken(rng));
  const int64_t base =
      std::uniform_int_distribution<int64_t>(0, 4'000'000'000)(rng) * 1'000'000'000LL;
  e.time = Timestamp::FromNanos(base + std::uniform_int_distribution<int64_t>(0, 999'999'999)(rng));
  e.start = Timestamp::FromNanos(base + (coin() ? 0 : 1'000'000));
  e.stale = e.start + Duration(std::uniform_int_distribution<int64_t>(0, 1'000'000'000'000)(rng));
  if (coin()) e.access = keep(RandomText(rng, false));
  if (coin()) e.caveat = keep(RandomText(rng, false));
  if (coin()) e.releasable_to = keep(RandomText(rng, false));
  if (coin()) e.opex = keep(RandomText(rng, false));
  e.point.lat = RandomDouble(rng, -90, 90);
  e.point.lon = RandomDouble(rng, -180, 180);
  e.point.hae = coin() ? kUnknownValue : RandomDouble(rng, -500, 20000);
  e.point.ce = coin() ? kUnknownValue : RandomDouble(rng, 0, 1000);
  e.point.le = coin() ? kUnknownValue : RandomDouble(rng, 0, 1000);
  if (coin())
    e.detail.contact =
        Contact{keep(RandomText(rng, true)), coin() ? keep(RandomText(rng, false)) : "", ""};
  if (coin())
    e.detail.track = Track{RandomDouble(rng, 0, 360),
                           RandomDouble(rng, 0, 300),
                           coin() ? std::optional<double>(2.5) : std::nullopt,
                           {}};
  if (coin()) e.detail.group = Group{keep(RandomText(rng, true)), keep(RandomText(rng, true))};
  if (coin()) e.detail.precision_location = PrecisionLocation{"GPS", keep(RandomText(rng, true))};
  if (coin()) e.detail.status = DeviceStatus{std::uniform_int_distribution<uint32_t>(0, 100)(rng)};
  if (coin())
    e.detail.takv =
        Takv{keep(RandomText(rng, true)), "ATAK-CIV", "29", keep(RandomText(rng, true))};
  if (coin())
    e.detail.remarks = Remarks{keep(RandomText(rng, true)), keep(RandomText(rng, true)), "", ""};
  if (coin()) e.detail.links.push_back(Link{keep(RandomToken(rng)), "a-f-G", "p-p", "", ""});
  if (coin()) e.detail.other_xml = "<uid Droid=\"x &amp; y\" /><__video url=\"rtsp://a\" />";
  return e;
}

TEST(CotXml, RandomEventsRoundTrip) {
  std::mt19937_64 rng(20261127);
  XmlDecoder decoder;
  for (int i = 0; i < 2000; ++i) {
    const OwnedEvent e = RandomEvent(rng);
    const std::string xml = WriteXml(e);
    Event back;
    const Status status = decoder.Decode(xml, back);
    ASSERT_TRUE(status.ok()) << status.message() << "\n" << xml;
    ASSERT_EQ(back, e) << xml << "\n" << WriteXml(back);
  }
}

// --- the subset parser against pugixml (xml_subset.h) ---

// Decode (subset parser first) and DecodeWithPugixml give the same verdict, message and
// event; `parser` is the one Decode is expected to have used.
void ExpectAgreement(const std::string& xml, XmlDecoder::Parser parser) {
  XmlDecoder fast;
  XmlDecoder reference;
  Event a;
  Event b;
  const Status sa = fast.Decode(xml, a);
  const Status sb = reference.DecodeWithPugixml(xml, b);
  EXPECT_EQ(fast.last_parser(), parser) << xml;
  ASSERT_EQ(sa.ok(), sb.ok()) << xml << "\n" << sa.message() << "\n" << sb.message();
  if (sa.ok()) {
    EXPECT_EQ(a, b) << xml << "\n" << WriteXml(a) << "\n" << WriteXml(b);
  } else {
    EXPECT_EQ(sa.message(), sb.message()) << xml;
  }
}

TEST(CotXmlSubset, TakVectorsTakeTheSubsetPath) {
  std::ifstream in("testdata/cot/takserver_cot_vectors.json");
  ASSERT_TRUE(in);
  const nlohmann::json vectors = nlohmann::json::parse(in)["vectors"];
  int subset = 0;
  for (const nlohmann::json& v : vectors) {
    if (!v.contains("cot_xml")) continue;
    XmlDecoder decoder;
    Event event;
    const std::string xml = v["cot_xml"].get<std::string>();
    if (decoder.Decode(xml, event).ok() && decoder.last_parser() == XmlDecoder::Parser::kSubset) {
      ++subset;
    }
    ExpectAgreement(xml, decoder.last_parser());
  }
  EXPECT_GE(subset, 1);
}

TEST(CotXmlSubset, AgreesWithPugixmlOnTheEdgesOfTheSubset) {
  using P = XmlDecoder::Parser;
  const std::string event_open =
      R"(<event version="2.0" uid="U1" type="a-f-G-U-C" how="m-g" time="2024-06-01T00:00:00Z" )"
      R"(start="2024-06-01T00:00:00Z" stale="2024-06-01T00:05:00Z">)";
  const std::string point = R"(<point lat="26.2" lon="127.7" hae="10" ce="5" le="9999999.0"/>)";
  auto with_detail = [&](const std::string& detail) {
    return event_open + point + "<detail>" + detail + "</detail></event>";
  };
  struct Case {
    std::string xml;
    P parser;
  };
  const Case cases[] = {
      {kMinimal, P::kSubset},
      {"<?xml version='1.0' encoding='UTF-8'?>\r\n" + std::string(kMinimal) + "\n", P::kSubset},
      // References, end-of-line handling and attribute-value normalisation.
      {with_detail(R"(<contact callsign="A &amp; B &#65;&#x42;&#xe9;&lt;&gt;&quot;&apos;"/>)"),
       P::kSubset},
      {with_detail("<contact callsign=\"a\tb\r\nc\nd\rE\"/>"), P::kSubset},
      {with_detail("<remarks>line1\r\nline2\rline3 &#10; &amp;</remarks>"), P::kSubset},
      {with_detail("<remarks source='x'> </remarks>"), P::kSubset},
      {with_detail("<remarks>\n  </remarks><contact callsign=\"c\"> </contact>"), P::kSubset},
      // White space between children is layout; kept only as an element's only child.
      {with_detail("\n  <uid Droid=\"d\"/>\n  <a> <b/> </a>\n  <c>\t</c><d> x <e/> </d>\n"),
       P::kSubset},
      {with_detail(R"(<__chat id="G"><chatgrp uid0="A" id="G"/></__chat><link uid="u" )"
                   R"(type="a-f" relation="p-p"/><link uid="v" type="a-h" relation="p-p"/>)"),
       P::kSubset},
      {event_open + point + "<detail/><detail><status battery='9'/></detail></event>", P::kSubset},
      {event_open + "text" + point + "<foo/></event >", P::kSubset},
      // Outside the subset: pugixml decides.
      {with_detail("<!-- c --><remarks>a<!--x-->b</remarks>"), P::kPugixml},
      {with_detail("<remarks><![CDATA[a <b> c]]></remarks>"), P::kPugixml},
      {with_detail(R"(<contact callsign="a" callsign="b"/>)"), P::kPugixml},
      {with_detail(R"(<contact callsign="&unknown;"/>)"), P::kPugixml},
      {with_detail(R"(<contact callsign="&#0;"/>)"), P::kPugixml},
      {with_detail(R"(<contact callsign="a<b"/>)"), P::kPugixml},
      {with_detail(R"(<x a="1"b="2"/>)"), P::kPugixml},
      {with_detail("<\xc3\xa9/>"), P::kPugixml},
      {with_detail("<?pi x?>"), P::kPugixml},
      {"<!DOCTYPE event>" + std::string(kMinimal), P::kPugixml},
      {"junk" + std::string(kMinimal), P::kPugixml},
      {std::string(kMinimal) + "<!-- after -->", P::kPugixml},
      {std::string(kMinimal).substr(0, 60), P::kPugixml},
      {WithAttribute(kMinimal, "</event>", "</eventx>"), P::kPugixml},
      {WithAttribute(kMinimal, "lat=\"26.2\"", "lat=\"91\""), P::kPugixml},
      {std::string("\xef\xbb\xbf") + kMinimal, P::kPugixml},
  };
  for (const Case& c : cases) ExpectAgreement(c.xml, c.parser);
}

TEST(CotXmlSubset, RandomEventsAgreeWithPugixml) {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 500; ++i) {
    const std::string xml = WriteXml(RandomEvent(rng));
    ExpectAgreement(xml, XmlDecoder::Parser::kSubset);
  }
}

}  // namespace
}  // namespace biac::formats::cot
