#pragma once

// The simulator's CSV contract (docs/sim.md). Numbers are in shortest round-trip form
// (biac/base/number_format.h); time is seconds from scenario start; angles are radians.
//   truth.csv             time,id,x,y[,z],vx,vy[,vz]          ordered by time, then id order
//   detections.csv        time,sensor,<measurement columns>   ordered by time, then sensor name
//   detections_truth.csv  time,sensor,detection_index,truth_id (row i of detections.csv, 0-based;
//                         truth_id -1 for clutter)
// The measurement columns are the union of the scenario's sensors' components in the fixed
// order x, y, z, range, bearing, elevation, range_rate; a sensor leaves the cells of the
// components it does not measure empty. So a position-only scenario gives exactly
// time,sensor,x,y[,z], a 2-D radar-only one time,sensor,range,bearing[,range_rate].

#include <filesystem>
#include <string>
#include <vector>

#include "biac/base/status.h"
#include "biac/sim/simulation.h"

namespace biac::sim {

std::vector<Component> DetectionColumns(const std::vector<SensorSpec>& sensors);

std::string TruthCsv(const SimulationOutput& output);
std::string DetectionsCsv(const SimulationOutput& output);
std::string DetectionTruthCsv(const SimulationOutput& output);

// Creates `directory` if needed and writes the three files into it; an I/O failure is
// kUnavailable naming the file and the reason.
Status WriteSimulationCsv(const SimulationOutput& output, const std::filesystem::path& directory);

}  // namespace biac::sim
