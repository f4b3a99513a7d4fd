#include "biac/labels/label.h"

namespace biac::labels {

Result<Label> Parse(std::string_view text) {
  return FailedPrecondition("label parsing is being written (issue 4): '" + std::string(text) + "'");
}

std::string Render(const Label&) { return "UNCONFIGURED"; }

}  // namespace biac::labels
