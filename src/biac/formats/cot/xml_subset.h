#pragma once

// A strict, allocation-free parser for the subset of XML that CoT producers send, used by
// XmlDecoder before pugixml so that the common event allocates nothing (issue 3).
//
// Why not pugixml alone: pugixml 1.13 cannot parse without allocating. Every
// xml_document::load_* calls reset(), which frees every memory page but the sentinel page
// inside the document object, and the sentinel page is marked full (xml_document::_create:
// `page->busy_size = impl::xml_memory_page_size`), so the first node of every parse mallocs
// a new 32 KiB page; xml_node::append_buffer copies the input (is_mutable = false) and
// adds an extra buffer freed only by reset(). Only set_memory_management_functions could
// avoid it, and that is one process-wide pair of plain function pointers with an unsized
// deallocate, shared with every other pugixml user. See docs/formats/cot.md.
//
// The contract is "accept exactly as pugixml would, or decline": Parse() returns false for
// anything outside the subset, and the caller then parses the text with pugixml, which
// accepts or rejects it with its own message. When Parse() accepts, the tree it builds is
// the one pugixml builds with XmlDecoder's options (parse_default | parse_ws_pcdata_single,
// UTF-8): the same elements, attributes in document order (values after reference
// replacement and attribute-value normalisation, XML 1.0 section 3.3.3), and text nodes
// (after end-of-line handling, section 2.11, and reference replacement), with white-space
// text kept only where pugixml keeps it (the only child of its element). The fuzz target
// checks this against pugixml on every input.
//
// The subset: optional white space and one `<?xml ...?>` declaration before one root
// element, white space after it; ASCII names ([A-Za-z_:][A-Za-z0-9_:.-]*); attributes
// separated by white space, double- or single-quoted, no duplicates, no '<' in a value;
// the five predefined entity references and character references to U+0001..U+10FFFF;
// no comments, CDATA sections, processing instructions or DOCTYPE, no NUL byte, at most
// kMaxDepth nested elements.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace biac::formats::cot::internal {

inline constexpr int32_t kNoNode = -1;

struct SubsetAttribute {
  std::string_view name;
  std::string_view value;
};

struct SubsetNode {
  bool element = false;
  std::string_view name;  // element name ("" for text)
  std::string_view text;  // text node's value ("" for elements)
  uint32_t first_attribute = 0;
  uint32_t attribute_count = 0;
  int32_t first_child = kNoNode;
  int32_t next_sibling = kNoNode;
};

class SubsetParser {
 public:
  static constexpr size_t kMaxDepth = 64;

  // Parses `xml`; false when it is outside the subset (nothing about the XML's validity
  // follows from false). The tree refers to `xml` and to this parser's scratch buffer: it
  // is valid while `xml` lives and until the next Parse. Allocates only while its buffers
  // grow to the largest document seen.
  bool Parse(std::string_view xml);

  int32_t root() const { return root_; }
  const SubsetNode& node(int32_t index) const { return nodes_[static_cast<size_t>(index)]; }
  const SubsetAttribute& attribute(uint32_t index) const { return attributes_[index]; }

 private:
  struct Open {
    int32_t node;
    int32_t last_child;
  };

  bool ParseDocument();
  bool ParseStartTag(bool& self_closing);
  bool ParseEndTag();
  bool AddText(size_t begin, size_t end);
  int32_t AddNode(const SubsetNode& node);
  // Value of an attribute (`attribute` true) or text between begin and end, references
  // replaced: a view into the input when nothing changes, else into text_.
  bool DecodeText(size_t begin, size_t end, bool attribute, std::string_view& out);

  std::string_view xml_;
  size_t pos_ = 0;
  int32_t root_ = kNoNode;
  std::vector<SubsetNode> nodes_;
  std::vector<SubsetAttribute> attributes_;
  std::string text_;  // decoded text; reserved to the input size, so it never moves
  std::array<Open, kMaxDepth> open_{};
  size_t depth_ = 0;
};

}  // namespace biac::formats::cot::internal
