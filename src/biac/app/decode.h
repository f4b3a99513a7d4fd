#pragma once

// `biac decode`: one function per input format turns a byte stream into JSON Lines. This
// header is the contract between the command (decode_command.cc) and the per-format
// functions (decode_<format>.cc).

#include <cstddef>
#include <iosfwd>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "biac/base/status.h"

namespace biac::app {

struct DecodeOptions {
  std::string input_name;  // the file name, or "-" for standard input
  bool pcap = false;       // asterix: the input is a pcap capture; decode each UDP payload
  bool ts = false;         // klv: the input is an MPEG transport stream (STANAG 4609)
  bool fix = false;        // modes/beast: correct single-bit errors in DF17/18 (CRC-24)
};

// Where decoded records and bad-record reports go. Records are JSON objects, one per line
// on `out`; a bad record is one line on `err`: "<input>: <position>: <reason>", where the
// position is "line N" for text formats and "byte N" (offset from the start) for binary ones.
class DecodeOutput {
 public:
  DecodeOutput(std::ostream& out, std::ostream& err, std::string input_name);

  void Record(const nlohmann::json& record);
  // A record already serialised as one line of JSON (no trailing newline).
  void RecordLine(std::string_view json_line);
  void Bad(std::string_view position, std::string_view reason);

  size_t records() const { return records_; }
  size_t bad() const { return bad_; }

 private:
  std::ostream& out_;
  std::ostream& err_;
  std::string input_name_;
  size_t records_ = 0;
  size_t bad_ = 0;
};

// Each decodes the whole of `in`. A bad record is reported through `out.Bad` and decoding
// goes on; a non-ok Status means the input itself could not be read (an I/O error, or a
// container such as a pcap file whose framing is broken beyond recovery).
using DecodeFunction = Status (*)(std::istream& in, const DecodeOptions& options,
                                  DecodeOutput& out);

Status DecodeAis(std::istream& in, const DecodeOptions& options, DecodeOutput& out);
Status DecodeModes(std::istream& in, const DecodeOptions& options, DecodeOutput& out);
Status DecodeBeast(std::istream& in, const DecodeOptions& options, DecodeOutput& out);
Status DecodeSbs(std::istream& in, const DecodeOptions& options, DecodeOutput& out);
Status DecodeAsterix(std::istream& in, const DecodeOptions& options, DecodeOutput& out);
Status DecodeCot(std::istream& in, const DecodeOptions& options, DecodeOutput& out);
Status DecodeTakProto(std::istream& in, const DecodeOptions& options, DecodeOutput& out);
Status DecodeKlv(std::istream& in, const DecodeOptions& options, DecodeOutput& out);
Status DecodeGmti(std::istream& in, const DecodeOptions& options, DecodeOutput& out);

}  // namespace biac::app
