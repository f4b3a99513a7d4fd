#include "biac/formats/cot/event.h"

#include <algorithm>
#include <utility>

namespace biac::formats::cot {
namespace {

// Points every text field of `event` at a copy kept by `owner`.
void KeepAll(OwnedEvent& owner, Event& event) {
  for (std::string_view* field :
       {&event.version, &event.uid, &event.type, &event.how, &event.access, &event.caveat,
        &event.releasable_to, &event.qos, &event.opex}) {
    *field = owner.Keep(*field);
  }
  Detail& d = event.detail;
  if (d.contact) {
    d.contact->callsign = owner.Keep(d.contact->callsign);
    d.contact->endpoint = owner.Keep(d.contact->endpoint);
    d.contact->phone = owner.Keep(d.contact->phone);
  }
  if (d.group) {
    d.group->name = owner.Keep(d.group->name);
    d.group->role = owner.Keep(d.group->role);
  }
  if (d.precision_location) {
    d.precision_location->geopointsrc = owner.Keep(d.precision_location->geopointsrc);
    d.precision_location->altsrc = owner.Keep(d.precision_location->altsrc);
  }
  if (d.takv) {
    for (std::string_view* field :
         {&d.takv->device, &d.takv->platform, &d.takv->os, &d.takv->version}) {
      *field = owner.Keep(*field);
    }
  }
  if (d.remarks) {
    for (std::string_view* field :
         {&d.remarks->text, &d.remarks->source, &d.remarks->to, &d.remarks->time}) {
      *field = owner.Keep(*field);
    }
  }
  for (Link& link : d.links) {
    for (std::string_view* field :
         {&link.uid, &link.type, &link.relation, &link.parent_callsign, &link.production_time}) {
      *field = owner.Keep(*field);
    }
  }
  d.other_xml = owner.Keep(d.other_xml);
}

}  // namespace

void Detail::Clear() {
  contact.reset();
  track.reset();
  group.reset();
  precision_location.reset();
  status.reset();
  takv.reset();
  remarks.reset();
  links.clear();
  other_xml = {};
}

OwnedEvent::OwnedEvent(const Event& event) : Event(event) { KeepAll(*this, *this); }

OwnedEvent::OwnedEvent(OwnedEvent&& other) noexcept
    : Event(std::move(static_cast<Event&>(other))), storage_(std::move(other.storage_)) {
  static_cast<Event&>(other) = Event();
}

OwnedEvent& OwnedEvent::operator=(const OwnedEvent& other) {
  return *this = static_cast<const Event&>(other);
}

OwnedEvent& OwnedEvent::operator=(OwnedEvent&& other) noexcept {
  if (this == &other) return *this;
  static_cast<Event&>(*this) = std::move(static_cast<Event&>(other));
  storage_ = std::move(other.storage_);
  static_cast<Event&>(other) = Event();
  return *this;
}

OwnedEvent& OwnedEvent::operator=(const Event& event) {
  // Copy first: `event` may refer to this object's own storage.
  OwnedEvent copy(event);
  return *this = std::move(copy);
}

std::string_view OwnedEvent::Keep(std::string_view text) {
  // Literals (and the empty string) need no copy only if they are static; a view cannot
  // tell, so every non-empty text is copied.
  if (text.empty()) return {};
  std::unique_ptr<char[]>& block = storage_.emplace_back(std::make_unique<char[]>(text.size()));
  std::copy(text.begin(), text.end(), block.get());
  return std::string_view(block.get(), text.size());
}

}  // namespace biac::formats::cot
