// `biac decode --format F [FILE|-]`: decodes a capture to JSON Lines on stdout.

#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "biac/app/commands.h"
#include "biac/app/decode.h"

namespace biac::app {

DecodeOutput::DecodeOutput(std::ostream& out, std::ostream& err, std::string input_name)
    : out_(out), err_(err), input_name_(std::move(input_name)) {}

void DecodeOutput::Record(const nlohmann::json& record) {
  out_ << record.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
  ++records_;
}

void DecodeOutput::RecordLine(std::string_view json_line) {
  out_ << json_line << '\n';
  ++records_;
}

void DecodeOutput::Bad(std::string_view position, std::string_view reason) {
  err_ << input_name_ << ": " << position << ": " << reason << '\n';
  ++bad_;
}

namespace {

struct FormatEntry {
  DecodeFunction decode;
  const char* description;
};

const std::map<std::string, FormatEntry>& Formats() {
  static const std::map<std::string, FormatEntry> formats = {
      {"ais", {DecodeAis, "NMEA 0183 !AIVDM/!AIVDO sentences (with NMEA 4.0 tag blocks)"}},
      {"modes", {DecodeModes, "Mode S / ADS-B hex lines: bare, AVR *...; or timestamp,hex"}},
      {"beast", {DecodeBeast, "Beast binary frames (0x1A escapes, MLAT timestamps)"}},
      {"sbs", {DecodeSbs, "SBS-1 BaseStation CSV (MSG,1..8)"}},
      {"asterix", {DecodeAsterix, "ASTERIX data blocks (--pcap: UDP payloads of a capture)"}},
      {"cot", {DecodeCot, "Cursor-on-Target XML events (a stream of concatenated events)"}},
      {"takproto", {DecodeTakProto, "TAK protocol version 1, stream framing"}},
      {"klv", {DecodeKlv, "MISB ST 0601 KLV (--ts: carried in an MPEG transport stream)"}},
      {"gmti", {DecodeGmti, "STANAG 4607 GMTI packets"}},
  };
  return formats;
}

}  // namespace

CommandRunner RegisterDecodeCommand(CLI::App& parent) {
  auto* cmd = parent.add_subcommand(
      "decode",
      "Decode a capture to JSON Lines on stdout; bad records go to stderr with their "
      "position and reason, and decoding goes on");
  struct Args {
    std::string format;
    std::string input = "-";
    bool strict = false;
    DecodeOptions options;
  };
  auto args = std::make_shared<Args>();
  std::string help = "input format:";
  for (const auto& [name, entry] : Formats()) help += "\n  " + name + ": " + entry.description;
  std::vector<std::string> names;
  for (const auto& [name, entry] : Formats()) names.push_back(name);
  cmd->add_option("--format,-f", args->format, help)
      ->required()
      ->check(CLI::IsMember(names));
  cmd->add_option("input", args->input, "capture file, or - for standard input (default)");
  cmd->add_flag("--strict", args->strict, "exit with status 1 if any record was bad");
  cmd->add_flag("--pcap", args->options.pcap, "asterix: read UDP payloads from a pcap capture");
  cmd->add_flag("--ts", args->options.ts, "klv: extract KLV from an MPEG transport stream");
  cmd->add_flag("--fix", args->options.fix,
                "modes, beast: correct single-bit errors in DF17/18 messages");
  return [args]() -> int {
    const FormatEntry& entry = Formats().at(args->format);
    args->options.input_name = args->input;
    std::ifstream file;
    std::istream* in = &std::cin;
    if (args->input != "-") {
      file.open(args->input, std::ios::binary);
      if (!file) {
        std::fprintf(stderr, "biac decode: cannot open '%s'\n", args->input.c_str());
        return 1;
      }
      in = &file;
    }
    std::ios::sync_with_stdio(false);
    DecodeOutput out(std::cout, std::cerr, args->input);
    const Status status = entry.decode(*in, args->options, out);
    std::cout.flush();
    if (!status.ok()) {
      std::fprintf(stderr, "biac decode: %s: %s\n", args->input.c_str(),
                   status.message().c_str());
      return 1;
    }
    if (args->strict && out.bad() > 0) return 1;
    return 0;
  };
}

}  // namespace biac::app
