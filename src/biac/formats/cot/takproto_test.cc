// TAK protocol version 1 against the takproto (dB-SPL/takprotobuf) vectors and TAK Server's
// SA event: encode the XML event to the exact mesh and stream bytes, decode the bytes back.

#include "biac/formats/cot/takproto.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <string>
#include <vector>

#include "biac/formats/common/hex.h"
#include "biac/formats/cot/iso8601.h"
#include "biac/formats/cot/xml.h"

namespace biac::formats::cot {
namespace {

nlohmann::json LoadJson(const char* path) {
  std::ifstream in(path);
  EXPECT_TRUE(in) << path;
  return nlohmann::json::parse(in);
}

std::vector<uint8_t> Bytes(const std::string& s) { return {s.begin(), s.end()}; }

class TakprotoVectors : public ::testing::Test {
 protected:
  void SetUp() override {
    vectors_ = LoadJson("testdata/cot/takproto_vectors.json");
    Result<OwnedEvent> event = DecodeXml(vectors_["cot_xml"].get<std::string>());
    ASSERT_TRUE(event.ok()) << event.error().message();
    event_ = *event;
    mesh_ = *ParseHex(vectors_["tak_protocol_v1_mesh_hex"].get<std::string>());
    stream_ = *ParseHex(vectors_["tak_protocol_v1_stream_hex"].get<std::string>());
  }
  nlohmann::json vectors_;
  OwnedEvent event_;
  std::vector<uint8_t> mesh_;
  std::vector<uint8_t> stream_;
};

TEST_F(TakprotoVectors, EncodesXmlEventToTheExactMeshBytes) {
  EXPECT_EQ(ToHex(Bytes(EncodeMesh(event_))), vectors_["tak_protocol_v1_mesh_hex"]);
}

TEST_F(TakprotoVectors, EncodesXmlEventToTheExactStreamBytes) {
  // 0xBF, varint 0x9F 0x02 = 287 payload bytes, then the same TakMessage as the mesh form.
  EXPECT_EQ(ToHex(Bytes(EncodeStream(event_))), vectors_["tak_protocol_v1_stream_hex"]);
}

TEST_F(TakprotoVectors, DecodesMeshBytesToTheExpectedFields) {
  Result<TakMessage> message = DecodeMesh(mesh_);
  ASSERT_TRUE(message.ok()) << message.error().message();
  ASSERT_TRUE(message->event.has_value());
  const Event& e = *message->event;
  const nlohmann::json& expected = vectors_["expected_parsed"];
  EXPECT_EQ(e.type, expected["cotEvent.type"]);
  EXPECT_EQ(e.uid, expected["cotEvent.uid"]);
  ASSERT_TRUE(e.detail.contact.has_value());
  EXPECT_EQ(e.detail.contact->callsign, expected["cotEvent.detail.contact.callsign"]);
  // The protobuf's xmlDetail is exactly the leftover <uid> child; biac keeps it as other_xml.
  EXPECT_EQ(e.detail.other_xml, expected["cotEvent.detail.xmlDetail"]);
  // takproto's time vector: 2020-02-08T18:10:44.000000Z <-> 1581185444000 ms.
  const nlohmann::json& time = vectors_["time_vector"];
  EXPECT_EQ(e.time.nanos() / 1'000'000, time["proto_time_ms"].get<int64_t>());
  EXPECT_EQ(*ParseIso8601(time["xml_time"].get<std::string>()), e.time);
  EXPECT_FALSE(message->control.has_value());
}

TEST_F(TakprotoVectors, MeshAndStreamDecodeToTheXmlEvent) {
  Result<TakMessage> mesh = DecodeMesh(mesh_);
  ASSERT_TRUE(mesh.ok()) << mesh.error().message();
  EXPECT_EQ(*mesh->event, event_);

  TakStreamFramer framer;
  framer.Append(stream_);
  TakStreamFramer::Frame frame;
  ASSERT_TRUE(framer.Next(frame));
  EXPECT_EQ(frame.error, "");
  EXPECT_EQ(frame.offset, 0u);
  EXPECT_EQ(frame.payload.size(), 287u);
  Result<TakMessage> stream = DecodeTakMessage(frame.payload);
  ASSERT_TRUE(stream.ok()) << stream.error().message();
  EXPECT_EQ(*stream->event, event_);
  EXPECT_FALSE(framer.Next(frame));
}

TEST_F(TakprotoVectors, StreamFramerHandlesSplitsAndResynchronises) {
  // Three frames with garbage between the first two, fed one byte at a time.
  std::vector<uint8_t> bytes = stream_;
  bytes.push_back(0x00);
  bytes.push_back(0x42);
  bytes.insert(bytes.end(), stream_.begin(), stream_.end());
  bytes.insert(bytes.end(), stream_.begin(), stream_.end());
  TakStreamFramer framer;
  int good = 0;
  int bad = 0;
  std::vector<uint64_t> offsets;
  for (const uint8_t byte : bytes) {
    framer.Append(std::span<const uint8_t>(&byte, 1));
    TakStreamFramer::Frame frame;
    while (framer.Next(frame)) {
      if (!frame.error.empty()) {
        ++bad;
        EXPECT_EQ(frame.offset, stream_.size());
        continue;
      }
      ++good;
      offsets.push_back(frame.offset);
      Result<TakMessage> m = DecodeTakMessage(frame.payload);
      ASSERT_TRUE(m.ok());
      EXPECT_EQ(*m->event, event_);
    }
  }
  EXPECT_EQ(good, 3);
  EXPECT_EQ(bad, 1);
  EXPECT_EQ(offsets, (std::vector<uint64_t>{0, stream_.size() + 2, 2 * stream_.size() + 2}));
  EXPECT_EQ(framer.pending(), 0u);
}

TEST(Takproto, RejectsBadMeshHeaders) {
  EXPECT_FALSE(DecodeMesh(std::vector<uint8_t>{}).ok());
  EXPECT_FALSE(DecodeMesh(std::vector<uint8_t>{0xBF, 0x02, 0xBF}).ok());  // version 2
  EXPECT_FALSE(DecodeMesh(std::vector<uint8_t>{0xBF, 0x01, 0x00}).ok());  // no second magic
  EXPECT_FALSE(DecodeMesh(std::vector<uint8_t>{0xBE, 0x01, 0xBF}).ok());
  // Version 1, empty TakMessage: valid, no event.
  Result<TakMessage> empty = DecodeMesh(std::vector<uint8_t>{0xBF, 0x01, 0xBF});
  ASSERT_TRUE(empty.ok());
  EXPECT_FALSE(empty->event.has_value());
}

TEST(Takproto, RejectsTruncatedProtobuf) {
  // cotEvent (field 2, length 10) with only 2 bytes following.
  const std::vector<uint8_t> bytes = {0x12, 0x0A, 0x0A, 0x01};
  EXPECT_FALSE(DecodeTakMessage(bytes).ok());
}

TEST(Takproto, TakControlRoundTrips) {
  TakMessage message;
  message.control = TakControl{1, 1, "ANDROID-1"};
  const std::string bytes = EncodeTakMessage(message);
  // Field 1 (TakControl), length 15: 08 01 10 01 1a 09 "ANDROID-1".
  EXPECT_EQ(ToHex(Bytes(bytes)), "0a0f080110011a09414e44524f49442d31");
  Result<TakMessage> decoded = DecodeTakMessage(Bytes(bytes));
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(*decoded, message);
}

// TAK Server's SA event (ProtoAndCotMessageConversionTests): the contact has a phone, which
// the protobuf Contact cannot carry, so the whole element travels in xmlDetail with the
// <uid> element ("two tags", as that test's comment says), and xmlDetail contains "coolata".
TEST(Takproto, TakServerSaEventConvertsAsTakServerDoes) {
  const nlohmann::json vectors = LoadJson("testdata/cot/takserver_cot_vectors.json");
  const nlohmann::json& v = vectors["vectors"][0];
  Result<OwnedEvent> event = DecodeXml(v["cot_xml"].get<std::string>());
  ASSERT_TRUE(event.ok()) << event.error().message();
  const std::string mesh = EncodeMesh(*event);
  Result<TakMessage> back = DecodeMesh(Bytes(mesh));
  ASSERT_TRUE(back.ok()) << back.error().message();
  ASSERT_TRUE(back->event.has_value());
  EXPECT_EQ(back->event->uid, v["expected_asserted_by_test"]["uid"]);
  ASSERT_TRUE(back->event->detail.contact.has_value());
  EXPECT_EQ(back->event->detail.contact->callsign, v["expected_asserted_by_test"]["callsign"]);
  EXPECT_EQ(*back->event, *event);
}

TEST(Takproto, XmlDetailContainsTheContactElementWhenItHasAPhone) {
  Event event;
  event.uid = "u";
  event.type = "a-f-G";
  event.how = "m-g";
  event.detail.contact = Contact{"coolata", "*:-1:stcp", "19999999999"};
  event.detail.other_xml = "<uid Droid=\"coolata\" />";
  TakMessage message;
  message.event.emplace(event);
  const std::string bytes = EncodeTakMessage(message);
  // The xmlDetail string appears verbatim in the protobuf.
  const std::string expected_xml =
      "<contact callsign=\"coolata\" endpoint=\"*:-1:stcp\" phone=\"19999999999\" />"
      "<uid Droid=\"coolata\" />";
  EXPECT_NE(bytes.find(expected_xml), std::string::npos);
}

}  // namespace
}  // namespace biac::formats::cot
