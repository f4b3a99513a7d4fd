#include "biac/base/csv.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <system_error>
#include <utility>

namespace biac {
namespace {

constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";
// The smallest read buffer: room for a byte order mark and a few fields, so that the refill
// logic is exercised (by the fuzzer) rather than degenerate.
constexpr size_t kMinBufferBytes = 16;
// Longest field value quoted in an error message.
constexpr size_t kMaxQuotedValue = 40;

bool IsSpace(char c) { return c == ' ' || c == '\t'; }

std::string_view Trim(std::string_view text) {
  while (!text.empty() && IsSpace(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsSpace(text.back())) text.remove_suffix(1);
  return text;
}

bool IsBlank(const char* begin, const char* end) { return std::all_of(begin, end, IsSpace); }

// 'value' for an error message: at most kMaxQuotedValue bytes, control bytes as '?'.
std::string Quote(std::string_view value) {
  std::string out = "'";
  const size_t n = std::min(value.size(), kMaxQuotedValue);
  for (size_t i = 0; i < n; ++i) {
    const auto c = static_cast<unsigned char>(value[i]);
    out += (c < 0x20 || c == 0x7f) ? '?' : static_cast<char>(c);
  }
  if (value.size() > n) out += "...";
  out += '\'';
  return out;
}

std::string DescribeField(const csv_internal::Source* source, size_t index) {
  if (source != nullptr && index < source->columns.size()) {
    return "column '" + source->columns[index] + "'";
  }
  return "field " + std::to_string(index + 1);
}

std::string LinePrefix(const csv_internal::Source* source, int64_t line) {
  std::string out = source != nullptr ? source->name : std::string("<csv>");
  out += " line ";
  out += std::to_string(line);
  return out;
}

// Strips the one leading '+' that from_chars does not accept; nullopt if what follows it
// is another sign (so "+-1" stays an error).
std::optional<std::string_view> StripPlus(std::string_view text) {
  if (text.front() != '+') return text;
  text.remove_prefix(1);
  if (text.empty() || text.front() == '+' || text.front() == '-') return std::nullopt;
  return text;
}

Status ValidateOptions(const CsvOptions& options) {
  const char d = options.delimiter;
  if (d == '"' || d == '\n' || d == '\r') {
    return InvalidArgument("CSV delimiter " + Quote(std::string_view(&d, 1)) +
                           " cannot be a quote or a line break");
  }
  return Status::Ok();
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// CsvRow

Status CsvRow::Error(size_t column, std::string_view reason) const {
  std::string message = LinePrefix(source_, line_);
  message += ": ";
  message += DescribeField(source_, column);
  message += ": ";
  message += reason;
  return InvalidArgument(std::move(message));
}

Status CsvRow::Error(std::string_view reason) const {
  std::string message = LinePrefix(source_, line_);
  message += ": ";
  message += reason;
  return InvalidArgument(std::move(message));
}

Status CsvRow::MissingField(size_t column) const {
  return Error(column, "missing (the row has " + std::to_string(fields_.size()) +
                           (fields_.size() == 1 ? " field)" : " fields)"));
}

Result<double> CsvRow::Double(size_t column) const {
  if (column >= fields_.size()) return MissingField(column);
  const std::string_view text = Trim(fields_[column]);
  if (text.empty()) return Error(column, "empty, expected a number");
  const std::optional<std::string_view> digits = StripPlus(text);
  if (!digits) return Error(column, Quote(text) + " is not a number");
  double value = 0.0;
  const char* end = digits->data() + digits->size();
  const auto [ptr, ec] = std::from_chars(digits->data(), end, value);
  if (ec == std::errc::result_out_of_range) {
    return Error(column, Quote(text) + " is out of range for a double");
  }
  if (ec != std::errc() || ptr != end) return Error(column, Quote(text) + " is not a number");
  if (!std::isfinite(value)) return Error(column, Quote(text) + " is not a finite number");
  return value;
}

Result<int64_t> CsvRow::Int64(size_t column) const {
  if (column >= fields_.size()) return MissingField(column);
  const std::string_view text = Trim(fields_[column]);
  if (text.empty()) return Error(column, "empty, expected an integer");
  const std::optional<std::string_view> digits = StripPlus(text);
  if (!digits) return Error(column, Quote(text) + " is not an integer");
  int64_t value = 0;
  const char* end = digits->data() + digits->size();
  const auto [ptr, ec] = std::from_chars(digits->data(), end, value);
  if (ec == std::errc::result_out_of_range) {
    return Error(column, Quote(text) + " is out of range for a 64-bit integer");
  }
  if (ec != std::errc() || ptr != end) return Error(column, Quote(text) + " is not an integer");
  return value;
}

Result<std::string_view> CsvRow::Text(size_t column) const {
  if (column >= fields_.size()) return MissingField(column);
  return fields_[column];
}

// ---------------------------------------------------------------------------------------------
// CsvReader: construction and header

void csv_internal::FileCloser::operator()(std::FILE* file) const {
  if (owned && file != nullptr) std::fclose(file);
}

CsvReader::CsvReader(std::string source_name, CsvOptions options)
    : source_(std::make_unique<csv_internal::Source>()), options_(options) {
  source_->name = std::move(source_name);
  options_.buffer_bytes = std::max(options_.buffer_bytes, kMinBufferBytes);
  row_.source_ = source_.get();
}

Result<CsvReader> CsvReader::Open(const std::string& path, CsvOptions options) {
  BIAC_RETURN_IF_ERROR(ValidateOptions(options));
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) {
    return Unavailable(
        path + ": cannot open: " + std::error_code(errno, std::generic_category()).message());
  }
  CsvReader reader(path, options);
  reader.file_ = std::unique_ptr<std::FILE, csv_internal::FileCloser>(file, {true});
  reader.at_eof_ = false;
  BIAC_RETURN_IF_ERROR(reader.ReadHeader());
  return reader;
}

Result<CsvReader> CsvReader::FromStream(std::FILE* stream, std::string source_name,
                                        CsvOptions options) {
  BIAC_RETURN_IF_ERROR(ValidateOptions(options));
  CsvReader reader(std::move(source_name), options);
  reader.file_ = std::unique_ptr<std::FILE, csv_internal::FileCloser>(stream, {false});
  reader.at_eof_ = false;
  BIAC_RETURN_IF_ERROR(reader.ReadHeader());
  return reader;
}

Result<CsvReader> CsvReader::FromString(std::string_view text, std::string source_name,
                                        CsvOptions options) {
  BIAC_RETURN_IF_ERROR(ValidateOptions(options));
  CsvReader reader(std::move(source_name), options);
  reader.text_ = text;
  reader.at_eof_ = true;
  BIAC_RETURN_IF_ERROR(reader.ReadHeader());
  return reader;
}

Status CsvReader::ReadHeader() {
  if (!at_eof_) BIAC_RETURN_IF_ERROR(Refill());
  if (text_.substr(0, kByteOrderMark.size()) == kByteOrderMark) pos_ = kByteOrderMark.size();
  const Result<bool> header = ReadRecord();
  if (!header.ok()) return header.error();
  if (!*header) return InvalidArgument(source_->name + ": no header line (the input is empty)");
  source_->columns.reserve(row_.fields_.size());
  for (const std::string_view name : row_.fields_) source_->columns.emplace_back(Trim(name));
  row_.fields_.clear();
  row_.line_ = 0;
  return Status::Ok();
}

std::optional<size_t> CsvReader::FindColumn(std::string_view name) const {
  const auto& columns = source_->columns;
  const auto it = std::find(columns.begin(), columns.end(), name);
  if (it == columns.end()) return std::nullopt;
  return static_cast<size_t>(it - columns.begin());
}

Result<size_t> CsvReader::Column(std::string_view name) const {
  const auto& columns = source_->columns;
  const std::optional<size_t> index = FindColumn(name);
  if (!index) {
    std::string message = source_->name + ": no column '" + std::string(name) + "' (columns: ";
    for (size_t i = 0; i < columns.size(); ++i) {
      if (i > 0) message += ", ";
      message += columns[i];
    }
    message += ')';
    return NotFound(std::move(message));
  }
  const auto again =
      std::find(columns.begin() + static_cast<std::ptrdiff_t>(*index) + 1, columns.end(), name);
  if (again != columns.end()) {
    return InvalidArgument(source_->name + ": column '" + std::string(name) +
                           "' appears more than once (fields " + std::to_string(*index + 1) +
                           " and " + std::to_string(again - columns.begin() + 1) + ")");
  }
  return *index;
}

// ---------------------------------------------------------------------------------------------
// CsvReader: records

Result<bool> CsvReader::Next() {
  Result<bool> more = ReadRecord();
  if (more.ok() && *more) ++rows_read_;
  return more;
}

Status CsvReader::ParseError(int64_t line, size_t field, std::string_view reason) const {
  std::string message = LinePrefix(source_.get(), line);
  message += ": ";
  message += DescribeField(source_.get(), field);
  message += ": ";
  message += reason;
  return InvalidArgument(std::move(message));
}

Status CsvReader::Refill() {
  // Keep the unparsed tail, move it to the front, and fill the rest of the buffer.
  const size_t tail = text_.size() - pos_;
  if (tail >= options_.max_record_bytes) {
    return InvalidArgument(LinePrefix(source_.get(), line_) + ": record longer than " +
                           std::to_string(options_.max_record_bytes) + " bytes");
  }
  if (buffer_.empty()) buffer_.resize(options_.buffer_bytes);
  if (tail > 0 && pos_ > 0) std::memmove(buffer_.data(), text_.data() + pos_, tail);
  if (tail == buffer_.size()) buffer_.resize(buffer_.size() * 2);
  pos_ = 0;
  const size_t wanted = buffer_.size() - tail;
  const size_t got = std::fread(buffer_.data() + tail, 1, wanted, file_.get());
  if (got < wanted) {
    if (std::ferror(file_.get()) != 0) {
      return Unavailable(source_->name + ": read error: " +
                         std::error_code(errno, std::generic_category()).message());
    }
    at_eof_ = true;
  }
  text_ = std::string_view(buffer_.data(), tail + got);
  return Status::Ok();
}

void CsvReader::SplitSimple(const char* begin, const char* end) {
  std::vector<std::string_view>& fields = row_.fields_;
  fields.clear();
  const char delimiter = options_.delimiter;
  const char* field = begin;
  for (const char* p = begin; p != end; ++p) {
    if (*p == delimiter) {
      fields.emplace_back(field, static_cast<size_t>(p - field));
      field = p + 1;
    }
  }
  fields.emplace_back(field, static_cast<size_t>(end - field));
}

// Scans one record that contains a quote, from text_[begin], into spans_ and scratch_.
// kRecord: *record_end is the index of its terminating '\n' (or text_.size() at the end of
// input) and *line_breaks the line breaks inside quoted fields. kNeedMore: the record may
// continue past the bytes read so far.
CsvReader::Scan CsvReader::ScanQuotedRecord(size_t begin, size_t* record_end, int64_t* line_breaks,
                                            Status* error) {
  scratch_.clear();
  spans_.clear();
  const char delimiter = options_.delimiter;
  const char* const data = text_.data();
  const char* const end = data + text_.size();
  const char* p = data + begin;
  int64_t breaks = 0;
  while (true) {
    // Padding around a quoted field: spaces and tabs, unless the tab is the delimiter.
    const auto is_padding = [delimiter](char c) { return c != delimiter && IsSpace(c); };
    const char* q = p;
    while (q != end && is_padding(*q)) ++q;
    if (q != end && *q == '"') {
      // Quoted field: copy its content, unescaping "" to ", into scratch_.
      const size_t offset = scratch_.size();
      ++q;
      while (true) {
        const char* quote =
            static_cast<const char*>(std::memchr(q, '"', static_cast<size_t>(end - q)));
        const char* chunk_end = quote != nullptr ? quote : end;
        breaks += std::count(q, chunk_end, '\n');
        scratch_.insert(scratch_.end(), q, chunk_end);
        if (quote == nullptr) {
          if (!at_eof_) return Scan::kNeedMore;
          *error = ParseError(line_, spans_.size(), "unterminated quoted field");
          return Scan::kError;
        }
        if (quote + 1 == end && !at_eof_) return Scan::kNeedMore;  // '"' or '""'?
        if (quote + 1 != end && quote[1] == '"') {
          scratch_.push_back('"');
          q = quote + 2;
          continue;
        }
        q = quote + 1;
        break;
      }
      spans_.push_back({nullptr, offset, scratch_.size() - offset});
      while (q != end && is_padding(*q)) ++q;
      if (q == end) {
        if (!at_eof_) return Scan::kNeedMore;
        *record_end = text_.size();
        break;
      }
      if (*q == delimiter) {
        p = q + 1;
        continue;
      }
      if (*q == '\r' && q + 1 == end && !at_eof_) return Scan::kNeedMore;
      if (*q == '\r' && (q + 1 == end || q[1] == '\n')) ++q;
      if (q == end || *q == '\n') {
        *record_end = static_cast<size_t>(q - data);
        break;
      }
      *error = ParseError(line_ + breaks, spans_.size() - 1,
                          "unexpected " + Quote(std::string_view(q, 1)) + " after a closing quote");
      return Scan::kError;
    }
    // Unquoted field: up to the delimiter or the end of the line; a quote in it is literal.
    const char* f = p;
    while (f != end && *f != delimiter && *f != '\n') ++f;
    if (f == end && !at_eof_) return Scan::kNeedMore;
    if (f != end && *f == delimiter) {
      spans_.push_back({p, 0, static_cast<size_t>(f - p)});
      p = f + 1;
      continue;
    }
    const char* field_end = (f != p && f[-1] == '\r') ? f - 1 : f;
    spans_.push_back({p, 0, static_cast<size_t>(field_end - p)});
    *record_end = static_cast<size_t>(f - data);
    break;
  }
  *line_breaks = breaks;
  return Scan::kRecord;
}

Result<bool> CsvReader::ReadRecord() {
  if (failed_) return false;
  while (true) {
    if (pos_ == text_.size()) {
      if (at_eof_) return false;
      if (Status status = Refill(); !status.ok()) {
        failed_ = true;
        return status;
      }
      continue;
    }
    const char* const data = text_.data();
    const char* const begin = data + pos_;
    const char* const end = data + text_.size();
    const char* const newline =
        static_cast<const char*>(std::memchr(begin, '\n', static_cast<size_t>(end - begin)));
    if (newline == nullptr && !at_eof_) {
      if (Status status = Refill(); !status.ok()) {
        failed_ = true;
        return status;
      }
      continue;
    }
    const char* content_end = newline != nullptr ? newline : end;
    if (content_end != begin && content_end[-1] == '\r') --content_end;
    const auto next = static_cast<size_t>((newline != nullptr ? newline + 1 : end) - data);

    if (std::memchr(begin, '"', static_cast<size_t>(content_end - begin)) == nullptr) {
      // The common case: one line, no quotes.
      if (IsBlank(begin, content_end)) {
        pos_ = next;
        ++line_;
        continue;
      }
      SplitSimple(begin, content_end);
      row_.line_ = line_++;
      pos_ = next;
      return true;
    }

    size_t record_end = 0;
    int64_t line_breaks = 0;
    Status error;
    switch (ScanQuotedRecord(pos_, &record_end, &line_breaks, &error)) {
      case Scan::kNeedMore:
        if (Status status = Refill(); !status.ok()) {
          failed_ = true;
          return status;
        }
        continue;
      case Scan::kError:
        failed_ = true;
        return error;
      case Scan::kRecord:
        break;
    }
    std::vector<std::string_view>& fields = row_.fields_;
    fields.clear();
    for (const Span& span : spans_) {
      fields.emplace_back(span.data != nullptr ? span.data : scratch_.data() + span.offset,
                          span.size);
    }
    row_.line_ = line_;
    line_ += line_breaks + 1;
    pos_ = record_end < text_.size() ? record_end + 1 : record_end;
    return true;
  }
}

}  // namespace biac
