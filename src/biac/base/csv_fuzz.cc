// libFuzzer target for the CSV reader. Besides "no crash, no sanitizer report", it checks
// three properties on every input and aborts when one fails:
// 1. the same bytes read from memory and from a stream through a tiny buffer (so records and
//    quotes straddle refills) give the same records, line numbers and errors;
// 2. line numbers increase from record to record;
// 3. a table that parsed, written back per RFC 4180 and read again, is the same table.
// The first input byte picks the delimiter and the stream's buffer size; the rest is the text.

#include "biac/base/csv.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace {

struct Outcome {
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> records;
  std::vector<int64_t> lines;
  std::string error;  // empty if the whole input parsed

  bool operator==(const Outcome&) const = default;
};

void Check(bool condition, const char* what) {
  if (condition) return;
  std::fprintf(stderr, "csv_fuzz: property violated: %s\n", what);
  std::abort();
}

// Reads everything and exercises every accessor on every field.
Outcome ReadAll(biac::Result<biac::CsvReader> opened) {
  Outcome out;
  if (!opened.ok()) {
    out.error = opened.error().message();
    return out;
  }
  biac::CsvReader& reader = *opened;
  out.columns = reader.columns();
  for (const std::string& name : out.columns) {
    const biac::Result<size_t> column = reader.Column(name);
    Check(!column.ok() || reader.columns()[*column] == name, "Column() finds its name");
  }
  while (true) {
    const biac::Result<bool> more = reader.Next();
    if (!more.ok()) {
      out.error = more.error().message();
      break;
    }
    if (!*more) break;
    const biac::CsvRow& row = reader.row();
    std::vector<std::string> fields;
    for (size_t i = 0; i <= row.size(); ++i) {  // one past the end: the missing-field path
      (void)row.Double(i);
      (void)row.Int64(i);
      const biac::Result<std::string_view> text = row.Text(i);
      Check(text.ok() == (i < row.size()), "Text() fails exactly past the last field");
      if (text.ok()) fields.emplace_back(*text);
    }
    out.records.push_back(std::move(fields));
    out.lines.push_back(row.line());
  }
  return out;
}

std::string Write(const Outcome& table, char delimiter) {
  std::string out;
  const auto write_record = [&](const std::vector<std::string>& record) {
    for (size_t i = 0; i < record.size(); ++i) {
      if (i > 0) out += delimiter;
      const std::string& f = record[i];
      const bool quote = f.empty() || f.find_first_of("\"\r\n") != std::string::npos ||
                         f.find(delimiter) != std::string::npos || f.front() == ' ' ||
                         f.front() == '\t' || f.back() == ' ' || f.back() == '\t' ||
                         f.front() == '\xEF';  // a byte order mark would be skipped
      if (!quote) {
        out += f;
        continue;
      }
      out += '"';
      for (const char c : f) {
        if (c == '"') out += '"';
        out += c;
      }
      out += '"';
    }
    out += '\n';
  };
  write_record(table.columns);
  for (const auto& record : table.records) write_record(record);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  constexpr char kDelimiters[] = {',', ';', '\t', '|'};
  biac::CsvOptions options;
  options.delimiter = kDelimiters[data[0] & 3];
  options.buffer_bytes = 16 + (data[0] >> 2);
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);

  const Outcome memory = ReadAll(biac::CsvReader::FromString(text, "fuzz.csv", options));
  for (size_t i = 1; i < memory.lines.size(); ++i) {
    Check(memory.lines[i] > memory.lines[i - 1], "line numbers increase");
  }

  if (!text.empty()) {
    std::string copy = text;  // fmemopen wants a mutable buffer
    std::FILE* stream = fmemopen(copy.data(), copy.size(), "r");
    if (stream != nullptr) {
      const Outcome streamed = ReadAll(biac::CsvReader::FromStream(stream, "fuzz.csv", options));
      std::fclose(stream);
      Check(streamed == memory, "memory and stream reads agree");
    }
  }

  if (memory.error.empty()) {
    const std::string written = Write(memory, options.delimiter);
    Outcome again = ReadAll(biac::CsvReader::FromString(written, "fuzz.csv", options));
    Check(again.error.empty(), "a written table parses");
    again.lines = memory.lines;  // line numbers legitimately differ
    Check(again == memory, "write then read gives the same table");
  }
  return 0;
}
