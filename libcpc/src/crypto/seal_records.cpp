// SPDX-License-Identifier: Apache-2.0
// The cpc/sealed header record and the cpc/chunk record: canonical serialization and strict
// parsing (formats.md §5–6). Chunk records take a fast path for the exact canonical form
// that Sealer writes (they carry gigabytes) and fall back to a general JSON parse.
#include <charconv>
#include <cstring>
#include <nlohmann/json.hpp>

#include "cpc/codec/base64.hpp"
#include "cpc/codec/hex.hpp"
#include "cpc/crypto/seal.hpp"
#include "seal_internal.hpp"

namespace cpc::seal {

using nlohmann::json;

std::string Header::record() const {
  // Keys in RFC 8785 order: capsule, chunk_size, recipient, stream, to, type, version.
  auto cap = capsule.encode();
  std::string out = R"({"capsule":")" + hex::encode(cap) + "\"";
  if (chunk_size != 0) out += R"(,"chunk_size":)" + std::to_string(chunk_size);
  out += R"(,"recipient":")" + recipient + R"(","stream":")" + hex::encode(stream) + R"(","to":")" +
         hex::encode(to.bytes()) + R"(","type":"cpc/sealed","version":1})";
  return out;
}

namespace internal {

Result<json> parse_json_object(std::string_view line) {
  json j = json::parse(line.begin(), line.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Status::bad_input("malformed JSON");
  if (!j.is_object()) return Status::bad_input("record is not a JSON object");
  return j;
}

Result<Header> header_from_json(const json& j, bool record_form) {
  auto type = j.find("type");
  if (type == j.end() || !type->is_string()) return Status::bad_input("record has no \"type\"");
  if (*type != "cpc/sealed") {
    return Status::bad_input("expected a cpc/sealed record, got " + type->get<std::string>());
  }
  constexpr std::size_t kExpectedKeys = 7;  // type version to recipient capsule stream + 1
  for (const char* k : {"version", "to", "recipient", "capsule", "stream"}) {
    if (!j.contains(k))
      return Status::bad_input(std::string("cpc/sealed record lacks \"") + k + "\"");
  }
  if (record_form != j.contains("data")) {
    return Status::bad_input(record_form ? "sealed record lacks \"data\""
                                         : "unexpected \"data\" in a stream header");
  }
  if (!record_form && !j.contains("chunk_size")) {
    return Status::bad_input("cpc/sealed header lacks \"chunk_size\"");
  }
  if (j.size() != kExpectedKeys) return Status::bad_input("cpc/sealed record has unknown fields");
  if (j["version"] != 1) return Status::bad_input("unsupported cpc/sealed version");
  for (const char* k : {"to", "recipient", "capsule", "stream"}) {
    if (!j[k].is_string()) return Status::bad_input(std::string("\"") + k + "\" must be a string");
  }
  Header h;
  auto to = hex::decode(j["to"].get<std::string>(), 32);
  if (!to) return to.status().with_context("\"to\"");
  auto to_point = group::Point::decode(*to);
  if (!to_point) return to_point.status().with_context("\"to\"");
  h.to = *to_point;
  h.recipient = j["recipient"].get<std::string>();
  if (h.recipient.size() != 16 || !hex::decode(h.recipient)) {
    return Status::bad_input("\"recipient\" must be a 16-digit key id");
  }
  auto cap = hex::decode(j["capsule"].get<std::string>(), capsule::kCapsuleBytes);
  if (!cap) return cap.status().with_context("\"capsule\"");
  auto c = capsule::Capsule::decode(*cap);
  if (!c) return c.status();
  h.capsule = *c;
  CPC_RETURN_IF_ERROR(
      hex::decode_into(j["stream"].get<std::string>(), h.stream).with_context("\"stream\""));
  if (record_form) {
    h.chunk_size = 0;
  } else {
    const json& cs = j["chunk_size"];
    if (!cs.is_number_unsigned() || cs.get<std::uint64_t>() == 0 ||
        cs.get<std::uint64_t>() > kMaxChunkSize) {
      return Status::bad_input("\"chunk_size\" must be between 1 and " +
                               std::to_string(kMaxChunkSize));
    }
    h.chunk_size = cs.get<std::uint32_t>();
  }
  return h;
}

namespace {

bool consume(std::string_view& s, std::string_view prefix) {
  if (s.substr(0, prefix.size()) != prefix) return false;
  s.remove_prefix(prefix.size());
  return true;
}

// The exact form Sealer writes: {"type":"cpc/chunk","i":N,"final":B,"data":"…"}.
bool parse_chunk_fast(std::string_view s, ChunkFields& out) {
  if (!consume(s, R"({"type":"cpc/chunk","i":)")) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out.index);
  if (ec != std::errc() || (s[0] == '0' && p - s.data() > 1)) return false;
  s.remove_prefix(static_cast<std::size_t>(p - s.data()));
  if (consume(s, R"(,"final":true,"data":")")) {
    out.final = true;
  } else if (consume(s, R"(,"final":false,"data":")")) {
    out.final = false;
  } else {
    return false;
  }
  if (s.size() < 2 || s.substr(s.size() - 2) != "\"}") return false;
  s.remove_suffix(2);
  // base64 never contains '"' or '\\'; anything else makes the general parser decide.
  if (std::memchr(s.data(), '"', s.size()) != nullptr ||
      std::memchr(s.data(), '\\', s.size()) != nullptr) {
    return false;
  }
  out.data = s;
  return true;
}

}  // namespace

Status parse_chunk(std::string_view line, ChunkFields& out, std::string& scratch) {
  if (parse_chunk_fast(line, out)) return Status::ok();
  auto j = parse_json_object(line);
  CPC_RETURN_IF_ERROR(j);
  auto type = j->find("type");
  if (type == j->end() || !type->is_string()) return Status::bad_input("record has no \"type\"");
  if (*type != "cpc/chunk") {
    return Status::bad_input("expected a cpc/chunk record, got " + type->get<std::string>());
  }
  auto i = j->find("i");
  auto fin = j->find("final");
  auto data = j->find("data");
  if (j->size() != 4 || i == j->end() || !i->is_number_unsigned() || fin == j->end() ||
      !fin->is_boolean() || data == j->end() || !data->is_string()) {
    return Status::bad_input(
        "cpc/chunk record must have exactly \"type\", \"i\", \"final\", \"data\"");
  }
  out.index = i->get<std::uint64_t>();
  out.final = fin->get<bool>();
  scratch = data->get<std::string>();
  out.data = scratch;
  return Status::ok();
}

void chunk_record(std::uint64_t index, bool final, ByteView cipher, std::string& out) {
  out += R"({"type":"cpc/chunk","i":)";
  out += std::to_string(index);
  out += final ? R"(,"final":true,"data":")" : R"(,"final":false,"data":")";
  base64::encode_append(cipher, out);
  out += "\"}\n";
}

}  // namespace internal

Result<Header> parse_header(std::string_view line) {
  auto j = internal::parse_json_object(line);
  CPC_RETURN_IF_ERROR(j);
  return internal::header_from_json(*j, /*record_form=*/false);
}

Result<Header> parse_record_header(std::string_view line) {
  auto j = internal::parse_json_object(line);
  CPC_RETURN_IF_ERROR(j);
  return internal::header_from_json(*j, /*record_form=*/true);
}

bool is_sealed_record(std::string_view line) {
  return line.find("\"data\"") != std::string_view::npos;
}

}  // namespace cpc::seal
