#pragma once

// Exports of a picture (issue 5 §2: "export of a query as GeoJSON, KML, CSV and CoT"): the
// tracks one audience may see, already filtered by the caller, written in a standard format
// for other tools. Every track carries its label in every format. docs/api-export.md gives
// each layout field by field.
//
//   json     model::PictureToJson (the canonical picture JSON)
//   geojson  RFC 7946 FeatureCollection, one Point Feature per track
//   kml      OGC KML 2.2 (OGC 07-147r2) Document, one Placemark per track, label in
//            ExtendedData
//   csv      RFC 4180, CRLF line ends, header row, one row per track
//   cot      one CoT 2.0 <event/> per track (MITRE Event-PUBLIC.xsd), concatenated, one per
//            line, as a TAK stream carries them; the label in the event's access / caveat /
//            releasableTo attributes (docs/formats/cot.md "Labels") and in <remarks>
//
// The writers do not fail: text is escaped for its format (XML 1.0 §2.4 character data and
// attribute values, RFC 4180 §2 quoting, JSON strings as in model/picture_json.h), and a
// character XML 1.0 cannot carry (controls other than tab, LF, CR) is written as U+FFFD.

#include <string>
#include <string_view>

#include "biac/base/status.h"
#include "biac/base/time.h"
#include "biac/model/picture.h"

namespace biac::api {

enum class ExportFormat { kJson, kGeoJson, kKml, kCsv, kCot };

// "json", "geojson", "kml", "csv", "cot" (exact, lower case).
Result<ExportFormat> ParseExportFormat(std::string_view name);
std::string_view ExportFormatName(ExportFormat format);
// The HTTP Content-Type: application/json; application/geo+json (RFC 7946 §12);
// application/vnd.google-earth.kml+xml (IANA); text/csv; charset=utf-8 (RFC 4180 §3, RFC
// 7111); application/xml for CoT (a sequence of events; CoT has no registered media type).
std::string_view ContentType(ExportFormat format);
// The file extension for a download name, without the dot: json, geojson, kml, csv, cot.
std::string_view FileExtension(ExportFormat format);

struct ExportContext {
  std::string node_name;  // in CoT uids "biac.<node>.<id>" and KML/GeoJSON metadata
  Timestamp now;          // CoT time/start; stale = now + stale_after_s
  double stale_after_s = 60;
};

std::string ExportPicture(const model::Picture& picture, ExportFormat format,
                          const ExportContext& context);

// One CoT <event .../> for the track, without XML declaration or line end.
//   uid "biac.<node>.<id>"; how "m-f" (machine, fused); time = start = context.now,
//   stale = now + stale_after_s; type: the track's category when it is a CoT atom type
//   ("a-<affiliation>-<dimension>..."), otherwise "a-u-" + the dimension of its domain
//   (sea S, air A, land G, space P, unknown Z: MIL-STD-2525B battle dimensions);
//   <point> lat/lon, hae (the altitude, or 9999999 when the track has none), ce = the 1-sigma
//   horizontal error per axis, sqrt((P_ee + P_nn) / 2) of the covariance, le = sqrt(P_uu)
//   (the inverse of the CoT decoder's ce/le -> covariance; 9999999 when unknown); <detail>: <track
//   course speed> (degrees from true north, m/s), <contact callsign> (callsign, else name, else
//   "MMSI <n>" / "ICAO <hex>", else the uid), <remarks> with the rendered label (labels::Render).
//   Security marking (the TAK attributes of docs/formats/cot.md "Labels"): access = the label's
//   common level name ("SECRET"), caveat = the label's SCI systems then its caveats, separated by
//   spaces (absent when none), releasableTo = the label's releasability codes separated by spaces,
//   exactly as the label lists them (absent when releasable to all). An UNLABELLED track (which no
//   user's access decision passes, so a filtered picture never holds one) is written with access
//   "UNLABELLED", which every CoT marking reader rejects: fail closed.
std::string TrackToCotEvent(const model::FusedTrack& track, const ExportContext& context);

}  // namespace biac::api
