#include "biac/app/table_io.h"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>
#include <string_view>

namespace biac::app {
namespace {

// Splits one CSV line at commas (fields are numbers and names here; quoted fields are not
// part of these tables' contract).
void SplitFields(std::string_view line, std::vector<std::string_view>& fields) {
  fields.clear();
  size_t start = 0;
  while (true) {
    const size_t comma = line.find(',', start);
    if (comma == std::string_view::npos) {
      fields.push_back(line.substr(start));
      return;
    }
    fields.push_back(line.substr(start, comma - start));
    start = comma + 1;
  }
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

}  // namespace

const std::vector<double>& NumericTable::Column(const std::string& name) const {
  for (size_t i = 0; i < names_.size(); ++i) {
    if (names_[i] == name) return columns_[i];
  }
  static const std::vector<double> kEmpty;
  return kEmpty;
}

Result<NumericTable> ReadNumericCsv(const std::string& path, const std::vector<std::string>& columns) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Unavailable(fmt::format("{}: cannot open the file", path));
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  std::string_view rest(text);

  NumericTable table;
  table.names_ = columns;
  table.columns_.resize(columns.size());
  std::vector<int> field_of(columns.size(), -1);
  std::vector<std::string_view> fields;
  size_t line_number = 0;
  bool header = true;
  while (!rest.empty()) {
    const size_t newline = rest.find('\n');
    std::string_view line = rest.substr(0, newline);
    rest = newline == std::string_view::npos ? std::string_view() : rest.substr(newline + 1);
    ++line_number;
    if (Trim(line).empty()) continue;
    SplitFields(line, fields);
    if (header) {
      header = false;
      for (size_t c = 0; c < columns.size(); ++c) {
        for (size_t f = 0; f < fields.size(); ++f) {
          if (Trim(fields[f]) == columns[c]) field_of[c] = static_cast<int>(f);
        }
        if (field_of[c] < 0) {
          return InvalidArgument(fmt::format("{} line {}: no column '{}' in the header", path,
                                             line_number, columns[c]));
        }
      }
      continue;
    }
    for (size_t c = 0; c < columns.size(); ++c) {
      const size_t f = static_cast<size_t>(field_of[c]);
      if (f >= fields.size()) {
        return InvalidArgument(fmt::format("{} line {}: column '{}' is missing ({} fields)", path,
                                           line_number, columns[c], fields.size()));
      }
      const std::string_view field = Trim(fields[f]);
      double value = 0.0;
      const auto [end, ec] = std::from_chars(field.data(), field.data() + field.size(), value);
      if (ec != std::errc() || end != field.data() + field.size() || !std::isfinite(value)) {
        return InvalidArgument(fmt::format("{} line {}: column '{}': '{}' is not a finite number",
                                           path, line_number, columns[c], field));
      }
      table.columns_[c].push_back(value);
    }
  }
  if (header) return InvalidArgument(fmt::format("{}: empty file, no header", path));
  return table;
}

}  // namespace biac::app
