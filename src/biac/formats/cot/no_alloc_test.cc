// Checks issue 3's "no allocation on the hot path of the common messages" for CoT XML: once
// warmed up, XmlDecoder::Decode allocates nothing for the common events (SA with point,
// contact, __group, track, takv, status, precisionlocation, remarks, link and the marking
// attributes).
//
// Every heap allocation of this test binary is counted (only this binary: the hooks below
// are its own). Under AddressSanitizer the sanitizer allocator's hook reports each malloc
// and operator new (<sanitizer/allocator_interface.h>); otherwise malloc and its siblings
// are replaced by counting wrappers over glibc's __libc_* entry points, which operator new
// reaches as well.

#include <gtest/gtest.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "biac/formats/cot/framer.h"
#include "biac/formats/cot/xml.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define BIAC_COT_TEST_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define BIAC_COT_TEST_ASAN 1
#endif

namespace {

std::atomic<bool> g_counting{false};
const char* volatile g_sink = nullptr;  // keeps an allocation observable
std::atomic<int64_t> g_allocations{0};

void CountAllocation() {
  if (g_counting.load(std::memory_order_relaxed)) {
    g_allocations.fetch_add(1, std::memory_order_relaxed);
  }
}

}  // namespace

#ifdef BIAC_COT_TEST_ASAN
#include <sanitizer/allocator_interface.h>

namespace {

void OnMalloc(const volatile void* /*pointer*/, size_t /*size*/) { CountAllocation(); }
void OnFree(const volatile void* /*pointer*/) {}

void InstallHooks() {
  static const bool installed = [] {
    __sanitizer_install_malloc_and_free_hooks(OnMalloc, OnFree);
    return true;
  }();
  (void)installed;
}

}  // namespace
#else
extern "C" {
void* __libc_malloc(size_t size);
void* __libc_calloc(size_t count, size_t size);
void* __libc_realloc(void* pointer, size_t size);
void* __libc_memalign(size_t alignment, size_t size);
void __libc_free(void* pointer);

void* malloc(size_t size) {
  CountAllocation();
  return __libc_malloc(size);
}
void* calloc(size_t count, size_t size) {
  CountAllocation();
  return __libc_calloc(count, size);
}
void* realloc(void* pointer, size_t size) {
  CountAllocation();
  return __libc_realloc(pointer, size);
}
void* aligned_alloc(size_t alignment, size_t size) {
  CountAllocation();
  return __libc_memalign(alignment, size);
}
int posix_memalign(void** out, size_t alignment, size_t size) {
  CountAllocation();
  *out = __libc_memalign(alignment, size);
  return *out == nullptr ? 12 /* ENOMEM */ : 0;
}
void free(void* pointer) { __libc_free(pointer); }
}

namespace {
void InstallHooks() {}
}  // namespace
#endif

namespace biac::formats::cot {
namespace {

// Counts the allocations made while it lives.
class AllocationCounter {
 public:
  AllocationCounter() {
    InstallHooks();
    g_allocations.store(0);
    g_counting.store(true);
  }
  ~AllocationCounter() { g_counting.store(false); }
  int64_t count() const { return g_allocations.load(); }
};

// A GeoChat-style event with markup references in its remarks and a marking, which the
// stream file does not have.
constexpr const char* kRemarksEvent =
    R"(<event version="2.0" uid="GeoChat.ANDROID-1.All-Chat-Rooms.1" type="b-t-f" how="h-g-i-g-o" )"
    R"(time="2026-11-27T03:00:00.047Z" start="2026-11-27T03:00:00.047Z" )"
    R"(stale="2026-11-28T03:00:00.047Z" access="SECRET" caveat="ORCON" releasableTo="USA JPN">)"
    "\r\n"
    R"(<point lat="0.0" lon="0.0" hae="9999999.0" ce="9999999.0" le="9999999.0"/>)"
    "\r\n<detail>\r\n  "
    R"(<link uid="ANDROID-1" type="a-f-G-U-C" relation="p-p"/>)"
    R"(<remarks source="BAO.F.ATAK.ANDROID-1" to="All Chat Rooms" )"
    R"(time="2026-11-27T03:00:00.047Z">rendezvous at the &quot;blue&quot; gate &amp; wait</remarks>)"
    "\r\n</detail></event>";

// The event frames of testdata/cot/cot_stream.xml that decode (the file also holds bad
// events), plus kRemarksEvent.
std::vector<std::string> CommonEvents() {
  std::ifstream in("testdata/cot/cot_stream.xml", std::ios::binary);
  EXPECT_TRUE(in);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  XmlStreamFramer framer;
  framer.Append(bytes.str());
  framer.Finish();
  XmlDecoder decoder;
  Event event;
  XmlFrame frame;
  std::vector<std::string> events;
  while (framer.Next(frame)) {
    if (frame.error.empty() && decoder.Decode(frame.text, event).ok()) {
      events.emplace_back(frame.text);
    }
  }
  events.emplace_back(kRemarksEvent);
  return events;
}

TEST(CotNoAlloc, TheCounterSeesAllocations) {
  // The zero below means something only if the counter counts: a string too long for
  // the small-string buffer, and a pugixml parse (one 32 KiB page per document).
  int64_t string_allocations = 0;
  {
    AllocationCounter counter;
    std::string text(100, 'x');
    g_sink = text.data();
    string_allocations = counter.count();
  }
  EXPECT_GE(string_allocations, 1);

  XmlDecoder decoder;
  Event event;
  const std::string xml = CommonEvents().front();
  ASSERT_TRUE(decoder.DecodeWithPugixml(xml, event).ok());
  int64_t pugixml_allocations = 0;
  {
    AllocationCounter counter;
    const bool ok = decoder.DecodeWithPugixml(xml, event).ok();
    pugixml_allocations = counter.count();
    EXPECT_TRUE(ok);
  }
  EXPECT_GE(pugixml_allocations, 1);
}

TEST(CotNoAlloc, DecodingCommonEventsAllocatesNothingAfterWarmUp) {
  const std::vector<std::string> events = CommonEvents();
  ASSERT_EQ(events.size(), 5u);  // WinTAK SA, ATAK SA, JASDF radar track, ATAK SA, GeoChat
  XmlDecoder decoder;
  Event event;
  for (const std::string& xml : events) {  // warm-up: the buffers grow to their size
    const Status status = decoder.Decode(xml, event);
    ASSERT_TRUE(status.ok()) << status.message();
    ASSERT_EQ(decoder.last_parser(), XmlDecoder::Parser::kSubset) << xml;
  }
  // Every field the common events carry is decoded (so the loop below does real work).
  ASSERT_TRUE(event.detail.remarks);
  EXPECT_EQ(event.detail.remarks->text, "rendezvous at the \"blue\" gate & wait");
  EXPECT_EQ(event.access, "SECRET");
  ASSERT_EQ(event.detail.links.size(), 1u);

  constexpr int kRounds = 200;
  int decoded = 0;
  double latitude_sum = 0.0;
  int64_t allocations = 0;
  {
    AllocationCounter counter;
    for (int round = 0; round < kRounds; ++round) {
      for (const std::string& xml : events) {
        if (decoder.Decode(xml, event).ok()) ++decoded;
        latitude_sum += event.point.lat;
      }
    }
    allocations = counter.count();
  }
  EXPECT_EQ(decoded, kRounds * static_cast<int>(events.size()));
  EXPECT_EQ(allocations, 0);
  EXPECT_NE(latitude_sum, 0.0);
}

TEST(CotNoAlloc, FramingAndDecodingAStreamAllocatesNothingAfterWarmUp) {
  const std::vector<std::string> events = CommonEvents();
  std::string stream;
  for (const std::string& xml : events) stream += xml + "\n";
  XmlStreamFramer framer;
  XmlDecoder decoder;
  Event event;
  XmlFrame frame;
  int decoded = 0;
  auto run = [&](int rounds) {
    for (int round = 0; round < rounds; ++round) {
      framer.Append(stream);
      while (framer.Next(frame)) {
        if (frame.error.empty() && decoder.Decode(frame.text, event).ok()) ++decoded;
      }
    }
  };
  run(3);  // warm-up
  decoded = 0;
  int64_t allocations = 0;
  {
    AllocationCounter counter;
    run(100);
    allocations = counter.count();
  }
  EXPECT_EQ(decoded, 100 * static_cast<int>(events.size()));
  EXPECT_EQ(allocations, 0);
}

}  // namespace
}  // namespace biac::formats::cot
