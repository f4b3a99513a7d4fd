// Framing of concatenated CoT events on a TCP stream.

#include "biac/formats/cot/framer.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "biac/formats/cot/json.h"
#include "biac/formats/cot/xml.h"

namespace biac::formats::cot {
namespace {

std::string Event(const std::string& uid) {
  return R"(<event version="2.0" uid=")" + uid +
         R"(" type="a-f-G" how="m-g" time="2024-06-01T00:00:00Z" start="2024-06-01T00:00:00Z" )"
         R"(stale="2024-06-01T00:05:00Z"><point lat="1" lon="2" hae="3" ce="4" le="5"/>)"
         R"(<detail><remarks>a &lt;event&gt; in text</remarks></detail></event>)";
}

struct Collected {
  std::vector<std::string> uids;      // decoded events
  std::vector<uint64_t> bad_offsets;  // frames that were not a decodable event
};

// Feeds `stream` in pieces of `chunk` bytes, decodes every frame.
Collected FrameAll(const std::string& stream, size_t chunk) {
  Collected out;
  XmlStreamFramer framer;
  XmlDecoder decoder;
  biac::formats::cot::Event event;
  XmlFrame frame;
  auto drain = [&]() {
    while (framer.Next(frame)) {
      if (frame.error.empty() && decoder.Decode(frame.text, event).ok()) {
        out.uids.emplace_back(event.uid);
      } else {
        out.bad_offsets.push_back(frame.offset);
      }
    }
  };
  for (size_t at = 0; at < stream.size(); at += chunk) {
    framer.Append(std::string_view(stream).substr(at, chunk));
    drain();
  }
  framer.Finish();
  drain();
  return out;
}

TEST(CotFramer, SplitsConcatenatedEventsWithDeclarationsAndWhiteSpace) {
  const std::string stream = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + Event("A") +
                             Event("B") + "\r\n  <?xml version='1.0' standalone='yes'?>" +
                             "<!-- keepalive -->" + Event("C") + "\n";
  for (size_t chunk : {1, 2, 7, 64, 100000}) {
    const Collected c = FrameAll(stream, static_cast<size_t>(chunk));
    EXPECT_EQ(c.uids, (std::vector<std::string>{"A", "B", "C"})) << "chunk " << chunk;
    EXPECT_TRUE(c.bad_offsets.empty()) << "chunk " << chunk;
  }
}

TEST(CotFramer, MalformedEventSpoilsOnlyItself) {
  // B is cut short (no </event>), then garbage, then C: A and C decode; B and the garbage
  // are reported at their offsets.
  std::string b = Event("B");
  b.resize(b.size() / 2);
  const std::string garbage = "GARBAGE</junk>";
  const std::string stream = Event("A") + b + Event("C") + garbage + Event("D");
  const uint64_t b_at = Event("A").size();
  const uint64_t garbage_at = b_at + b.size() + Event("C").size();
  for (size_t chunk : {1, 5, 100000}) {
    const Collected c = FrameAll(stream, chunk);
    EXPECT_EQ(c.uids, (std::vector<std::string>{"A", "C", "D"})) << "chunk " << chunk;
    EXPECT_EQ(c.bad_offsets, (std::vector<uint64_t>{b_at, garbage_at})) << "chunk " << chunk;
  }
}

TEST(CotFramer, MalformedXmlInsideAnEventIsThatEventsError) {
  std::string broken = Event("B");
  broken.replace(broken.find("<point"), 6, "<point <");
  const Collected c = FrameAll(Event("A") + broken + Event("C"), 3);
  EXPECT_EQ(c.uids, (std::vector<std::string>{"A", "C"}));
  EXPECT_EQ(c.bad_offsets, (std::vector<uint64_t>{Event("A").size()}));
}

TEST(CotFramer, TruncatedLastEventIsReportedAtTheEnd) {
  const std::string a = Event("A");
  const Collected c = FrameAll(a + a.substr(0, 40), 8);
  EXPECT_EQ(c.uids, (std::vector<std::string>{"A"}));
  EXPECT_EQ(c.bad_offsets, (std::vector<uint64_t>{a.size()}));
}

TEST(CotFramer, NamesThatOnlyStartLikeEventAreNotEvents) {
  const Collected c = FrameAll("<events/>" + Event("A"), 4);
  EXPECT_EQ(c.uids, (std::vector<std::string>{"A"}));
  EXPECT_EQ(c.bad_offsets, (std::vector<uint64_t>{0}));
}

TEST(CotFramer, OversizedEventIsSkipped) {
  XmlStreamFramer framer(64);
  framer.Append(Event("A"));
  XmlFrame frame;
  ASSERT_TRUE(framer.Next(frame));
  EXPECT_FALSE(frame.error.empty());
  EXPECT_EQ(frame.offset, 0u);
}

// The library half of `biac decode --format cot` (app/decode_cot.cc) on the committed stream:
// the JSON of every event that decodes equals the committed expected output line by line
// (the ctest cot_decode_cli checks the same through the built executable, stderr included).
TEST(CotFramer, StreamDecodesToTheCommittedJsonLines) {
  std::ifstream in("testdata/cot/cot_stream.xml", std::ios::binary);
  std::ifstream expected_in("testdata/cot/cot_stream.xml.expected.jsonl");
  ASSERT_TRUE(in && expected_in);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  std::vector<std::string> expected;
  for (std::string line; std::getline(expected_in, line);) expected.push_back(line);

  XmlStreamFramer framer;
  framer.Append(bytes.str());
  framer.Finish();
  XmlDecoder decoder;
  cot::Event event;
  XmlFrame frame;
  std::vector<std::string> lines;
  while (framer.Next(frame)) {
    if (frame.error.empty() && decoder.Decode(frame.text, event).ok()) {
      lines.push_back(
          EventToJson(event).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    }
  }
  EXPECT_EQ(lines, expected);
}

}  // namespace
}  // namespace biac::formats::cot
