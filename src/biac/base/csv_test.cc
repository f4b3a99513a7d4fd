#include "biac/base/csv.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <new>
#include <random>
#include <string>
#include <vector>

#include "biac/base/number_format.h"

// Counts heap allocations while enabled, to hold the reader to its "no allocation per row"
// contract. Replacing the global operator new is allowed by the standard; this one only
// counts and forwards to malloc.
namespace {
bool counting_allocations = false;
int64_t allocations = 0;
}  // namespace

void* operator new(std::size_t size) {
  if (counting_allocations) ++allocations;
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace biac {
namespace {

using Table = std::vector<std::vector<std::string>>;

CsvReader MustRead(std::string_view text, CsvOptions options = {}) {
  Result<CsvReader> reader = CsvReader::FromString(text, "test.csv", options);
  EXPECT_TRUE(reader.ok()) << reader.status().ToString();
  return std::move(reader).value();
}

// Every remaining record's fields, or the error's message as a one-cell table.
Table ReadAll(CsvReader& reader, std::vector<int64_t>* lines = nullptr) {
  Table out;
  while (true) {
    const Result<bool> more = reader.Next();
    if (!more.ok()) {
      out.push_back({"ERROR " + more.error().message()});
      return out;
    }
    if (!*more) return out;
    const CsvRow& row = reader.row();
    std::vector<std::string> fields;
    for (size_t i = 0; i < row.size(); ++i) fields.emplace_back(row.field(i));
    out.push_back(std::move(fields));
    if (lines != nullptr) lines->push_back(row.line());
  }
}

// RFC 4180 writer for the round-trip tests: quotes a field when it must, doubling quotes.
std::string WriteCsv(const Table& table, std::string_view line_end) {
  std::string out;
  for (const auto& record : table) {
    for (size_t i = 0; i < record.size(); ++i) {
      if (i > 0) out += ',';
      const std::string& f = record[i];
      const bool quote = f.find_first_of(",\"\r\n") != std::string::npos || f.empty() ||
                         f.front() == ' ' || f.front() == '\t' || f.back() == ' ' ||
                         f.back() == '\t';
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
    out += line_end;
  }
  return out;
}

std::string TempPath(const std::string& name) { return ::testing::TempDir() + name; }

void WriteFile(const std::string& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

TEST(CsvTest, ReadsHeaderColumnsAndNumbers) {
  CsvReader reader = MustRead("time,x,y,sensor\n0.5,10,-2.25e3,radar\n1,11.5,+7,ais\n");
  EXPECT_EQ(reader.columns(), (std::vector<std::string>{"time", "x", "y", "sensor"}));
  const size_t time = *reader.Column("time");
  const size_t x = *reader.Column("x");
  const size_t y = *reader.Column("y");
  EXPECT_EQ(*reader.FindColumn("sensor"), 3u);
  EXPECT_FALSE(reader.FindColumn("z").has_value());

  ASSERT_TRUE(*reader.Next());
  EXPECT_EQ(reader.row().line(), 2);
  EXPECT_EQ(*reader.row().Double(time), 0.5);
  EXPECT_EQ(*reader.row().Double(x), 10.0);
  EXPECT_EQ(*reader.row().Double(y), -2250.0);
  EXPECT_EQ(*reader.row().Text(3), "radar");
  ASSERT_TRUE(*reader.Next());
  EXPECT_EQ(reader.row().line(), 3);
  EXPECT_EQ(*reader.row().Double(y), 7.0);
  EXPECT_FALSE(*reader.Next());
  EXPECT_FALSE(*reader.Next());  // stays at the end
  EXPECT_EQ(reader.rows_read(), 2);
}

TEST(CsvTest, LineEndingsBlankLinesAndByteOrderMark) {
  // CRLF, blank and whitespace-only lines, no final line ending, a UTF-8 BOM.
  CsvReader reader = MustRead("\xEF\xBB\xBF\r\n a , b \r\n1,2\r\n\r\n  \t\r\n3,4\n\n5,6");
  EXPECT_EQ(reader.columns(), (std::vector<std::string>{"a", "b"}));
  std::vector<int64_t> lines;
  EXPECT_EQ(ReadAll(reader, &lines), (Table{{"1", "2"}, {"3", "4"}, {"5", "6"}}));
  EXPECT_EQ(lines, (std::vector<int64_t>{3, 6, 8}));

  CsvReader trailing = MustRead("a\n1\n");
  EXPECT_EQ(ReadAll(trailing), (Table{{"1"}}));
}

TEST(CsvTest, QuotedFieldsFollowRfc4180) {
  CsvReader reader = MustRead(
      "id,text,n\n"
      "1,\"a, b\",2\n"
      "2,\"say \"\"hi\"\"\",3\n"
      "3,\"two\r\nlines\",4\n"
      "4, \"padded\" ,5\r\n"
      "5,un\"quoted,6\n"
      "6,\"\",7\n"
      "7,\"\"\"\",8");
  std::vector<int64_t> lines;
  EXPECT_EQ(ReadAll(reader, &lines), (Table{{"1", "a, b", "2"},
                                            {"2", "say \"hi\"", "3"},
                                            {"3", "two\r\nlines", "4"},
                                            {"4", "padded", "5"},
                                            {"5", "un\"quoted", "6"},
                                            {"6", "", "7"},
                                            {"7", "\"", "8"}}));
  // The record with a line break inside a quote starts on line 4 and takes lines 4-5.
  EXPECT_EQ(lines, (std::vector<int64_t>{2, 3, 4, 6, 7, 8, 9}));
}

TEST(CsvTest, MalformedQuotingIsAnErrorNamingLineAndColumn) {
  CsvReader unterminated = MustRead("a,b\n1,2\n3,\"open\n4,5\n");
  EXPECT_EQ(ReadAll(unterminated),
            (Table{{"1", "2"}, {"ERROR test.csv line 3: column 'b': unterminated quoted field"}}));

  CsvReader after_quote = MustRead("a,b\n\"x\"y,2\n");
  EXPECT_EQ(ReadAll(after_quote),
            (Table{{"ERROR test.csv line 2: column 'a': unexpected 'y' after a closing quote"}}));

  const Result<CsvReader> header = CsvReader::FromString("\"a,b\n", "h.csv");
  ASSERT_FALSE(header.ok());
  EXPECT_EQ(header.error().message(), "h.csv line 1: field 1: unterminated quoted field");
}

TEST(CsvTest, NumberErrorsNameTheSourceLineColumnAndValue) {
  std::string text = "time,x\n";
  for (int i = 0; i < 10; ++i) text += "1,2\n";
  text += "1,abc\n";  // line 12
  Result<CsvReader> reader = CsvReader::FromString(text, "detections.csv");
  ASSERT_TRUE(reader.ok());
  const size_t x = *reader->Column("x");
  const Status status = reader->ForEachRow([&](const CsvRow& row) -> Status {
    BIAC_ASSIGN_OR_RETURN(const double value, row.Double(x));
    EXPECT_EQ(value, 2.0);
    return Status::Ok();
  });
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), "detections.csv line 12: column 'x': 'abc' is not a number");
}

TEST(CsvTest, DoubleAndIntegerParsing) {
  CsvReader reader = MustRead(
      "v\n 2.5 \n+1e3\n-0\n\nnan\ninf\n1e999\n1.5abc\n+-1\n0x10\n\"\"\n42\n-9223372036854775808\n"
      "9223372036854775808\n1.0\n");
  const auto next = [&]() -> const CsvRow& {
    EXPECT_TRUE(*reader.Next());
    return reader.row();
  };
  EXPECT_EQ(*next().Double(0), 2.5);
  EXPECT_EQ(*next().Double(0), 1000.0);
  EXPECT_EQ(*next().Double(0), 0.0);
  EXPECT_EQ(next().Double(0).error().message(),
            "test.csv line 6: column 'v': 'nan' is not a finite number");
  EXPECT_EQ(next().Double(0).error().message(),
            "test.csv line 7: column 'v': 'inf' is not a finite number");
  EXPECT_EQ(next().Double(0).error().message(),
            "test.csv line 8: column 'v': '1e999' is out of range for a double");
  EXPECT_EQ(next().Double(0).error().message(),
            "test.csv line 9: column 'v': '1.5abc' is not a number");
  EXPECT_EQ(next().Double(0).error().message(),
            "test.csv line 10: column 'v': '+-1' is not a number");
  EXPECT_EQ(next().Double(0).error().message(),
            "test.csv line 11: column 'v': '0x10' is not a number");
  EXPECT_EQ(next().Double(0).error().message(),
            "test.csv line 12: column 'v': empty, expected a number");
  EXPECT_EQ(*next().Int64(0), 42);
  EXPECT_EQ(*next().Int64(0), INT64_MIN);
  EXPECT_EQ(
      next().Int64(0).error().message(),
      "test.csv line 15: column 'v': '9223372036854775808' is out of range for a 64-bit integer");
  EXPECT_EQ(next().Int64(0).error().message(),
            "test.csv line 16: column 'v': '1.0' is not an integer");
}

TEST(CsvTest, ShortRowsLongRowsAndCallerErrors) {
  CsvReader reader = MustRead("time,x,y\n1,2,3,extra,more\n4,5\n");
  ASSERT_TRUE(*reader.Next());
  EXPECT_EQ(*reader.row().Double(2), 3.0);  // extra fields ignored
  EXPECT_EQ(reader.row().size(), 5u);
  EXPECT_EQ(reader.row().Error(1, "negative variance").message(),
            "test.csv line 2: column 'x': negative variance");
  EXPECT_EQ(reader.row().Error(4, "odd").message(), "test.csv line 2: field 5: odd");
  ASSERT_TRUE(*reader.Next());
  EXPECT_EQ(reader.row().field(2), "");
  EXPECT_EQ(reader.row().Double(2).error().message(),
            "test.csv line 3: column 'y': missing (the row has 2 fields)");
  EXPECT_EQ(reader.row().Text(2).error().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(reader.row().Error("time goes backwards").message(),
            "test.csv line 3: time goes backwards");
}

TEST(CsvTest, ColumnLookupErrors) {
  CsvReader reader = MustRead("time,x,y,x\n");
  const Result<size_t> missing = reader.Column("z");
  EXPECT_EQ(missing.error().code(), StatusCode::kNotFound);
  EXPECT_EQ(missing.error().message(), "test.csv: no column 'z' (columns: time, x, y, x)");
  EXPECT_EQ(reader.Column("x").error().message(),
            "test.csv: column 'x' appears more than once (fields 2 and 4)");
  EXPECT_FALSE(*reader.Next());  // a header alone is an empty table

  const Result<CsvReader> empty = CsvReader::FromString("\n \r\n", "empty.csv");
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().message(), "empty.csv: no header line (the input is empty)");

  const Result<CsvReader> bad_delimiter =
      CsvReader::FromString("a\n", "x.csv", CsvOptions{.delimiter = '"'});
  EXPECT_EQ(bad_delimiter.error().code(), StatusCode::kInvalidArgument);
}

TEST(CsvTest, OtherDelimiters) {
  CsvReader reader = MustRead("a;b\n1,5;\"x;y\"\n", CsvOptions{.delimiter = ';'});
  EXPECT_EQ(ReadAll(reader), (Table{{"1,5", "x;y"}}));

  // With tabs as the delimiter a tab is never padding around a quoted field.
  CsvReader tsv = MustRead("a\tb\tc\n\"x\"\t\t\"y\"\n", CsvOptions{.delimiter = '\t'});
  EXPECT_EQ(ReadAll(tsv), (Table{{"x", "", "y"}}));
}

TEST(CsvTest, OpenReportsMissingFiles) {
  const Result<CsvReader> reader = CsvReader::Open(TempPath("does-not-exist.csv"));
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.error().code(), StatusCode::kUnavailable);
  EXPECT_NE(reader.error().message().find("does-not-exist.csv: cannot open: No such file"),
            std::string::npos)
      << reader.error().message();
}

// Random tables with every awkward character, written per RFC 4180 with LF or CRLF, read
// back identically from memory and from a file through a 16-byte buffer (so that records and
// quotes straddle refills).
TEST(CsvTest, RandomTablesRoundTripFromMemoryAndFile) {
  std::mt19937 rng(42);
  const std::string alphabet = "ab1.,\"\r\n \t;";
  std::uniform_int_distribution<int> columns(1, 6);
  std::uniform_int_distribution<int> rows(0, 30);
  std::uniform_int_distribution<int> length(0, 8);
  std::uniform_int_distribution<size_t> letter(0, alphabet.size() - 1);
  const std::string path = TempPath("csv_round_trip.csv");
  for (int trial = 0; trial < 300; ++trial) {
    const int n_columns = columns(rng);
    Table table(static_cast<size_t>(rows(rng)) + 1);
    for (size_t r = 0; r < table.size(); ++r) {
      for (int c = 0; c < n_columns; ++c) {
        std::string field;
        // Header names are trimmed, so keep them simple; data fields take anything.
        const int n = r == 0 ? 1 + c : length(rng);
        for (int k = 0; k < n; ++k) {
          field += r == 0 ? static_cast<char>('a' + k) : alphabet[letter(rng)];
        }
        table[r].push_back(field);
      }
    }
    // A lone empty field would be a blank line; the writer quotes empty fields, so it is not.
    const std::string text = WriteCsv(table, trial % 2 == 0 ? "\n" : "\r\n");
    const Table expected(table.begin() + 1, table.end());

    CsvReader memory = MustRead(text);
    EXPECT_EQ(memory.columns(), table[0]);
    EXPECT_EQ(ReadAll(memory), expected) << text;

    WriteFile(path, text);
    Result<CsvReader> file = CsvReader::Open(path, CsvOptions{.buffer_bytes = 16});
    ASSERT_TRUE(file.ok()) << file.status().ToString();
    EXPECT_EQ(ReadAll(*file), expected) << text;
  }
  std::remove(path.c_str());
}

// Doubles written as the shortest round-trip decimal come back bit for bit.
TEST(CsvTest, DoublesRoundTripExactly) {
  std::mt19937_64 rng(5);
  std::uniform_real_distribution<double> value(-1e7, 1e7);
  std::vector<double> values;
  std::string text = "t,v\n";
  for (int i = 0; i < 1000; ++i) {
    values.push_back(value(rng) * std::pow(10.0, i % 40 - 20));
    text += std::to_string(i) + "," + FormatShortest(values.back()) + "\n";
  }
  CsvReader reader = MustRead(text);
  for (const double expected : values) {
    ASSERT_TRUE(*reader.Next());
    EXPECT_EQ(*reader.row().Double(1), expected);
  }
}

// Once the first rows have sized the buffers, reading and parsing rows allocates nothing,
// from memory or from a file.
TEST(CsvTest, RowsAllocateNothingAfterWarmUp) {
  std::string text = "time,x,y,note\n";
  for (int i = 0; i < 2000; ++i) {
    text +=
        std::to_string(i) + ".25,1e3,-4.5," + (i % 3 == 0 ? R"("q, ""uoted""")" : "plain") + "\n";
  }
  const std::string path = TempPath("csv_alloc.csv");
  WriteFile(path, text);
  for (const bool from_file : {false, true}) {
    Result<CsvReader> reader = from_file ? CsvReader::Open(path, CsvOptions{.buffer_bytes = 4096})
                                         : CsvReader::FromString(text, "alloc.csv");
    ASSERT_TRUE(reader.ok());
    for (int i = 0; i < 10; ++i) ASSERT_TRUE(*reader->Next());
    double sum = 0.0;
    counting_allocations = true;
    allocations = 0;
    const Status status = reader->ForEachRow([&](const CsvRow& row) -> Status {
      BIAC_ASSIGN_OR_RETURN(const double t, row.Double(0));
      BIAC_ASSIGN_OR_RETURN(const double x, row.Double(1));
      sum += t + x + row.field(3).size();
      return Status::Ok();
    });
    counting_allocations = false;
    EXPECT_TRUE(status.ok()) << status.ToString();
    EXPECT_EQ(allocations, 0) << (from_file ? "file" : "memory");
    EXPECT_GT(sum, 0.0);
  }
  std::remove(path.c_str());
}

}  // namespace
}  // namespace biac
