#pragma once

// A fast, strict-where-it-matters CSV reader for detection, truth and track files (millions
// of rows). The dialect is RFC 4180 with the leniencies real files need:
// - the first non-blank record is the header; column names are trimmed of spaces and tabs;
// - records end in LF or CRLF; the last one may lack a line ending; blank lines (empty or only
//   spaces and tabs) are skipped anywhere; a UTF-8 byte order mark at the start is skipped;
// - a field may be quoted ("a, ""b"""), with the delimiter, quotes and line breaks inside;
//   spaces around a quoted field are ignored; a quote inside an unquoted field is literal;
//   text after a closing quote other than the delimiter or a line ending is an error;
// - a record may have more fields than the header (the extra ones are ignored) or fewer (a
//   missing field is an error only when it is asked for).
//
// Errors are Status values naming the source, the line and the column:
//   "detections.csv line 12: column 'x': 'abc' is not a number".
// Line numbers count physical lines from 1; a record that spans lines (a quoted line break)
// is reported at its first line.
//
// Performance contract: a row's fields are string_views into the reader's buffer (or into
// the caller's text, for FromString), valid until the next call to Next(); after the first
// rows have sized the buffers, reading a row allocates nothing. Files are read in chunks
// (CsvOptions::buffer_bytes), so memory stays bounded by the longest record, not the file.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "biac/base/status.h"

namespace biac {

struct CsvOptions {
  char delimiter = ',';
  // Bytes read from a file at a time; a record longer than this grows the buffer.
  size_t buffer_bytes = size_t{1} << 20;
  // A record (for instance an unterminated quote) longer than this is an error rather than
  // a reason to read the rest of a large file into memory.
  size_t max_record_bytes = size_t{64} << 20;
};

namespace csv_internal {
// What every row needs to name itself in an error message; owned by the reader at a stable
// address so that rows and readers can be moved.
struct Source {
  std::string name;
  std::vector<std::string> columns;
};
// Closes a file the reader opened; leaves a caller's stream open.
struct FileCloser {
  bool owned = true;
  void operator()(std::FILE* file) const;
};
}  // namespace csv_internal

// One record. Field accessors take the column index (CsvReader::Column).
class CsvRow {
 public:
  // Number of fields in this record (may differ from the header's).
  size_t size() const { return fields_.size(); }
  // 1-based line on which the record starts.
  int64_t line() const { return line_; }
  // The field's text, unquoted and unescaped; empty if the record has no such field.
  std::string_view field(size_t column) const {
    return column < fields_.size() ? fields_[column] : std::string_view();
  }

  // A finite double (std::from_chars, general format; spaces and tabs around it and a leading
  // '+' are accepted; "nan", "inf", hexadecimal and trailing text are not).
  Result<double> Double(size_t column) const;
  // A signed 64-bit decimal integer (same leniencies).
  Result<int64_t> Int64(size_t column) const;
  // The field's text; an error if the record has no such field.
  Result<std::string_view> Text(size_t column) const;

  // "<source> line <n>: column '<name>': <reason>", for the caller's own checks (a negative
  // variance, an unknown sensor name), so that every message reads alike.
  Status Error(size_t column, std::string_view reason) const;
  // "<source> line <n>: <reason>".
  Status Error(std::string_view reason) const;

 private:
  friend class CsvReader;
  Status MissingField(size_t column) const;

  const csv_internal::Source* source_ = nullptr;
  std::vector<std::string_view> fields_;
  int64_t line_ = 0;
};

class CsvReader {
 public:
  // Opens and reads the header of a file. `path` also names the source in error messages.
  static Result<CsvReader> Open(const std::string& path, CsvOptions options = {});
  // Reads from a stream the caller keeps open (stdin, a pipe) until end of file.
  static Result<CsvReader> FromStream(std::FILE* stream, std::string source_name,
                                      CsvOptions options = {});
  // Reads text the caller keeps alive for the reader's lifetime (no copy is made).
  static Result<CsvReader> FromString(std::string_view text, std::string source_name,
                                      CsvOptions options = {});

  CsvReader(CsvReader&&) noexcept = default;
  CsvReader& operator=(CsvReader&&) noexcept = default;
  CsvReader(const CsvReader&) = delete;
  CsvReader& operator=(const CsvReader&) = delete;
  ~CsvReader() = default;

  const std::string& source_name() const { return source_->name; }
  // Column names from the header, in order, trimmed.
  const std::vector<std::string>& columns() const { return source_->columns; }
  // Index of the first column with this exact name, if any.
  std::optional<size_t> FindColumn(std::string_view name) const;
  // Index of the column with this exact name; an error naming the columns present if there
  // is none, or if the name appears more than once.
  Result<size_t> Column(std::string_view name) const;

  // Reads the next record into row(): true if there was one, false at the end of input, or
  // an error (malformed quoting, a read failure). After an error the reader is at the end.
  Result<bool> Next();
  const CsvRow& row() const { return row_; }
  // Records read so far, the header excluded.
  int64_t rows_read() const { return rows_read_; }

  // Calls fn(const CsvRow&) -> Status for every remaining record; stops at the first error.
  template <typename Fn>
  Status ForEachRow(Fn&& fn) {
    while (true) {
      Result<bool> more = Next();
      if (!more.ok()) return more.error();
      if (!*more) return Status::Ok();
      BIAC_RETURN_IF_ERROR(fn(row_));
    }
  }

 private:
  enum class Scan { kRecord, kNeedMore, kError };
  // A parsed field of a quoted record: in the input (data != nullptr) or in scratch_.
  struct Span {
    const char* data;
    size_t offset;
    size_t size;
  };

  CsvReader(std::string source_name, CsvOptions options);
  Status ReadHeader();
  Result<bool> ReadRecord();
  Status Refill();
  Scan ScanQuotedRecord(size_t begin, size_t* record_end, int64_t* line_breaks, Status* error);
  void SplitSimple(const char* begin, const char* end);
  Status ParseError(int64_t line, size_t field, std::string_view reason) const;

  std::unique_ptr<csv_internal::Source> source_;
  CsvOptions options_;
  std::unique_ptr<std::FILE, csv_internal::FileCloser> file_;
  std::vector<char> buffer_;  // file mode: bytes [0, text_.size()) are valid
  std::string_view text_;     // the bytes available to parse
  size_t pos_ = 0;            // first unparsed byte of text_
  bool at_eof_ = true;        // no more bytes will follow text_
  bool failed_ = false;
  int64_t line_ = 1;  // line number of the byte at pos_
  int64_t rows_read_ = 0;
  std::vector<char> scratch_;  // unescaped quoted fields of the current record
  std::vector<Span> spans_;
  CsvRow row_;
};

}  // namespace biac
