#include "biac/model/picture.h"

namespace biac::model {

std::string_view DomainName(Domain domain) {
  switch (domain) {
    case Domain::kUnknown: return "unknown";
    case Domain::kSea: return "sea";
    case Domain::kAir: return "air";
    case Domain::kLand: return "land";
    case Domain::kSpace: return "space";
  }
  return "unknown";
}

}  // namespace biac::model
