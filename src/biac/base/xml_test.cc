#include "biac/base/xml.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace biac {
namespace {

std::string Escaped(std::string_view text, XmlPlace place, XmlNonCharacters policy) {
  std::string out = "x";  // appends: what is there stays
  AppendXmlEscaped(out, text, place, policy);
  return out.substr(1);
}

constexpr auto kText = XmlPlace::kText;
constexpr auto kAttribute = XmlPlace::kAttribute;
constexpr auto kReplace = XmlNonCharacters::kReplace;
constexpr auto kPassThrough = XmlNonCharacters::kPassThrough;

TEST(XmlTest, MarkupIsEscapedInBothPolicies) {
  for (const XmlNonCharacters policy : {kReplace, kPassThrough}) {
    EXPECT_EQ(Escaped("A<&\"B]]>'", kAttribute, policy), "A&lt;&amp;&quot;B]]&gt;'");
    EXPECT_EQ(Escaped("A<&\"B]]>'", kText, policy), "A&lt;&amp;\"B]]&gt;'");  // " is text
    // Tab, LF, CR: references in attribute values (3.3.3) and in text (2.11, layout).
    EXPECT_EQ(Escaped("a\tb\nc\rd", kAttribute, policy), "a&#09;b&#10;c&#13;d");
    EXPECT_EQ(Escaped("a\tb\nc\rd", kText, policy), "a&#09;b&#10;c&#13;d");
    // UTF-8 letters pass: e acute (2 bytes), CJK (3), U+1F600 (4).
    EXPECT_EQ(Escaped("\xC3\xA9\xE6\x97\xA5\xF0\x9F\x98\x80", kText, policy),
              "\xC3\xA9\xE6\x97\xA5\xF0\x9F\x98\x80");
    EXPECT_EQ(Escaped("", kText, policy), "");
  }
}

TEST(XmlTest, ReplaceWritesUFffdForWhatXmlCannotCarry) {
  // U+0001 (not a Char), a lone continuation byte, an overlong '/', a surrogate (U+D800),
  // U+FFFE (not a Char) and a sequence cut off at the end.
  const std::string fffd(kUtf8Replacement);
  EXPECT_EQ(Escaped("a\001b", kText, kReplace), "a" + fffd + "b");
  EXPECT_EQ(Escaped("a\200b", kText, kReplace), "a" + fffd + "b");
  EXPECT_EQ(Escaped("\xC0\xAF", kText, kReplace), "\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(Escaped("\xED\xA0\x80", kText, kReplace), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(Escaped("\xEF\xBF\xBE", kText, kReplace), "\xEF\xBF\xBD");
  EXPECT_EQ(Escaped("a\xE6\x97", kAttribute, kReplace), "a\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST(XmlTest, PassThroughKeepsEveryByte) {
  EXPECT_EQ(Escaped("a\001b\037", kText, kPassThrough), "a&#01;b&#31;");
  EXPECT_EQ(Escaped(std::string_view("\0", 1), kAttribute, kPassThrough), "&#00;");
  EXPECT_EQ(Escaped("\x80\xC0\xAF\xFF", kText, kPassThrough), "\x80\xC0\xAF\xFF");
}

TEST(XmlTest, Utf8SequenceAndXmlChar) {
  uint32_t c = 0;
  EXPECT_EQ(Utf8Sequence("\xE2\x82\xAC", 0, c), 3u);  // EURO SIGN
  EXPECT_EQ(c, 0x20ACu);
  EXPECT_EQ(Utf8Sequence("\xF4\x90\x80\x80", 0, c), 0u);  // U+110000: past Unicode
  EXPECT_EQ(Utf8Sequence("a\xC3", 1, c), 0u);             // cut off
  EXPECT_TRUE(IsXmlChar(0x9));
  EXPECT_FALSE(IsXmlChar(0x0));
  EXPECT_FALSE(IsXmlChar(0x1F));
  EXPECT_TRUE(IsXmlChar(0xFFFD));
  EXPECT_FALSE(IsXmlChar(0xFFFF));
  EXPECT_TRUE(IsXmlChar(0x10FFFF));
}

}  // namespace
}  // namespace biac
