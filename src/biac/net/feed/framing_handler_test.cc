#include "biac/net/feed/framing_handler.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace biac::net {
namespace {

using ::testing::ElementsAre;

struct Seen {
  std::vector<std::string> records;  // "connection/datagram/offset peer: text"
  std::vector<std::string> errors;
};

FramingHandler MakeHandler(Framing framing, Seen& seen, size_t max_record = 0) {
  return FramingHandler(
      framing, max_record,
      [&seen](std::span<const uint8_t> record, const RecordSource& source) {
        seen.records.push_back(std::to_string(source.connection) + "/" +
                               std::to_string(source.datagram) + "/" +
                               std::to_string(source.offset) + " " + std::string(source.peer) +
                               ": " + std::string(record.begin(), record.end()));
      },
      [&seen](const RecordSource& source, std::string_view reason) {
        seen.errors.push_back(std::to_string(source.connection) + "/" +
                              std::to_string(source.offset) + ": " + std::string(reason));
      });
}

Chunk TcpChunk(uint64_t connection, uint64_t offset, std::string_view text, std::string_view peer) {
  Chunk chunk;
  chunk.bytes = {reinterpret_cast<const uint8_t*>(text.data()), text.size()};
  chunk.connection = connection;
  chunk.offset = offset;
  chunk.peer = peer;
  return chunk;
}

TEST(FramingHandlerTest, KeepsOnePartialRecordPerConnection) {
  Seen seen;
  FramingHandler handler = MakeHandler(Framing::kLine, seen);
  handler.OnConnect(1, "10.0.0.1:1");
  handler.OnConnect(2, "10.0.0.2:2");
  handler.OnData(TcpChunk(1, 0, "!AIVDM,a", "10.0.0.1:1"));
  handler.OnData(TcpChunk(2, 0, "MSG,1\nMSG,", "10.0.0.2:2"));
  handler.OnData(TcpChunk(1, 8, "bc\n", "10.0.0.1:1"));
  EXPECT_EQ(handler.framers(), 2u);
  EXPECT_EQ(handler.buffered(), 4u);  // "MSG," of connection 2
  handler.OnDisconnect(2, "eof");     // the unterminated line is delivered
  EXPECT_EQ(handler.framers(), 1u);
  EXPECT_THAT(seen.records, ElementsAre("2/0/0 10.0.0.2:2: MSG,1", "1/0/0 10.0.0.1:1: !AIVDM,abc",
                                        "2/0/6 10.0.0.2:2: MSG,"));
  EXPECT_EQ(handler.stats().records, 3u);
}

TEST(FramingHandlerTest, FramesEachDatagramOnItsOwn) {
  Seen seen;
  FramingHandler handler = MakeHandler(Framing::kAsterix, seen);
  const std::vector<uint8_t> first = {0x30, 0x00, 0x04, 0x01, 0x22, 0x00, 0x03};
  const std::vector<uint8_t> second = {0x30, 0x00, 0x09, 0x01};  // LEN 9, 4 bytes: cut short
  Chunk chunk;
  chunk.datagram = true;
  chunk.peer = "127.0.0.1:9";
  chunk.bytes = first;
  handler.OnData(chunk);
  chunk.bytes = second;
  chunk.offset = 1;
  handler.OnData(chunk);
  ASSERT_EQ(seen.records.size(), 2u);
  EXPECT_EQ(seen.records[0].substr(0, 19), "0/0/0 127.0.0.1:9: ");
  EXPECT_EQ(seen.records[1].substr(0, 19), "0/0/4 127.0.0.1:9: ");
  EXPECT_THAT(seen.errors, ElementsAre("0/0: stream ended inside a data block (4 bytes)"));
  EXPECT_EQ(handler.buffered(), 0u);
  EXPECT_EQ(handler.stats().errors, 1u);
}

}  // namespace
}  // namespace biac::net
