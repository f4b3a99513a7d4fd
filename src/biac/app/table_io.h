#pragma once

// Numeric CSV tables for the offline commands: a header row naming the columns, then rows
// of numbers. Required columns must be present (others are ignored); every error names the
// file, the line and the column.

#include <string>
#include <vector>

#include "biac/base/status.h"

namespace biac::app {

class NumericTable {
 public:
  // The values of a column named in the read request, one per data row.
  const std::vector<double>& Column(const std::string& name) const;
  size_t rows() const { return columns_.empty() ? 0 : columns_.front().size(); }

 private:
  friend Result<NumericTable> ReadNumericCsv(const std::string&, const std::vector<std::string>&);
  std::vector<std::string> names_;
  std::vector<std::vector<double>> columns_;
};

Result<NumericTable> ReadNumericCsv(const std::string& path,
                                    const std::vector<std::string>& columns);

}  // namespace biac::app
