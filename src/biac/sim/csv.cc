#include "biac/sim/csv.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <system_error>

#include "biac/base/number_format.h"

namespace biac::sim {
namespace {

Status WriteFile(const std::filesystem::path& path, const std::string& text) {
  std::FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr) {
    return Unavailable("cannot write '" + path.string() + "': " + std::strerror(errno));
  }
  const std::size_t written = std::fwrite(text.data(), 1, text.size(), file);
  const int write_errno = errno;
  const bool closed = std::fclose(file) == 0;
  if (written != text.size() || !closed) {
    return Unavailable("cannot write '" + path.string() +
                       "': " + std::strerror(written != text.size() ? write_errno : errno));
  }
  return Status::Ok();
}

}  // namespace

std::vector<Component> DetectionColumns(const std::vector<SensorSpec>& sensors) {
  std::vector<Component> columns;
  for (Component c : {Component::kX, Component::kY, Component::kZ, Component::kRange,
                      Component::kBearing, Component::kElevation, Component::kRangeRate}) {
    for (const SensorSpec& s : sensors) {
      if (std::find(s.components.begin(), s.components.end(), c) != s.components.end()) {
        columns.push_back(c);
        break;
      }
    }
  }
  return columns;
}

std::string TruthCsv(const SimulationOutput& output) {
  const bool three_d = output.dimensions == 3;
  std::string out = three_d ? "time,id,x,y,z,vx,vy,vz\n" : "time,id,x,y,vx,vy\n";
  out.reserve(out.size() + output.truth.states.size() * 96);
  const int dims = three_d ? 3 : 2;
  for (const TruthState& s : output.truth.states) {
    AppendShortest(out, s.time);
    out += ',';
    out += std::to_string(s.id);
    for (int a = 0; a < dims; ++a) {
      out += ',';
      AppendShortest(out, s.position(a));
    }
    for (int a = 0; a < dims; ++a) {
      out += ',';
      AppendShortest(out, s.velocity(a));
    }
    out += '\n';
  }
  return out;
}

std::string DetectionsCsv(const SimulationOutput& output) {
  const std::vector<Component> columns = DetectionColumns(output.sensors);
  std::string out = "time,sensor";
  for (Component c : columns) {
    out += ',';
    out += ComponentName(c);
  }
  out += '\n';
  // slot[j][k]: the index into sensor j's values of column k, or -1.
  std::vector<std::vector<int>> slot(output.sensors.size());
  for (std::size_t j = 0; j < output.sensors.size(); ++j) {
    const auto& comps = output.sensors[j].components;
    for (Component c : columns) {
      const auto it = std::find(comps.begin(), comps.end(), c);
      slot[j].push_back(it == comps.end() ? -1 : static_cast<int>(it - comps.begin()));
    }
  }
  out.reserve(out.size() + output.detections.size() * 48);
  for (const Detection& d : output.detections) {
    AppendShortest(out, d.time);
    out += ',';
    out += output.sensors[d.sensor].name;
    for (int index : slot[d.sensor]) {
      out += ',';
      if (index >= 0) AppendShortest(out, d.values[index]);
    }
    out += '\n';
  }
  return out;
}

std::string DetectionTruthCsv(const SimulationOutput& output) {
  std::string out = "time,sensor,detection_index,truth_id\n";
  out.reserve(out.size() + output.detections.size() * 24);
  for (std::size_t i = 0; i < output.detections.size(); ++i) {
    const Detection& d = output.detections[i];
    AppendShortest(out, d.time);
    out += ',';
    out += output.sensors[d.sensor].name;
    out += ',';
    out += std::to_string(i);
    out += ',';
    out += std::to_string(d.truth_id);
    out += '\n';
  }
  return out;
}

Status WriteSimulationCsv(const SimulationOutput& output, const std::filesystem::path& directory) {
  std::error_code ec;
  std::filesystem::create_directories(directory, ec);
  if (ec) {
    return Unavailable("cannot create output directory '" + directory.string() +
                       "': " + ec.message());
  }
  BIAC_RETURN_IF_ERROR(WriteFile(directory / "truth.csv", TruthCsv(output)));
  BIAC_RETURN_IF_ERROR(WriteFile(directory / "detections.csv", DetectionsCsv(output)));
  return WriteFile(directory / "detections_truth.csv", DetectionTruthCsv(output));
}

}  // namespace biac::sim
