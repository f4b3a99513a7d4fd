#include "biac/app/table_io.h"

#include "biac/base/csv.h"

namespace biac::app {

const std::vector<double>& NumericTable::Column(const std::string& name) const {
  for (size_t i = 0; i < names_.size(); ++i) {
    if (names_[i] == name) return columns_[i];
  }
  static const std::vector<double> kEmpty;
  return kEmpty;
}

Result<NumericTable> ReadNumericCsv(const std::string& path,
                                    const std::vector<std::string>& columns) {
  BIAC_ASSIGN_OR_RETURN(CsvReader reader, CsvReader::Open(path));
  NumericTable table;
  table.names_ = columns;
  table.columns_.resize(columns.size());
  std::vector<size_t> index(columns.size());
  for (size_t c = 0; c < columns.size(); ++c) {
    BIAC_ASSIGN_OR_RETURN(index[c], reader.Column(columns[c]));
  }
  BIAC_RETURN_IF_ERROR(reader.ForEachRow([&](const CsvRow& row) -> Status {
    for (size_t c = 0; c < columns.size(); ++c) {
      BIAC_ASSIGN_OR_RETURN(const double value, row.Double(index[c]));
      table.columns_[c].push_back(value);
    }
    return Status::Ok();
  }));
  return table;
}

}  // namespace biac::app
