// SPDX-License-Identifier: Apache-2.0
// Fast homomorphic sums (he.hpp Summer, crypto.md §5.5): ciphertexts are public, so they are
// decoded and added with the edwards25519 arithmetic of ed25519_point.hpp and
// encoded once at the end, instead of a decode-add-encode round trip through libsodium per
// addition. The result is re-decoded by libsodium (group::Point::decode) before it is used.
#include <algorithm>
#include <cstring>
#include <optional>
#include <span>
#include <system_error>
#include <thread>
#include <vector>

#include "cpc/crypto/he.hpp"
#include "ed25519_point.hpp"

namespace cpc::he {

namespace ed = ed25519;

namespace {

using Bytes32 = std::array<std::uint8_t, 32>;

// Lowercase hex digit values, -1 for anything else.
constexpr std::array<std::int8_t, 256> kHexValue = [] {
  std::array<std::int8_t, 256> t{};
  for (auto& v : t) v = -1;
  for (int c = '0'; c <= '9'; ++c)
    t[static_cast<std::size_t>(c)] = static_cast<std::int8_t>(c - '0');
  for (int c = 'a'; c <= 'f'; ++c) {
    t[static_cast<std::size_t>(c)] = static_cast<std::int8_t>(c - 'a' + 10);
  }
  return t;
}();

// Lowercase hex of exactly 64 digits at `in` into `out`; false for anything else.
bool lower_hex32(std::string_view in, Bytes32& out) {
  if (in.size() != 64) return false;
  int bad = 0;
  for (std::size_t i = 0; i < 32; ++i) {
    const int hi = kHexValue[static_cast<unsigned char>(in[2 * i])];
    const int lo = kHexValue[static_cast<unsigned char>(in[2 * i + 1])];
    bad |= hi | lo;  // negative when either is -1
    out[i] = static_cast<std::uint8_t>((hi & 0xf) << 4 | (lo & 0xf));
  }
  return bad >= 0;
}

// A JSON integer without leading zeros, 1 to 16 digits.
bool json_uint(std::string_view in, std::uint64_t& out) {
  if (in.empty() || in.size() > 16 || (in.size() > 1 && in[0] == '0')) return false;
  out = 0;
  for (char c : in) {
    if (c < '0' || c > '9') return false;
    out = out * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return true;
}

// The fields of a record in he_record()'s exact layout; false when the layout differs.
struct RawRecord {
  Bytes32 to, c1, c2;
  std::uint64_t scale = 0, count = 0;
};
bool split_canonical(std::string_view r, RawRecord& out) {
  auto take = [&r](std::string_view literal) {
    if (r.substr(0, literal.size()) != literal) return false;
    r.remove_prefix(literal.size());
    return true;
  };
  auto hex = [&r](Bytes32& b) {
    if (r.size() < 64 || !lower_hex32(r.substr(0, 64), b)) return false;
    r.remove_prefix(64);
    return true;
  };
  auto number = [&r](char end, std::uint64_t& n) {
    auto stop = r.find(end);
    if (stop == std::string_view::npos || !json_uint(r.substr(0, stop), n)) return false;
    r.remove_prefix(stop);
    return true;
  };
  return take(R"({"type":"cpc/he","to":")") && hex(out.to) && take(R"(","scale":)") &&
         number(',', out.scale) && take(R"(,"c1":")") && hex(out.c1) && take(R"(","c2":")") &&
         hex(out.c2) && take(R"(","count":)") && number('}', out.count) && take("}") && r.empty();
}

// A record made ready for summing, off the summing thread: its error, or its validated
// recipient, scale and count (its points go into the preparing thread's partial sums).
struct Prepared {
  Status status;
  group::Point to;
  unsigned scale = 0;
  std::uint64_t count = 0;
};

// Partial sums of the points of a run of records, and the last recipient key validated (a
// stream is normally for one recipient, whose key is then decoded once per thread).
struct Partial {
  ed::Point c1 = ed::identity(), c2 = ed::identity();
  std::optional<group::Point> last_to;

  void add(const ed::Point& p1, const ed::Point& p2) {
    c1 = ed::add(c1, ed::cache(p1));
    c2 = ed::add(c2, ed::cache(p2));
  }
};

// Prepares records[i] into out[i] for every i, adding their points to `part`, until the first
// record that fails (its status says why, with add_record's message; the later ones are left
// untouched). Validation in parse_he_record's order: to, c1, c2 (Point::decode's checks).
// Records in he_record()'s exact layout are decoded kDecodeLanes / 2 at a time
// (ed::decode_ristretto_checked_n); any other spelling goes to the strict parser.
// Pure except for `out` and `part`: runs on any thread.
void prepare(std::span<const std::string_view> records, Prepared* out, Partial& part) {
  constexpr std::size_t kGroup = ed::kDecodeLanes / 2 > 0 ? ed::kDecodeLanes / 2 : 1;
  struct Pending {
    std::size_t index;
    RawRecord raw;
  };
  Pending pending[kGroup];
  std::size_t n_pending = 0;
  // Decodes the pending records' points; false after the first failing record.
  auto flush = [&]() -> bool {
    const std::uint8_t* in[2 * kGroup];
    ed::Point pts[2 * kGroup];
    bool ok[2 * kGroup];
    for (std::size_t k = 0; k < n_pending; ++k) {
      in[2 * k] = pending[k].raw.c1.data();
      in[2 * k + 1] = pending[k].raw.c2.data();
    }
    ed::decode_ristretto_checked_n(in, 2 * n_pending, pts, ok);
    const std::size_t n = n_pending;
    n_pending = 0;
    for (std::size_t k = 0; k < n; ++k) {
      Prepared& p = out[pending[k].index];
      for (int c = 0; c < 2; ++c) {
        const char* name = c == 0 ? "c1" : "c2";
        const Bytes32& bytes = c == 0 ? pending[k].raw.c1 : pending[k].raw.c2;
        if (!ok[2 * k + c]) {
          p.status = Status::bad_input(std::string("cpc/he \"") + name +
                                       "\": invalid ristretto255 point encoding");
          return false;
        }
        if (bytes == Bytes32{}) {
          p.status =
              Status::bad_input(std::string("cpc/he \"") + name + "\": identity point not allowed");
          return false;
        }
      }
      part.add(pts[2 * k], pts[2 * k + 1]);
    }
    return true;
  };

  for (std::size_t i = 0; i < records.size(); ++i) {
    Prepared& p = out[i];
    RawRecord raw;
    if (!split_canonical(records[i], raw) || raw.scale > kMaxScale || raw.count < 1 ||
        raw.count > kMaxCount) {
      if (!flush()) return;
      auto c = parse_he_record(records[i]);  // the strict parser decides, and explains
      if (!c) {
        p.status = c.status();
        return;
      }
      // Points of a parsed Ciphertext were validated by the parser.
      part.add(ed::decode_ristretto(c->c1.bytes()), ed::decode_ristretto(c->c2.bytes()));
      p.to = c->to;
      p.scale = c->scale;
      p.count = c->count;
      continue;
    }
    if (!part.last_to || std::memcmp(raw.to.data(), part.last_to->bytes().data(), 32) != 0) {
      auto to = group::Point::decode(raw.to);
      if (!to) {
        if (!flush()) return;
        p.status = to.status().with_context("cpc/he \"to\"");
        return;
      }
      part.last_to = *to;
    }
    p.to = *part.last_to;
    p.scale = static_cast<unsigned>(raw.scale);
    p.count = raw.count;
    pending[n_pending++] = {i, raw};
    if (n_pending == kGroup && !flush()) return;
  }
  flush();
}

}  // namespace

struct Summer::State {
  std::uint64_t n = 0;
  group::Point to;
  unsigned scale = 0;
  std::uint64_t count = 0;
  ed::Point c1 = ed::identity(), c2 = ed::identity();

  // add()'s checks of recipient, scale and count, in its order, and the count and size
  // updated when they pass.
  Status admit(const group::Point& c_to, unsigned c_scale, std::uint64_t c_count) {
    if (n > 0) {
      if (!(c_to == to)) return Status::refused("ciphertexts are for different recipients");
      if (c_scale != scale) {
        return Status::bad_input("ciphertexts have different scales (" + std::to_string(scale) +
                                 " and " + std::to_string(c_scale) + ")");
      }
      if (count > kMaxCount - c_count) return Status::bad_input("count overflow");
    } else {
      to = c_to;
      scale = c_scale;
    }
    count += c_count;
    ++n;
    return Status::ok();
  }
  void accumulate(const ed::Point& p1, const ed::Point& p2) {
    c1 = ed::add(c1, ed::cache(p1));
    c2 = ed::add(c2, ed::cache(p2));
  }
};

Summer::Summer() : s_(std::make_unique<State>()) {}
Summer::~Summer() = default;

std::uint64_t Summer::size() const {
  return s_->n;
}

Status Summer::add(const Ciphertext& c) {
  CPC_RETURN_IF_ERROR(s_->admit(c.to, c.scale, c.count));
  // Points of a Ciphertext were validated when it was made or parsed.
  s_->accumulate(ed::decode_ristretto(c.c1.bytes()), ed::decode_ristretto(c.c2.bytes()));
  return Status::ok();
}

Status Summer::add_record(std::string_view record) {
  std::size_t failed = 0;
  return add_records(std::span<const std::string_view>(&record, 1), failed);
}

Status Summer::add_records(std::span<const std::string_view> records, std::size_t& failed) {
  std::vector<Prepared> prepared(records.size());
  Partial first, second;
  // Two threads for a batch worth it: records[0, half) here, [half, n) on a helper thread.
  std::size_t half = records.size();
  std::thread helper;
  bool helper_ok = true;  // an exception must not leave the helper thread (std::terminate)
  if (records.size() >= kParallelRecords && std::thread::hardware_concurrency() > 1) {
    half = records.size() / 2;
    try {
      helper = std::thread([&] {
        try {
          prepare(records.subspan(half), prepared.data() + half, second);
        } catch (...) {
          helper_ok = false;
        }
      });
    } catch (const std::system_error&) {
      half = records.size();  // no thread to be had: all of it here
    }
  }
  prepare(records.first(half), prepared.data(), first);
  if (helper.joinable()) helper.join();
  if (!helper_ok) return Status::io("out of memory (homomorphic sum)");
  // In order, as a chain of add_record: the first failing record's error, and nothing of
  // this batch added then.
  State saved = *s_;
  for (std::size_t i = 0; i < records.size(); ++i) {
    Status st = prepared[i].status;
    if (st) st = s_->admit(prepared[i].to, prepared[i].scale, prepared[i].count);
    if (!st) {
      *s_ = saved;
      failed = i;
      return st;
    }
  }
  s_->accumulate(first.c1, first.c2);
  s_->accumulate(second.c1, second.c2);
  return Status::ok();
}

Result<Ciphertext> Summer::total() const {
  if (s_->n == 0) return Status::bad_input("nothing to sum");
  auto c1 = group::Point::decode(ed::encode_ristretto(s_->c1));
  auto c2 = group::Point::decode(ed::encode_ristretto(s_->c2));
  if (!c1 || !c2) return Status::bad_input("ciphertext sum has an identity component");
  return Ciphertext{s_->to, *c1, *c2, s_->scale, s_->count};
}

Status Summer::add(std::span<const Ciphertext> cts, std::size_t& failed) {
  // The checks in order, on a copy of the state (nothing added on failure).
  State next = *s_;
  for (std::size_t i = 0; i < cts.size(); ++i) {
    if (auto st = next.admit(cts[i].to, cts[i].scale, cts[i].count); !st) {
      failed = i;
      return st;
    }
  }
  // Points of a Ciphertext were validated when it was made or parsed: decode them
  // kDecodeLanes at a time, each half of a large batch on its own thread.
  auto partial = [](std::span<const Ciphertext> part, Partial& out) {
    constexpr std::size_t kGroup = ed::kDecodeLanes / 2 > 0 ? ed::kDecodeLanes / 2 : 1;
    const std::uint8_t* in[2 * kGroup];
    ed::Point pts[2 * kGroup];
    bool ok[2 * kGroup];
    for (std::size_t i = 0; i < part.size(); i += kGroup) {
      const std::size_t n = std::min(kGroup, part.size() - i);
      for (std::size_t k = 0; k < n; ++k) {
        in[2 * k] = part[i + k].c1.bytes().data();
        in[2 * k + 1] = part[i + k].c2.bytes().data();
      }
      ed::decode_ristretto_checked_n(in, 2 * n, pts, ok);
      for (std::size_t k = 0; k < n; ++k) out.add(pts[2 * k], pts[2 * k + 1]);
    }
  };
  Partial first, second;
  std::size_t half = cts.size();
  std::thread helper;
  bool helper_ok = true;
  if (cts.size() >= kParallelRecords && std::thread::hardware_concurrency() > 1) {
    half = cts.size() / 2;
    try {
      helper = std::thread([&] {
        try {
          partial(cts.subspan(half), second);
        } catch (...) {
          helper_ok = false;
        }
      });
    } catch (const std::system_error&) {
      half = cts.size();
    }
  }
  partial(cts.first(half), first);
  if (helper.joinable()) helper.join();
  if (!helper_ok) return Status::io("out of memory (homomorphic sum)");
  *s_ = next;
  s_->accumulate(first.c1, first.c2);
  s_->accumulate(second.c1, second.c2);
  return Status::ok();
}

Result<Ciphertext> sum(std::span<const Ciphertext> cts) {
  if (cts.empty()) return Status::bad_input("nothing to sum");
  Summer summer;
  std::size_t failed = 0;
  if (auto s = summer.add(cts, failed); !s) {
    return s.with_context("ciphertext #" + std::to_string(failed));
  }
  return summer.total();
}

}  // namespace cpc::he
