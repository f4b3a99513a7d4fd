#include "biac/sim/load.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>
#include <queue>
#include <string>
#include <utility>

#include "biac/formats/adsb/encode_es.h"
#include "biac/formats/adsb/framing.h"
#include "biac/formats/ais/encode.h"
#include "biac/sim/random.h"

namespace biac::sim {
namespace {

constexpr double kDegToRad = std::numbers::pi / 180.0;
constexpr double kEarthRadiusM = 6371000.0;  // the flat frame's scale (see load.h)
constexpr double kKnotsPerMps = 3600.0 / 1852.0;
constexpr double kFeetPerMetre = 1.0 / 0.3048;
constexpr int64_t kNanosPerSecond = 1'000'000'000;
constexpr int kSecondsPerMinute = 60;
// RHO of I048/040 is 16 bits of 1/256 NM: 256 NM (474 km). Radars sit within a quarter of the
// area's half size of its centre, so the area's far corner must stay inside this.
constexpr double kMaxRadarRangeM = 470000.0;
constexpr double kRadarOffsetFraction = 0.25;
constexpr double kRadarRangeSigmaM = 50.0;
constexpr double kRadarAzimuthSigmaDeg = 0.15;
constexpr uint8_t kRadarSac = 25;
constexpr uint8_t kRadarFirstSic = 40;

// Aircraft: a position every 0.5 s (even and odd alternating), a velocity every second.
constexpr int64_t kAircraftTickNs = kNanosPerSecond / 2;
constexpr int kVelocityEveryTicks = 2;
constexpr double kAircraftPositionsPerSecond = 2.0;
constexpr uint8_t kBeastSignal = 0x80;

constexpr uint8_t kNacP = 8, kNacV = 1, kGva = 2, kSil = 3;

enum class Emitter : uint8_t { kShip, kAircraft, kRadarSector };

struct Event {
  int64_t t_ns = 0;  // from the start
  Emitter emitter = Emitter::kShip;
  uint32_t index = 0;
  bool operator>(const Event& other) const {
    if (t_ns != other.t_ns) return t_ns > other.t_ns;
    if (emitter != other.emitter) return emitter > other.emitter;
    return index > other.index;
  }
};

struct Target {
  double x0 = 0.0, y0 = 0.0;  // m east/north of the centre at the start
  double vx = 0.0, vy = 0.0;  // m/s
  double altitude_m = 0.0;
  uint32_t id = 0;  // MMSI or ICAO address
  bool air = false;
  // Per emitter.
  int64_t period_ns = 0;  // ships: AIS period
  int64_t ticks = 0;      // reports sent so far
  int64_t last_static_ns = -1;
  std::array<char, 9> callsign{};
};

struct Radar {
  AsterixSite site;
  double x = 0.0, y = 0.0;  // m in the flat frame
  int64_t scan_start_ns = 0;
  int sector = 0;
  std::vector<std::vector<uint32_t>> buckets;  // per sector: targets to plot this scan
};

}  // namespace

class LoadGenerator::Impl {
 public:
  LoadOptions options;
  LoadPlan plan;
  std::vector<WireSourceConfig> sources;
  std::vector<Target> targets;
  std::vector<Radar> radars;
  std::priority_queue<Event, std::vector<Event>, std::greater<>> events;
  SplitMix64 noise{1};
  int64_t done_ns = -1;  // everything up to here is out
  uint64_t records = 0;
  uint64_t observations = 0;
  int ais_sequence = 0;
  double half_x = 0.0, half_y = 0.0;
  double cos_lat = 1.0;
  std::vector<model::Observation> plot_pool;
  std::vector<const model::Observation*> plot_refs;
  std::string scratch;
  std::vector<uint8_t> beast;

  // Position (and the velocity's sign) at t: straight lines reflected at the area's edges.
  void At(const Target& target, double t, double& x, double& y, double& vx, double& vy) const {
    Reflect(target.x0 + target.vx * t, half_x, target.vx, x, vx);
    Reflect(target.y0 + target.vy * t, half_y, target.vy, y, vy);
  }
  static void Reflect(double p, double half, double v, double& out, double& vout) {
    const double period = 4.0 * half;
    double u = std::fmod(p + half, period);
    if (u < 0.0) u += period;
    if (u < 2.0 * half) {
      out = u - half;
      vout = v;
    } else {
      out = 3.0 * half - u;
      vout = -v;
    }
  }
  geo::Lla ToLla(double x, double y, double altitude) const {
    return {options.centre.latitude_deg + y / kEarthRadiusM / kDegToRad,
            options.centre.longitude_deg + x / (kEarthRadiusM * cos_lat) / kDegToRad, altitude};
  }
  Timestamp TimeAt(int64_t t_ns) const { return options.start + Duration(t_ns); }

  void Push(WireRecord record, std::vector<WireRecord>& out, uint64_t observations_in_it) {
    out.push_back(std::move(record));
    ++records;
    observations += observations_in_it;
  }

  Status Ship(Target& s, int64_t t_ns, std::vector<WireRecord>& out) {
    const Timestamp send = TimeAt(t_ns);
    const std::string& source = sources[0].source;
    const int64_t static_ns = static_cast<int64_t>(options.ais_static_period_s * 1e9);
    if (s.last_static_ns < 0 || t_ns - s.last_static_ns >= static_ns) {
      formats::ais::Message m;
      m.type = 5;
      m.mmsi = s.id;
      formats::ais::StaticVoyageData d;
      BIAC_RETURN_IF_ERROR(formats::ais::SetText(s.callsign.data(), d.callsign));
      BIAC_RETURN_IF_ERROR(formats::ais::SetText(s.callsign.data(), d.shipname));
      d.shiptype = 70;
      d.epfd = 1;
      d.hour = 24;
      d.minute = 60;
      m.body = d;
      formats::ais::Payload payload;
      BIAC_RETURN_IF_ERROR(formats::ais::EncodeMessage(m, payload));
      scratch.clear();
      BIAC_ASSIGN_OR_RETURN(
          int n, formats::ais::AppendSentences(
                     payload, {.channel = 'B', .sequence_id = static_cast<uint8_t>(ais_sequence)},
                     scratch));
      (void)n;
      ais_sequence = (ais_sequence + 1) % 10;
      size_t start = 0;
      while (start < scratch.size()) {
        const size_t end = scratch.find('\n', start) + 1;
        Push({send, source, WireFormat::kAisNmea, scratch.substr(start, end - start)}, out, 0);
        start = end;
      }
      s.last_static_ns = t_ns;
    }
    // Reports on whole seconds (the type 1 time stamp): a ship's period is whole seconds.
    double x, y, vx, vy;
    At(s, static_cast<double>(t_ns) * 1e-9, x, y, vx, vy);
    const geo::Lla p = ToLla(x, y, 0.0);
    formats::ais::Message m;
    m.type = 1;
    m.mmsi = s.id;
    formats::ais::PositionReportA r;
    r.turn = -128;
    r.speed = formats::ais::EncodeSpeedOverGround(std::hypot(vx, vy) * kKnotsPerMps);
    r.raim = true;
    r.lon = formats::ais::EncodeLongitude(p.longitude_deg);
    r.lat = formats::ais::EncodeLatitude(p.latitude_deg);
    r.course = formats::ais::EncodeCourseOverGround(std::atan2(vx, vy) / kDegToRad);
    r.heading = 511;
    const int64_t whole_s = (options.start.nanos() + t_ns) / kNanosPerSecond;
    r.second = static_cast<uint8_t>(whole_s % kSecondsPerMinute);
    m.body = r;
    formats::ais::Payload payload;
    BIAC_RETURN_IF_ERROR(formats::ais::EncodeMessage(m, payload));
    scratch.clear();
    BIAC_ASSIGN_OR_RETURN(int n, formats::ais::AppendSentences(payload, {.channel = 'A'}, scratch));
    (void)n;
    Push({send, source, WireFormat::kAisNmea, scratch}, out, 1);
    ++s.ticks;
    events.push({t_ns + s.period_ns, Emitter::kShip, static_cast<uint32_t>(&s - targets.data())});
    return Status::Ok();
  }

  void AppendBeastRecord(const formats::adsb::ExtendedSquitter& frame, Timestamp time,
                         std::vector<WireRecord>& out, uint64_t observations_in_it) {
    formats::adsb::BeastFrame f;
    f.type = formats::adsb::BeastType::kModeSLong;
    f.timestamp = BeastGpsTimestamp(time);
    f.signal = kBeastSignal;
    std::copy(frame.begin(), frame.end(), f.data.begin());
    f.length = static_cast<uint8_t>(frame.size());
    beast.clear();
    formats::adsb::EncodeBeast(f, beast);
    Push({time, sources[1].source, WireFormat::kBeast, std::string(beast.begin(), beast.end())},
         out, observations_in_it);
  }

  Status Aircraft(Target& a, int64_t t_ns, std::vector<WireRecord>& out) {
    const Timestamp time = TimeAt(t_ns);
    formats::adsb::ExtendedSquitter frame;
    const int64_t status_ticks =
        std::max<int64_t>(1, std::llround(options.adsb_status_period_s * 1e9 / kAircraftTickNs));
    if (a.ticks % status_ticks == 0) {
      BIAC_RETURN_IF_ERROR(formats::adsb::EncodeIdentification(
          a.id, {.typecode = 4, .category = 3, .callsign = a.callsign.data()}, frame));
      AppendBeastRecord(frame, time, out, 0);
      BIAC_RETURN_IF_ERROR(formats::adsb::EncodeOperationalStatus(
          a.id, {.nac_p = kNacP, .gva = kGva, .sil = kSil, .nic_baro = true}, frame));
      AppendBeastRecord(frame, time, out, 0);
    }
    double x, y, vx, vy;
    At(a, static_cast<double>(t_ns) * 1e-9, x, y, vx, vy);
    if (a.ticks % kVelocityEveryTicks == 0) {
      BIAC_RETURN_IF_ERROR(formats::adsb::EncodeVelocity(a.id,
                                                         {.nac_v = kNacV,
                                                          .east_kt = vx * kKnotsPerMps,
                                                          .north_kt = vy * kKnotsPerMps,
                                                          .vertical_rate_fpm = 0.0,
                                                          .geo_minus_baro_ft = 0.0},
                                                         frame));
      AppendBeastRecord(frame, time, out, 0);
    }
    const geo::Lla p = ToLla(x, y, a.altitude_m);
    BIAC_RETURN_IF_ERROR(
        formats::adsb::EncodeAirbornePosition(a.id,
                                              {.typecode = 11,
                                               .altitude_ft = p.altitude_m * kFeetPerMetre,
                                               .lat_deg = p.latitude_deg,
                                               .lon_deg = p.longitude_deg,
                                               .cpr_format = static_cast<uint8_t>(a.ticks & 1)},
                                              frame));
    // The first position waits for its pair at the receiver: it gives no observation.
    AppendBeastRecord(frame, time, out, a.ticks == 0 ? 0 : 1);
    ++a.ticks;
    events.push(
        {t_ns + kAircraftTickNs, Emitter::kAircraft, static_cast<uint32_t>(&a - targets.data())});
    return Status::Ok();
  }

  void StartScan(Radar& r) {
    for (auto& b : r.buckets) b.clear();
    const double t = static_cast<double>(r.scan_start_ns) * 1e-9;
    for (uint32_t i = 0; i < targets.size(); ++i) {
      double x, y, vx, vy;
      At(targets[i], t, x, y, vx, vy);
      double az = std::atan2(x - r.x, y - r.y) / kDegToRad;
      if (az < 0.0) az += 360.0;
      const int sector =
          std::min(options.radar_sectors - 1, static_cast<int>(az / 360.0 * options.radar_sectors));
      if (noise.Uniform() < options.radar_pd) r.buckets[static_cast<size_t>(sector)].push_back(i);
    }
  }

  Status Sector(Radar& r, uint32_t radar_index, int64_t t_ns, std::vector<WireRecord>& out) {
    const int64_t period_ns = static_cast<int64_t>(options.radar_period_s * 1e9);
    const std::vector<uint32_t>& bucket = r.buckets[static_cast<size_t>(r.sector)];
    const WireSourceConfig& source = sources[2 + radar_index];
    size_t k = 0;
    while (k < bucket.size()) {
      const size_t n =
          std::min(bucket.size() - k, static_cast<size_t>(options.max_plots_per_block));
      if (plot_pool.size() < n) plot_pool.resize(n);
      plot_refs.clear();
      for (size_t j = 0; j < n; ++j) {
        const Target& target = targets[bucket[k + j]];
        // The antenna passes the target's azimuth a/360 of a period after the scan starts.
        double x, y, vx, vy;
        At(target, static_cast<double>(r.scan_start_ns) * 1e-9, x, y, vx, vy);
        double az = std::atan2(x - r.x, y - r.y) / kDegToRad;
        if (az < 0.0) az += 360.0;
        const int64_t plot_ns =
            std::min(t_ns, r.scan_start_ns + static_cast<int64_t>(az / 360.0 * period_ns));
        At(target, static_cast<double>(plot_ns) * 1e-9, x, y, vx, vy);
        const double range = std::hypot(x - r.x, y - r.y) + noise.Normal() * kRadarRangeSigmaM;
        const double bearing =
            std::atan2(x - r.x, y - r.y) + noise.Normal() * kRadarAzimuthSigmaDeg * kDegToRad;
        model::Observation& o = plot_pool[j];
        o.time = TimeAt(plot_ns);
        o.has_altitude = false;
        o.position = ToLla(r.x + range * std::sin(bearing), r.y + range * std::cos(bearing), 0.0);
        plot_refs.push_back(&o);
      }
      BIAC_ASSIGN_OR_RETURN(std::string block, EncodeCat048Block(*source.site, plot_refs));
      Push({TimeAt(t_ns), source.source, WireFormat::kAsterix, std::move(block)}, out, n);
      k += n;
    }
    if (++r.sector == options.radar_sectors) {
      r.sector = 0;
      r.scan_start_ns += period_ns;
      StartScan(r);
    }
    const int64_t next = r.scan_start_ns + (r.sector + 1) * period_ns / options.radar_sectors;
    events.push({next, Emitter::kRadarSector, radar_index});
    return Status::Ok();
  }
};

Result<LoadPlan> PlanLoad(const LoadOptions& o) {
  if (o.tracks <= 0 || !(o.observations_per_second > 0.0) || o.radars < 0 ||
      !(o.radar_period_s > 0.0) || o.radar_sectors <= 0 || o.max_plots_per_block <= 0 ||
      !(o.ship_min_period_s >= 1.0) || !(o.ship_max_period_s >= o.ship_min_period_s) ||
      !(o.ais_static_period_s > 0.0) || !(o.adsb_status_period_s > 0.0)) {
    return InvalidArgument(
        "load: tracks, rate, radar period and sectors, block size must be positive; ship "
        "periods >= 1 s with min <= max; radars >= 0");
  }
  if (!(o.radar_pd > 0.0 && o.radar_pd <= 1.0)) return InvalidArgument("load: radar_pd in (0, 1]");
  if (!(o.half_size_deg > 0.0) || std::abs(o.centre.latitude_deg) + o.half_size_deg > 80.0) {
    return InvalidArgument("load: the area must lie within +-80 deg latitude");
  }
  const double half_y = o.half_size_deg * kDegToRad * kEarthRadiusM;
  const double half_x = half_y * std::cos(o.centre.latitude_deg * kDegToRad);
  if ((1.0 + kRadarOffsetFraction) * std::hypot(half_x, half_y) > kMaxRadarRangeM) {
    return InvalidArgument("load: half_size_deg " + std::to_string(o.half_size_deg) +
                           " puts targets beyond a CAT048 radar's 256 NM");
  }
  LoadPlan plan;
  plan.radars = o.radars;
  const double mean_ship_period = 0.5 * (o.ship_min_period_s + o.ship_max_period_s);
  const double tracks = o.tracks;
  const double radar_rate = o.radars * o.radar_pd / o.radar_period_s;  // per target
  const double per_aircraft = kAircraftPositionsPerSecond - 1.0 / mean_ship_period;
  const double aircraft =
      (o.observations_per_second - tracks / mean_ship_period - radar_rate * tracks) / per_aircraft;
  plan.aircraft = static_cast<int>(std::clamp(std::round(aircraft), 0.0, tracks));
  plan.ships = o.tracks - plan.aircraft;
  plan.ais_observations = plan.ships / mean_ship_period;
  plan.adsb_observations = plan.aircraft * kAircraftPositionsPerSecond;
  plan.radar_observations = radar_rate * tracks;
  return plan;
}

Result<std::unique_ptr<LoadGenerator>> LoadGenerator::Create(const LoadOptions& options) {
  BIAC_ASSIGN_OR_RETURN(LoadPlan plan, PlanLoad(options));
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->plan = plan;
  impl->cos_lat = std::cos(options.centre.latitude_deg * kDegToRad);
  impl->half_y = options.half_size_deg * kDegToRad * kEarthRadiusM;
  impl->half_x = impl->half_y * impl->cos_lat;
  impl->noise = SplitMix64(DeriveSeed(options.seed, 0x4E4F495345ULL));

  const std::string& p = options.source_prefix;
  WireSourceConfig ais{.source = p + "-ais",
                       .format = WireFormat::kAisNmea,
                       .transport = WireTransport::kUdp,
                       .label_text = "UNCLASSIFIED",
                       .sensor = "load-ais",
                       .description = "load test: AIS position reports and static data"};
  WireSourceConfig adsb{.source = p + "-adsb",
                        .format = WireFormat::kBeast,
                        .transport = WireTransport::kTcp,
                        .label_text = "UNCLASSIFIED",
                        .sensor = "load-adsb",
                        .description = "load test: ADS-B extended squitters in Beast frames",
                        .beast_gps_timestamps = true};
  impl->sources.push_back(std::move(ais));
  impl->sources.push_back(std::move(adsb));

  SplitMix64 rng(DeriveSeed(options.seed, 0x4C4F4144ULL));
  const int64_t start_ns = 0;
  for (int i = 0; i < options.tracks; ++i) {
    Target t;
    t.air = i >= plan.ships;
    t.x0 = (2.0 * rng.Uniform() - 1.0) * impl->half_x;
    t.y0 = (2.0 * rng.Uniform() - 1.0) * impl->half_y;
    const double course = rng.Uniform() * 2.0 * std::numbers::pi;
    const double speed = t.air ? 200.0 + 50.0 * rng.Uniform() : 3.0 + 7.0 * rng.Uniform();
    t.vx = speed * std::sin(course);
    t.vy = speed * std::cos(course);
    if (t.air) {
      t.altitude_m = 8000.0 + 3000.0 * rng.Uniform();
      // Distinct ICAO addresses from a private block (ICAO Annex 10 Vol III allots blocks to
      // states; these are for the load test only).
      t.id = 0x700000u + static_cast<uint32_t>(i);
      std::snprintf(t.callsign.data(), t.callsign.size(), "LD%05d", i % 100000);
      const int64_t phase = static_cast<int64_t>(rng.Uniform() * kAircraftTickNs);
      impl->events.push({start_ns + phase, Emitter::kAircraft, static_cast<uint32_t>(i)});
    } else {
      t.id = 431000000u + static_cast<uint32_t>(i);  // Japanese MID 431
      std::snprintf(t.callsign.data(), t.callsign.size(), "LS%05d", i % 100000);
      const int period_s = static_cast<int>(std::floor(
          options.ship_min_period_s +
          rng.Uniform() * (options.ship_max_period_s - options.ship_min_period_s + 1.0)));
      t.period_ns = std::min<int64_t>(period_s, static_cast<int64_t>(options.ship_max_period_s)) *
                    kNanosPerSecond;
      // First report on a whole second of data time.
      const int64_t first_s = static_cast<int64_t>(rng.Uniform() * period_s);
      const int64_t offset =
          (kNanosPerSecond - options.start.nanos() % kNanosPerSecond) % kNanosPerSecond;
      impl->events.push(
          {offset + first_s * kNanosPerSecond, Emitter::kShip, static_cast<uint32_t>(i)});
    }
    impl->targets.push_back(t);
  }

  const std::array<std::array<double, 2>, 5> kRadarPlaces = {
      {{0.0, 0.0}, {-1.0, -1.0}, {1.0, 1.0}, {-1.0, 1.0}, {1.0, -1.0}}};
  for (int k = 0; k < options.radars; ++k) {
    Radar r;
    const auto& place = kRadarPlaces[static_cast<size_t>(k) % kRadarPlaces.size()];
    r.x = place[0] * kRadarOffsetFraction * impl->half_x;
    r.y = place[1] * kRadarOffsetFraction * impl->half_y;
    r.site = {kRadarSac, static_cast<uint8_t>(kRadarFirstSic + k), impl->ToLla(r.x, r.y, 0.0)};
    r.buckets.resize(static_cast<size_t>(options.radar_sectors));
    const int64_t period_ns = static_cast<int64_t>(options.radar_period_s * 1e9);
    r.scan_start_ns = static_cast<int64_t>(rng.Uniform() * period_ns) - period_ns;
    WireSourceConfig c{.source = p + "-radar-" + std::to_string(k + 1),
                       .format = WireFormat::kAsterix,
                       .transport = WireTransport::kUdp,
                       .label_text = "UNCLASSIFIED",
                       .sensor = "load-radar-" + std::to_string(k + 1),
                       .description = "load test: 2-D radar plots, ASTERIX CAT048",
                       .asterix_category = 48,
                       .site = r.site,
                       .range_sigma_m = kRadarRangeSigmaM,
                       .azimuth_sigma_deg = kRadarAzimuthSigmaDeg};
    impl->sources.push_back(std::move(c));
    impl->radars.push_back(std::move(r));
  }
  for (uint32_t k = 0; k < impl->radars.size(); ++k) {
    Radar& r = impl->radars[k];
    impl->StartScan(r);
    // Sectors that ended before the start are skipped: the first event is the first sector
    // ending at or after the start.
    const int64_t period_ns = static_cast<int64_t>(options.radar_period_s * 1e9);
    while (r.scan_start_ns + (r.sector + 1) * period_ns / options.radar_sectors < 0) ++r.sector;
    impl->events.push({r.scan_start_ns + (r.sector + 1) * period_ns / options.radar_sectors,
                       Emitter::kRadarSector, k});
  }
  return std::unique_ptr<LoadGenerator>(new LoadGenerator(std::move(impl)));
}

LoadGenerator::LoadGenerator(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
LoadGenerator::~LoadGenerator() = default;

Status LoadGenerator::Next(Timestamp until, std::vector<WireRecord>& out) {
  Impl& s = *impl_;
  const int64_t until_ns = (until - s.options.start).count();
  while (!s.events.empty() && s.events.top().t_ns <= until_ns) {
    const Event e = s.events.top();
    s.events.pop();
    switch (e.emitter) {
      case Emitter::kShip:
        BIAC_RETURN_IF_ERROR(s.Ship(s.targets[e.index], e.t_ns, out));
        break;
      case Emitter::kAircraft:
        BIAC_RETURN_IF_ERROR(s.Aircraft(s.targets[e.index], e.t_ns, out));
        break;
      case Emitter::kRadarSector:
        BIAC_RETURN_IF_ERROR(s.Sector(s.radars[e.index], e.index, e.t_ns, out));
        break;
    }
  }
  s.done_ns = std::max(s.done_ns, until_ns);
  return Status::Ok();
}

const LoadPlan& LoadGenerator::plan() const { return impl_->plan; }
const std::vector<WireSourceConfig>& LoadGenerator::sources() const { return impl_->sources; }
uint64_t LoadGenerator::records() const { return impl_->records; }
uint64_t LoadGenerator::observations() const { return impl_->observations; }

}  // namespace biac::sim
