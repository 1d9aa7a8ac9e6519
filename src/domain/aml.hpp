// Advanced Mobile Location (ETSI TS 103 625, EENA) and Android ELS: the handset's own location
// fix, sent by SMS or HTTPS while an emergency call is made. Pure parsing and validation.
//
// SMS, version 1: A"ML=1;lt=+48.90296;lg=+2.51658;rd=50;top=20220210134654;lc=95;pm=G;
//   si=<IMSI>;ei=<IMEI>;mcc=510;mnc=10;ml=131
//   lt/lg latitude/longitude (WGS84 degrees), rd radius (m), top time of positioning (UTC,
//   YYYYMMDDhhmmss), lc level of confidence (%), pm positioning method (G GNSS, W Wi-Fi, C cell,
//   N none), ml message length: every character of the message, the header and ml included.
// SMS, version 2: A"ML=2;en=112;et=<call start, Unix s>;lo=<lat>,<lon>,<radius m>;lt=<fix time
//   offset from et, s>;lc=68;lz=<alt>,<v.acc>;ls=G;ei=<IMEI>;nc=<net MCC+MNC>;hc=<home MCC+MNC>;
//   lg=<language>. Here lt and lg mean something else than in version 1 (time offset and
//   language), which is why the version is read, and the length checked, before any field.
// HTTPS (ELS / TS 103 625 HTTPS): a form with location_latitude, location_longitude,
//   location_accuracy (m), location_time (Unix ms), location_source (GPS, WiFi, Cell, ...),
//   location_certainty (%), device_number (E.164), emergency_number, device_imei, ...
#pragma once

#include "core/error.hpp"
#include "core/time.hpp"

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace siaga::domain {

using core::timestamp;

enum class location_method { gnss, wifi, cell, fused, unknown };
std::string_view to_string(location_method v);
core::result<location_method> parse_location_method(std::string_view s);  // invalid_input if unknown

// One location fix from a handset, whatever carried it.
struct location_fix {
  std::string format;  // "aml_sms_v1", "aml_sms_v2", "els_https"
  double lat = 0;
  double lon = 0;
  std::optional<double> radius_m;
  std::optional<timestamp> fix_time;
  location_method method = location_method::unknown;
  std::optional<int> confidence;  // percent
  std::optional<double> altitude_m;
  std::string device_number;     // as sent (ELS); SMS fixes take the sender from the gateway
  std::string emergency_number;  // the number dialled, when the message says
  std::string imei;
  std::string imsi;
  std::string network;                    // MCC+MNC of the serving network, "51010"
  std::string language;                   // v2 and ELS: the handset's language
  std::optional<timestamp> call_started;  // v2: et
};

// Parses the text of an AML SMS, version 1 or 2. Trailing spaces and line ends (which SMS
// gateways add) are ignored. Fails with invalid_input saying why: not an AML message, an
// unsupported version, a length field that does not match the text (a truncated or joined
// message), a repeated field, characters outside printable ASCII, a missing or malformed
// location, or positioning method N (the handset had no fix).
core::result<location_fix> parse_aml_sms(std::string_view text);

// Reads an ELS / AML HTTPS form (already URL-decoded). Unknown fields are ignored, since the
// form grows with new versions. Fails with invalid_input for a missing or malformed
// location_latitude / location_longitude, a bad accuracy, time or certainty.
using form_fields = std::map<std::string, std::string, std::less<>>;
core::result<location_fix> parse_els_form(const form_fields& fields);

}  // namespace siaga::domain
