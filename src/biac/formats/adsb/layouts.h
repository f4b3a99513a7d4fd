#pragma once

// The Mode S reply and ADS-B extended squitter (ME) layouts, shared by the decoder (modes.cc)
// and the encoder (encode_es.cc): every field is described once.

#include <cstdint>

#include "biac/base/bits.h"

namespace biac::formats::adsb::layout {

// Reply fields, bit offsets from the start of the reply (Annex 10 Vol IV, Figure 3-8).
namespace reply {
constexpr BitField kDf{"DF", 0, 5};
constexpr BitField kCa{"CA", 5, 3};          // DF11, DF17
constexpr BitField kCf{"CF", 5, 3};          // DF18
constexpr BitField kFs{"FS", 5, 3};          // DF4, 5, 20, 21
constexpr BitField kVs{"VS", 5, 1};          // DF0, 16
constexpr BitField kCc{"CC", 6, 1};          // DF0
constexpr BitField kSl{"SL", 8, 3};          // DF0, 16
constexpr BitField kRi{"RI", 13, 4};         // DF0, 16
constexpr BitField kDr{"DR", 8, 5};          // DF4, 5, 20, 21
constexpr BitField kUm{"UM", 13, 6};         // DF4, 5, 20, 21
constexpr BitField kAc{"AC", 19, 13};        // DF0, 4, 16, 20
constexpr BitField kId{"ID", 19, 13};        // DF5, 21
constexpr BitField kAa{"AA", 8, 24};         // DF11, 17, 18
constexpr BitField kMe{"ME/MB/MV", 32, 56};  // DF16, 17, 18, 20, 21
}  // namespace reply

// ME fields of the extended squitter, bit offsets within the 56-bit ME (DO-260B 2.2.3.2).
namespace me {
constexpr unsigned kBits = 56;
constexpr BitField kTypeCode{"TC", 0, 5};
// Identification and category (TC 1-4), DO-260B 2.2.3.2.5.
constexpr BitField kCategory{"CA", 5, 3};
constexpr uint16_t kCharsOffset = 8;
constexpr uint8_t kCharBits = 6;
// Airborne position (TC 9-18, 20-22), DO-260B 2.2.3.2.3.
constexpr BitField kSurveillanceStatus{"SS", 5, 2};
constexpr BitField kNicB{"NICb", 7, 1};
constexpr BitField kAltitude{"ALT", 8, 12};
constexpr BitField kTime{"T", 20, 1};
constexpr BitField kCprFormat{"F", 21, 1};
constexpr BitField kCprLat{"LAT-CPR", 22, 17};
constexpr BitField kCprLon{"LON-CPR", 39, 17};
// Surface position (TC 5-8), DO-260B 2.2.3.2.4.
constexpr BitField kMovement{"MOV", 5, 7};
constexpr BitField kTrackStatus{"S", 12, 1};
constexpr BitField kTrack{"TRK", 13, 7};
// Airborne velocity (TC 19), DO-260B 2.2.3.2.6.
constexpr BitField kSubtype{"ST", 5, 3};
constexpr BitField kIntentChange{"IC", 8, 1};
constexpr BitField kIfr{"IFR", 9, 1};
constexpr BitField kNacV{"NACv", 10, 3};
constexpr BitField kEwSign{"S-EW", 13, 1};
constexpr BitField kEwVelocity{"V-EW", 14, 10};
constexpr BitField kNsSign{"S-NS", 24, 1};
constexpr BitField kNsVelocity{"V-NS", 25, 10};
constexpr BitField kHeadingStatus{"SH", 13, 1};
constexpr BitField kHeading{"HDG", 14, 10};
constexpr BitField kAirspeedType{"T", 24, 1};
constexpr BitField kAirspeed{"AS", 25, 10};
constexpr BitField kVrSource{"VrSrc", 35, 1};
constexpr BitField kVrSign{"S-Vr", 36, 1};
constexpr BitField kVerticalRate{"Vr", 37, 9};
constexpr BitField kDiffSign{"S-Dif", 48, 1};
constexpr BitField kDiff{"Dif", 49, 7};
// Aircraft status (TC 28), DO-260B 2.2.3.2.7.8.
constexpr BitField kEmergencyState{"ES", 8, 3};
constexpr BitField kStatusModeA{"Mode A", 11, 13};
// Target state and status (TC 29 subtype 1), DO-260B 2.2.3.2.7.1.
constexpr BitField kTssSubtype{"ST", 5, 2};
constexpr BitField kTssSilSupplement{"SIL-S", 7, 1};
constexpr BitField kSelAltType{"SAT", 8, 1};
constexpr BitField kSelAlt{"SEL-ALT", 9, 11};
constexpr BitField kBaroSetting{"BARO", 20, 9};
constexpr BitField kSelHeadingStatus{"HDG-S", 29, 1};
constexpr BitField kSelHeading{"HDG", 30, 9};
constexpr BitField kTssNacP{"NACp", 39, 4};
constexpr BitField kTssNicBaro{"NICbaro", 43, 1};
constexpr BitField kTssSil{"SIL", 44, 2};
constexpr BitField kModeStatus{"MS", 46, 1};
constexpr BitField kAutopilot{"AP", 47, 1};
constexpr BitField kVnav{"VNAV", 48, 1};
constexpr BitField kAltHold{"ALT-H", 49, 1};
constexpr BitField kApproach{"APP", 51, 1};
constexpr BitField kTcas{"TCAS", 52, 1};
constexpr BitField kLnav{"LNAV", 53, 1};
// Target state and status (TC 29 subtype 0), DO-260A 2.2.3.2.7.1 (Doc 9871 Table B-2-98).
constexpr BitField kV1VerticalSource{"VDA/SI", 7, 2};
constexpr BitField kV1AltitudeType{"TAT", 9, 1};
constexpr BitField kV1AltitudeCapability{"TAC", 11, 2};
constexpr BitField kV1VerticalMode{"VMI", 13, 2};
constexpr BitField kV1TargetAltitude{"TA", 15, 10};
constexpr BitField kV1HorizontalSource{"HDA/SI", 25, 2};
constexpr BitField kV1TargetAngle{"THTA", 27, 9};
constexpr BitField kV1AngleType{"THTI", 36, 1};
constexpr BitField kV1HorizontalMode{"HMI", 37, 2};
constexpr BitField kV1NacP{"NACp", 39, 4};
constexpr BitField kV1NicBaro{"NICbaro", 43, 1};
constexpr BitField kV1Sil{"SIL", 44, 2};
constexpr BitField kV1TcasNotOperational{"CMC TCAS", 51, 1};
constexpr BitField kV1TcasRa{"CMC RA", 52, 1};
constexpr BitField kV1Emergency{"EPS", 53, 3};
// Operational status (TC 31), DO-260B 2.2.3.2.7.2.
constexpr BitField kOpSubtype{"ST", 5, 3};
constexpr BitField kCapabilityClass{"CC", 8, 16};
constexpr BitField kSurfaceCapabilityClass{"CC", 8, 12};
constexpr BitField kNicC{"NIC-C", 19, 1};  // surface CC, last bit (Table 2-75)
constexpr BitField kLengthWidth{"L/W", 20, 4};
constexpr BitField kOperationalMode{"OM", 24, 16};
constexpr BitField kVersion{"VN", 40, 3};
constexpr BitField kNicA{"NIC-A", 43, 1};
constexpr BitField kOpNacP{"NACp", 44, 4};
constexpr BitField kGva{"GVA", 48, 2};
constexpr BitField kOpSil{"SIL", 50, 2};
constexpr BitField kNicBaro{"NICbaro", 52, 1};
constexpr BitField kHrd{"HRD", 53, 1};
constexpr BitField kSilSupplement{"SIL-S", 54, 1};
}  // namespace me

}  // namespace biac::formats::adsb::layout
