// Events decoded per second: CoT XML (one ATAK SA event through Decode, which takes the
// subset parser, and through pugixml alone; a stream of them through the framer) and TAK protocol
// (the WinTAK SA message, stream framing), plus the writers.

#include <benchmark/benchmark.h>

#include <string>

#include "biac/formats/cot/framer.h"
#include "biac/formats/cot/takproto.h"
#include "biac/formats/cot/xml.h"

namespace {

namespace cot = biac::formats::cot;

// TAK Server's SA test event (testdata/cot/takserver_cot_vectors.json), inlined so the
// benchmark runs from any directory.
constexpr const char* kAtakSa =
    R"(<event version="2.0" uid="ANDROID-352413144215585" type="a-f-G-U-C" how="m-g" )"
    R"(time="2020-02-12T13:16:07Z" start="2020-02-12T13:16:05Z" stale="2020-02-12T13:16:50Z">)"
    R"(<point lat="40.255716" lon="-72.045306" hae="-22.22983896651138" ce="4.9" )"
    R"(le="9999999.0"/><detail><__group name="Dark Blue" role="Team Member"/>)"
    R"(<precisionlocation geopointsrc="GPS" altsrc="GPS"/><status battery="32"/>)"
    R"(<takv device="SAMSUNG SM-G975U1" platform="ATAK-CIV" os="29" )"
    R"(version="3.12.0-45691.45691-CIV"/><track speed="0.0" course="344.72362164876733"/>)"
    R"(<contact endpoint="*:-1:stcp" callsign="coolata"/><uid Droid="coolata"/></detail>)"
    R"(</event>)";

void BM_DecodeXmlEvent(benchmark::State& state) {
  cot::XmlDecoder decoder;
  cot::Event event;
  for (auto _ : state) {
    const biac::Status status = decoder.Decode(kAtakSa, event);
    benchmark::DoNotOptimize(status);
    benchmark::DoNotOptimize(event);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DecodeXmlEvent);

// The reference path alone (pugixml), which Decode takes for what the subset parser declines.
void BM_DecodeXmlEventPugixml(benchmark::State& state) {
  cot::XmlDecoder decoder;
  cot::Event event;
  for (auto _ : state) {
    const biac::Status status = decoder.DecodeWithPugixml(kAtakSa, event);
    benchmark::DoNotOptimize(status);
    benchmark::DoNotOptimize(event);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DecodeXmlEventPugixml);

void BM_FrameAndDecodeXmlStream(benchmark::State& state) {
  constexpr int kEvents = 100;
  std::string stream;
  for (int i = 0; i < kEvents; ++i) (stream += kAtakSa) += '\n';
  cot::XmlDecoder decoder;
  cot::Event event;
  for (auto _ : state) {
    cot::XmlStreamFramer framer;
    framer.Append(stream);
    framer.Finish();
    cot::XmlFrame frame;
    while (framer.Next(frame)) {
      const biac::Status status = decoder.Decode(frame.text, event);
      benchmark::DoNotOptimize(status);
    }
  }
  state.SetItemsProcessed(state.iterations() * kEvents);
}
BENCHMARK(BM_FrameAndDecodeXmlStream);

void BM_DecodeTakProtoStream(benchmark::State& state) {
  const biac::Result<cot::OwnedEvent> event = cot::DecodeXml(kAtakSa);
  const std::string frame = cot::EncodeStream(*event);
  constexpr int kEvents = 100;
  std::string stream;
  for (int i = 0; i < kEvents; ++i) stream += frame;
  const std::span<const uint8_t> bytes(reinterpret_cast<const uint8_t*>(stream.data()),
                                       stream.size());
  for (auto _ : state) {
    cot::TakStreamFramer framer;
    framer.Append(bytes);
    cot::TakStreamFramer::Frame f;
    while (framer.Next(f)) {
      biac::Result<cot::TakMessage> message = cot::DecodeTakMessage(f.payload);
      benchmark::DoNotOptimize(message);
    }
  }
  state.SetItemsProcessed(state.iterations() * kEvents);
}
BENCHMARK(BM_DecodeTakProtoStream);

void BM_WriteXml(benchmark::State& state) {
  const biac::Result<cot::OwnedEvent> event = cot::DecodeXml(kAtakSa);
  std::string out;
  for (auto _ : state) {
    out.clear();
    cot::AppendXml(*event, out);
    benchmark::DoNotOptimize(out);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_WriteXml);

void BM_EncodeTakProtoStream(benchmark::State& state) {
  const biac::Result<cot::OwnedEvent> event = cot::DecodeXml(kAtakSa);
  for (auto _ : state) {
    std::string bytes = cot::EncodeStream(*event);
    benchmark::DoNotOptimize(bytes);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_EncodeTakProtoStream);

}  // namespace

BENCHMARK_MAIN();
