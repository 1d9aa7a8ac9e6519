#include "domain/place.hpp"

#include "core/enum_names.hpp"

#include <charconv>
#include <cmath>
#include <map>
#include <unordered_map>

namespace siaga::domain {
namespace {

constexpr auto place_kind_names =
    core::make_enum_names<place_kind>("place kind", {"landmark", "street", "village", "other"});

// The base letter of a two-byte UTF-8 Latin-1 letter (U+00C0..U+00FF), or 0.
char latin1_base(unsigned char lead, unsigned char next) {
  if (lead != 0xC3) return 0;
  static constexpr std::string_view bases = "aaaaaaaceeeeiiiidnooooo ouuuuyts"  // U+00C0..U+00DF
                                            "aaaaaaaceeeeiiiidnooooo ouuuuyty";  // U+00E0..U+00FF
  unsigned idx = static_cast<unsigned>(next) - 0x80;
  if (idx >= bases.size()) return 0;
  char c = bases[idx];
  return c == ' ' ? 0 : c;
}

std::optional<double> number_of(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  if (s.empty()) return std::nullopt;
  double v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

std::string trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return std::string(s);
}

// One CSV line split at sep, with "" quoting (a quote inside a quoted field is doubled).
std::vector<std::string> split_csv_line(std::string_view line, char sep) {
  std::vector<std::string> out;
  std::string field;
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == sep) {
      out.push_back(trimmed(field));
      field.clear();
    } else {
      field += c;
    }
  }
  out.push_back(trimmed(field));
  return out;
}

bool on_globe(double lat, double lon) { return lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180; }

// ---- a small reader of the XML that OpenStreetMap writes ----

std::string decode_entities(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '&') {
      out += s[i];
      continue;
    }
    auto end = s.find(';', i);
    if (end == std::string_view::npos || end - i > 10) {
      out += '&';
      continue;
    }
    auto name = s.substr(i + 1, end - i - 1);
    if (name == "amp") out += '&';
    else if (name == "lt") out += '<';
    else if (name == "gt") out += '>';
    else if (name == "quot") out += '"';
    else if (name == "apos") out += '\'';
    else if (!name.empty() && name[0] == '#') {
      unsigned code = 0;
      bool hex = name.size() > 1 && (name[1] == 'x' || name[1] == 'X');
      auto digits = name.substr(hex ? 2 : 1);
      auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), code, hex ? 16 : 10);
      if (ec != std::errc{} || p != digits.data() + digits.size() || code == 0 || code > 0x10FFFF) {
        out += '&';
        continue;
      }
      // UTF-8 encoding of the code point.
      if (code < 0x80) {
        out += static_cast<char>(code);
      } else if (code < 0x800) {
        out += static_cast<char>(0xC0 | (code >> 6));
        out += static_cast<char>(0x80 | (code & 0x3F));
      } else if (code < 0x10000) {
        out += static_cast<char>(0xE0 | (code >> 12));
        out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (code & 0x3F));
      } else {
        out += static_cast<char>(0xF0 | (code >> 18));
        out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (code & 0x3F));
      }
    } else {
      out += '&';
      continue;
    }
    i = end;
  }
  return out;
}

struct xml_tag {
  std::string name;  // without a leading '/'
  bool closing = false;
  bool self_closing = false;
  std::map<std::string, std::string, std::less<>> attrs;
};

// Parses the tag that starts at text[pos] == '<' (not a comment or declaration); advances pos
// past it. nullopt on a malformed tag.
std::optional<xml_tag> read_tag(std::string_view text, std::size_t& pos) {
  auto end = text.find('>', pos);
  if (end == std::string_view::npos) return std::nullopt;
  std::string_view body = text.substr(pos + 1, end - pos - 1);
  pos = end + 1;
  xml_tag tag;
  if (!body.empty() && body.front() == '/') {
    tag.closing = true;
    body.remove_prefix(1);
  }
  if (!body.empty() && body.back() == '/') {
    tag.self_closing = true;
    body.remove_suffix(1);
  }
  std::size_t i = 0;
  while (i < body.size() && body[i] != ' ' && body[i] != '\t' && body[i] != '\n' && body[i] != '\r') ++i;
  tag.name = std::string(body.substr(0, i));
  while (i < body.size()) {
    while (i < body.size() && (body[i] == ' ' || body[i] == '\t' || body[i] == '\n' || body[i] == '\r')) ++i;
    if (i >= body.size()) break;
    auto eq = body.find('=', i);
    if (eq == std::string_view::npos) return std::nullopt;
    auto key = trimmed(body.substr(i, eq - i));
    auto q = eq + 1;
    while (q < body.size() && body[q] == ' ') ++q;
    if (q >= body.size() || (body[q] != '"' && body[q] != '\'')) return std::nullopt;
    auto close = body.find(body[q], q + 1);
    if (close == std::string_view::npos) return std::nullopt;
    tag.attrs[key] = decode_entities(body.substr(q + 1, close - q - 1));
    i = close + 1;
  }
  return tag;
}

constexpr std::string_view landmark_keys[] = {"amenity",  "tourism",          "historic",   "leisure", "shop",
                                              "office",   "building",         "man_made",   "healthcare",
                                              "public_transport", "aeroway", "religion"};
constexpr std::string_view village_places[] = {"suburb", "village", "neighbourhood", "quarter", "hamlet", "town"};

struct osm_element {
  bool way = false;
  std::string id;
  std::optional<geo_point> at;
  std::vector<std::string> refs;
  std::map<std::string, std::string, std::less<>> tags;
};

// The kind of a named element, or nullopt for one that is not a place people name.
std::optional<place_kind> kind_of(const osm_element& e) {
  if (e.way && e.tags.contains("highway")) return place_kind::street;
  if (auto it = e.tags.find("place"); it != e.tags.end()) {
    for (auto p : village_places) {
      if (it->second == p) return place_kind::village;
    }
  }
  for (auto k : landmark_keys) {
    if (e.tags.contains(k)) return place_kind::landmark;
  }
  return std::nullopt;
}

}  // namespace

std::string_view to_string(place_kind v) {
  return place_kind_names.name(v);
}

core::result<place_kind> parse_place_kind(std::string_view s) {
  return place_kind_names.parse(s);
}

std::string fold_name(std::string_view name) {
  std::string out;
  bool space = false;
  auto put = [&](char c) {
    if (space && !out.empty()) out += ' ';
    space = false;
    out += c;
  };
  for (std::size_t i = 0; i < name.size(); ++i) {
    auto c = static_cast<unsigned char>(name[i]);
    if (c >= 'A' && c <= 'Z') {
      put(static_cast<char>(c - 'A' + 'a'));
    } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      put(static_cast<char>(c));
    } else if (c >= 0x80 && i + 1 < name.size()) {
      if (char base = latin1_base(c, static_cast<unsigned char>(name[i + 1]))) {
        put(base);
        ++i;
      } else {
        // Another script or symbol: a separator, skipping its continuation bytes.
        space = true;
        while (i + 1 < name.size() && (static_cast<unsigned char>(name[i + 1]) & 0xC0) == 0x80) ++i;
      }
    } else {
      space = true;
    }
  }
  return out;
}

core::result<parsed_places> parse_places_csv(std::string_view text) {
  if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // a BOM from Excel
  parsed_places out;
  std::size_t pos = 0;
  int line_no = 0;
  std::optional<std::size_t> name_col, lat_col, lon_col, kind_col;
  char sep = ',';
  bool header = false;
  while (pos <= text.size()) {
    auto end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (trimmed(line).empty()) {
      if (end == text.size()) break;
      continue;
    }
    if (!header) {
      sep = line.find(';') != std::string_view::npos && line.find(',') == std::string_view::npos ? ';' : ',';
      auto cols = split_csv_line(line, sep);
      for (std::size_t i = 0; i < cols.size(); ++i) {
        auto c = fold_name(cols[i]);
        if (c == "name" || c == "nama") name_col = i;
        else if (c == "lat" || c == "latitude") lat_col = i;
        else if (c == "lon" || c == "lng" || c == "longitude") lon_col = i;
        else if (c == "kind" || c == "jenis") kind_col = i;
      }
      if (!name_col || !lat_col || !lon_col) {
        return core::invalid("the first row must name the columns name, lat and lon (kind is optional)");
      }
      header = true;
      continue;
    }
    auto cols = split_csv_line(line, sep);
    auto where = "line " + std::to_string(line_no);
    auto field = [&](std::size_t i) -> std::string { return i < cols.size() ? cols[i] : std::string(); };
    place p;
    p.name = field(*name_col);
    if (p.name.empty()) {
      out.problems.push_back({where, "name is empty"});
      continue;
    }
    if (p.name.size() > 200) {
      out.problems.push_back({where, "name is longer than 200 characters"});
      continue;
    }
    auto lat = number_of(field(*lat_col));
    auto lon = number_of(field(*lon_col));
    if (!lat || !lon || !on_globe(*lat, *lon)) {
      out.problems.push_back({where, "lat and lon must be decimal degrees (lat -90..90, lon -180..180)"});
      continue;
    }
    if (kind_col && !field(*kind_col).empty()) {
      auto k = parse_place_kind(field(*kind_col));
      if (!k) {
        out.problems.push_back({where, "kind must be landmark, street, village or other"});
        continue;
      }
      p.kind = *k;
    }
    p.location = {*lat, *lon};
    p.folded = fold_name(p.name);
    out.places.push_back(std::move(p));
    if (end == text.size()) break;
  }
  if (!header) return core::invalid("the file is empty: the first row must name the columns name, lat and lon");
  return out;
}

core::result<parsed_places> parse_osm_xml(std::string_view text) {
  parsed_places out;
  std::unordered_map<std::string, geo_point> nodes;
  std::optional<osm_element> current;
  bool saw_osm = false;

  auto finish = [&](osm_element& e) {
    auto name_it = e.tags.find("name:id");
    if (name_it == e.tags.end()) name_it = e.tags.find("name");
    if (name_it == e.tags.end() || name_it->second.empty()) return;
    auto kind = kind_of(e);
    if (!kind) return;
    std::optional<geo_point> at = e.at;
    if (e.way) {
      // The middle node of the way: on the street itself, unlike the centre of its box.
      std::vector<geo_point> pts;
      for (const auto& r : e.refs) {
        if (auto it = nodes.find(r); it != nodes.end()) pts.push_back(it->second);
      }
      if (pts.empty()) {
        out.problems.push_back({"way " + e.id, "none of its nodes is in the extract"});
        return;
      }
      at = pts[pts.size() / 2];
    }
    if (!at) return;
    place p;
    p.name = name_it->second.substr(0, 200);
    p.folded = fold_name(p.name);
    p.kind = *kind;
    p.location = *at;
    out.places.push_back(std::move(p));
  };

  std::size_t pos = 0;
  while (true) {
    pos = text.find('<', pos);
    if (pos == std::string_view::npos) break;
    if (text.substr(pos, 4) == "<!--") {
      auto end = text.find("-->", pos);
      if (end == std::string_view::npos) break;
      pos = end + 3;
      continue;
    }
    if (text.substr(pos, 2) == "<?" || text.substr(pos, 2) == "<!") {
      auto end = text.find('>', pos);
      if (end == std::string_view::npos) break;
      pos = end + 1;
      continue;
    }
    auto tag = read_tag(text, pos);
    if (!tag) return core::invalid("the OSM file has a malformed tag near byte " + std::to_string(pos));
    if (tag->name == "osm") {
      saw_osm = true;
      continue;
    }
    if (!saw_osm) return core::invalid("not an OpenStreetMap XML extract: it must start with <osm>");
    if ((tag->name == "node" || tag->name == "way") && !tag->closing) {
      osm_element e;
      e.way = tag->name == "way";
      e.id = tag->attrs["id"];
      if (!e.way) {
        auto lat = number_of(tag->attrs["lat"]);
        auto lon = number_of(tag->attrs["lon"]);
        if (!lat || !lon || !on_globe(*lat, *lon)) {
          out.problems.push_back({"node " + e.id, "lat and lon are missing or off the globe"});
        } else {
          e.at = geo_point{*lat, *lon};
          nodes[e.id] = *e.at;
        }
      }
      if (tag->self_closing) {
        finish(e);
      } else {
        current = std::move(e);
      }
    } else if ((tag->name == "node" || tag->name == "way") && tag->closing) {
      if (current) finish(*current);
      current.reset();
    } else if (tag->name == "tag" && current) {
      current->tags[tag->attrs["k"]] = tag->attrs["v"];
    } else if (tag->name == "nd" && current && current->way) {
      current->refs.push_back(tag->attrs["ref"]);
    } else if (tag->name == "relation" && !tag->closing) {
      current.reset();  // relations are areas made of ways: their parts are read on their own
    }
  }
  if (!saw_osm) return core::invalid("not an OpenStreetMap XML extract: it must start with <osm>");
  return out;
}

}  // namespace siaga::domain
