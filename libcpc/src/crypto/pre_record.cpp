// SPDX-License-Identifier: Apache-2.0
// Encodings of kfrags and cfrags (formats-pre.md §1, §2): fixed binary layouts and the
// one-line JSON records cpc/kfrag and cpc/cfrag. Every point and scalar read goes through
// group::Point::decode / Scalar::decode.
#include <cstring>
#include <nlohmann/json.hpp>

#include "cpc/codec/hex.hpp"
#include "cpc/crypto/pre.hpp"

namespace cpc::pre {
namespace {

using group::Point;
using group::Scalar;
using nlohmann::json;

// A cursor over a fixed layout: each read consumes its field and validates it.
class Reader {
 public:
  explicit Reader(ByteView b) : b_(b) {}
  template <std::size_t N>
  void bytes(std::array<std::uint8_t, N>& out) {
    std::memcpy(out.data(), b_.data() + off_, N);
    off_ += N;
  }
  Status point(Point& out, const char* name) {
    auto p = Point::decode(b_.subspan(off_, 32));
    off_ += 32;
    if (!p) return p.status().with_context(name);
    out = *p;
    return Status::ok();
  }
  Status scalar(Scalar& out, const char* name) {
    auto s = Scalar::decode(b_.subspan(off_, 32));
    off_ += 32;
    if (!s) return s.status().with_context(name);
    out = *s;
    return Status::ok();
  }
  Status threshold(unsigned& out) {
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v |= std::uint32_t{b_[off_ + i]} << (8 * i);
    off_ += 4;
    if (v < 1 || v > kMaxFragments) return Status::bad_input("threshold out of range");
    out = v;
    return Status::ok();
  }

 private:
  ByteView b_;
  std::size_t off_ = 0;
};

class Writer {
 public:
  explicit Writer(std::uint8_t* out) : out_(out) {}
  template <std::size_t N>
  void bytes(const std::array<std::uint8_t, N>& a) {
    std::memcpy(out_ + off_, a.data(), N);
    off_ += N;
  }
  void u32(unsigned v) {
    for (int i = 0; i < 4; ++i) out_[off_++] = static_cast<std::uint8_t>(v >> (8 * i));
  }

 private:
  std::uint8_t* out_;
  std::size_t off_ = 0;
};

// Parses `record` as an object with exactly the fields `names` ("type" included) and the
// given type; converts it to the binary layout by concatenating the hex fields, with the
// integer field "threshold" written as u32le. The binary decoder then validates it.
Result<Bytes> record_to_binary(std::string_view record, std::string_view type,
                               std::initializer_list<std::pair<const char*, std::size_t>> fields) {
  json j = json::parse(record.begin(), record.end(), nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return Status::bad_input("not a " + std::string(type) + " record");
  auto t = j.find("type");
  if (t == j.end() || !t->is_string() || t->get<std::string>() != type) {
    return Status::bad_input("not a " + std::string(type) + " record");
  }
  if (j.size() != fields.size() + 1)
    return Status::bad_input("unexpected fields in " + std::string(type));
  Bytes out;
  for (const auto& [name, len] : fields) {
    auto it = j.find(name);
    if (it == j.end()) return Status::bad_input(std::string("missing \"") + name + "\"");
    if (len == 4) {  // the threshold
      if (!it->is_number_unsigned()) return Status::bad_input("\"threshold\" must be an integer");
      auto v = it->get<std::uint64_t>();
      if (v < 1 || v > kMaxFragments) return Status::bad_input("threshold out of range");
      for (int i = 0; i < 4; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
      continue;
    }
    if (!it->is_string()) return Status::bad_input(std::string("\"") + name + "\" must be hex");
    auto b = hex::decode(it->get_ref<const std::string&>(), len);
    if (!b) return b.status().with_context(std::string("\"") + name + "\"");
    out.insert(out.end(), b->begin(), b->end());
  }
  return out;
}

std::string field(const char* name, ByteView b) {
  return std::string(",\"") + name + "\":\"" + hex::encode(b) + "\"";
}

}  // namespace

std::array<std::uint8_t, kKeyFragmentBytes> encode_kfrag(const KeyFragment& k) {
  std::array<std::uint8_t, kKeyFragmentBytes> out{};
  Writer w(out.data());
  w.bytes(k.id);
  w.bytes(k.owner.sign);
  w.bytes(k.owner.encrypt.bytes());
  w.bytes(k.grantee.bytes());
  w.u32(k.threshold);
  w.bytes(k.precursor.bytes());
  w.bytes(k.commitment.bytes());
  w.bytes(k.rk.bytes());
  w.bytes(k.sig);
  return out;
}

Result<KeyFragment> decode_kfrag(ByteView b) {
  if (b.size() != kKeyFragmentBytes) return Status::bad_input("kfrag must be 292 bytes");
  KeyFragment k;
  Reader r(b);
  r.bytes(k.id);
  r.bytes(k.owner.sign);
  CPC_RETURN_IF_ERROR(r.point(k.owner.encrypt, "owner_encrypt"));
  CPC_RETURN_IF_ERROR(r.point(k.grantee, "grantee"));
  CPC_RETURN_IF_ERROR(r.threshold(k.threshold));
  CPC_RETURN_IF_ERROR(r.point(k.precursor, "precursor"));
  CPC_RETURN_IF_ERROR(r.point(k.commitment, "commitment"));
  CPC_RETURN_IF_ERROR(r.scalar(k.rk, "rk"));
  r.bytes(k.sig);
  if (k.rk.is_zero()) return Status::bad_input("rk: zero scalar");
  return k;
}

std::array<std::uint8_t, kCapsuleFragmentBytes> encode_cfrag(const CapsuleFragment& f) {
  std::array<std::uint8_t, kCapsuleFragmentBytes> out{};
  Writer w(out.data());
  w.bytes(f.id);
  w.u32(f.threshold);
  for (const Point* p : {&f.precursor, &f.e1, &f.v1, &f.commitment, &f.e2, &f.v2, &f.u2}) {
    w.bytes(p->bytes());
  }
  w.bytes(f.z.bytes());
  w.bytes(f.sig);
  return out;
}

Result<CapsuleFragment> decode_cfrag(ByteView b) {
  if (b.size() != kCapsuleFragmentBytes) return Status::bad_input("cfrag must be 356 bytes");
  CapsuleFragment f;
  Reader r(b);
  r.bytes(f.id);
  CPC_RETURN_IF_ERROR(r.threshold(f.threshold));
  CPC_RETURN_IF_ERROR(r.point(f.precursor, "precursor"));
  CPC_RETURN_IF_ERROR(r.point(f.e1, "e1"));
  CPC_RETURN_IF_ERROR(r.point(f.v1, "v1"));
  CPC_RETURN_IF_ERROR(r.point(f.commitment, "commitment"));
  CPC_RETURN_IF_ERROR(r.point(f.e2, "e2"));
  CPC_RETURN_IF_ERROR(r.point(f.v2, "v2"));
  CPC_RETURN_IF_ERROR(r.point(f.u2, "u2"));
  CPC_RETURN_IF_ERROR(r.scalar(f.z, "z"));
  r.bytes(f.sig);
  return f;
}

std::string kfrag_record(const KeyFragment& k) {
  auto b = encode_kfrag(k);
  ByteView v(b);
  return R"({"type":"cpc/kfrag")" + field("id", v.subspan(0, 32)) +
         field("owner_sign", v.subspan(32, 32)) + field("owner_encrypt", v.subspan(64, 32)) +
         field("grantee", v.subspan(96, 32)) + ",\"threshold\":" + std::to_string(k.threshold) +
         field("precursor", v.subspan(132, 32)) + field("commitment", v.subspan(164, 32)) +
         field("rk", v.subspan(196, 32)) + field("sig", v.subspan(228, 64)) + "}";
}

Result<KeyFragment> parse_kfrag_record(std::string_view record) {
  auto b = record_to_binary(record, "cpc/kfrag",
                            {{"id", 32},
                             {"owner_sign", 32},
                             {"owner_encrypt", 32},
                             {"grantee", 32},
                             {"threshold", 4},
                             {"precursor", 32},
                             {"commitment", 32},
                             {"rk", 32},
                             {"sig", 64}});
  if (!b) return b.status();
  return decode_kfrag(*b);
}

std::string cfrag_record(const CapsuleFragment& f) {
  auto b = encode_cfrag(f);
  ByteView v(b);
  std::string s = R"({"type":"cpc/cfrag")" + field("id", v.subspan(0, 32)) +
                  ",\"threshold\":" + std::to_string(f.threshold);
  const char* names[] = {"precursor", "e1", "v1", "commitment", "e2", "v2", "u2", "z"};
  for (int i = 0; i < 8; ++i) s += field(names[i], v.subspan(36 + 32 * i, 32));
  return s + field("sig", v.subspan(292, 64)) + "}";
}

Result<CapsuleFragment> parse_cfrag_record(std::string_view record) {
  auto b = record_to_binary(record, "cpc/cfrag",
                            {{"id", 32},
                             {"threshold", 4},
                             {"precursor", 32},
                             {"e1", 32},
                             {"v1", 32},
                             {"commitment", 32},
                             {"e2", 32},
                             {"v2", 32},
                             {"u2", 32},
                             {"z", 32},
                             {"sig", 64}});
  if (!b) return b.status();
  return decode_cfrag(*b);
}

}  // namespace cpc::pre
