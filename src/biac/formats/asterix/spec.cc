#include "biac/formats/asterix/spec.h"

namespace biac::formats::asterix {

const Edition* FindEdition(uint8_t category, std::string_view edition) {
  for (const Edition* e : AllEditions()) {
    if (e->category == category && e->edition == edition) return e;
  }
  return nullptr;
}

int FindItem(const Edition& edition, std::string_view id) {
  for (size_t i = 0; i < edition.items.size(); ++i) {
    if (edition.items[i].id == id) return static_cast<int>(i);
  }
  return -1;
}

int FindField(const Edition& edition, int variation, std::string_view name) {
  if (variation < 0) return -1;
  const Variation& v = edition.variations[static_cast<size_t>(variation)];
  for (int i = 0; i < v.field_count; ++i) {
    if (edition.fields[v.first_field + static_cast<size_t>(i)].name == name) {
      return v.first_field + i;
    }
  }
  return -1;
}

int FindSubItem(const Edition& edition, int variation, std::string_view name) {
  if (variation < 0) return -1;
  const Variation& v = edition.variations[static_cast<size_t>(variation)];
  for (int i = 0; i < v.sub_count; ++i) {
    if (edition.subitems[v.first_sub + static_cast<size_t>(i)].name == name) return i;
  }
  return -1;
}

}  // namespace biac::formats::asterix
