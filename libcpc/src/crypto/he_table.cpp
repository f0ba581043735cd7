// SPDX-License-Identifier: Apache-2.0
// The baby-step giant-step table of crypto.md §5.6: building it on edwards25519 coordinates
// (ed25519_point.hpp), writing it atomically with a checksummed header, mapping and verifying
// it on load, and the giant-step search whose every answer is re-checked with libsodium.
#include <fcntl.h>
#include <sodium.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <mutex>

#include "cpc/crypto/he.hpp"
#include "cpc/io/file.hpp"
#include "ed25519_point.hpp"

namespace cpc::he {

namespace f = ed25519;

namespace {

// The first 8 bytes (little-endian) of the canonical encoding of (x·y)^2, given 1/Z:
// invariant under the ristretto equivalence and under negation (crypto.md §5.6).
std::uint64_t key64(const f::Point& p, const f::Fe& z_inverse) {
  const auto b = f::to_bytes(f::sq(f::mul(p.t, z_inverse)));
  std::uint64_t k;
  std::memcpy(&k, b.data(), 8);
  return k;
}

constexpr char kMagic[8] = {'C', 'P', 'C', 'B', 'S', 'G', 'S', '1'};
constexpr std::size_t kHeaderBytes = 96;
constexpr std::size_t kBatch = 256;

void put_u32(std::uint8_t* p, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<std::uint8_t>(v >> (8 * i));
}
void put_u64(std::uint8_t* p, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) p[i] = static_cast<std::uint8_t>(v >> (8 * i));
}

// m·G through libsodium (the identity for m = 0), for the giant step and the final check.
std::array<std::uint8_t, 32> times_g(std::int64_t m) {
  std::array<std::uint8_t, 32> out{};
  if (m == 0) return out;
  std::uint64_t mag = m < 0 ? 0 - static_cast<std::uint64_t>(m) : static_cast<std::uint64_t>(m);
  group::Scalar s = group::Scalar::from_u64(mag);
  if (m < 0) s = s.negate();
  (void)crypto_scalarmult_ristretto255_base(out.data(), s.bytes().data());
  return out;
}

// The keys of `n` points (one batched inversion), each slot they hash to prefetched, so
// that the table's cache misses overlap instead of queueing; then visit(i, key64).
template <typename Visit>
void keys_of(const f::Point* pts, std::size_t n, const std::uint64_t* slots, std::size_t mask,
             Visit visit) {
  f::Fe zs[2 * kBatch], scratch[2 * kBatch];
  std::uint64_t keys[2 * kBatch];
  for (std::size_t i = 0; i < n; ++i) zs[i] = pts[i].z;
  f::batch_invert(zs, n, scratch);
  for (std::size_t i = 0; i < n; ++i) {
    keys[i] = key64(pts[i], zs[i]);
    __builtin_prefetch(slots + (keys[i] & mask));
  }
  for (std::size_t i = 0; i < n; ++i) visit(i, keys[i]);
}

std::array<std::uint8_t, 32> header_checksum(const std::uint64_t* slots, std::size_t n) {
  std::array<std::uint8_t, 32> h{};
  crypto_generichash(h.data(), h.size(), reinterpret_cast<const std::uint8_t*>(slots), n * 8,
                     nullptr, 0);
  return h;
}

std::array<std::uint8_t, kHeaderBytes> make_header(unsigned bits, const std::uint64_t* slots,
                                                   std::size_t n) {
  std::array<std::uint8_t, kHeaderBytes> h{};
  std::memcpy(h.data(), kMagic, 8);
  put_u32(h.data() + 8, 1);
  put_u32(h.data() + 12, bits);
  put_u64(h.data() + 16, n);
  put_u64(h.data() + 24, (std::uint64_t{1} << bits) + 1);
  auto step = times_g(std::int64_t{1} << (bits + 1));
  std::memcpy(h.data() + 32, step.data(), 32);
  auto sum = header_checksum(slots, n);
  std::memcpy(h.data() + 64, sum.data(), 32);
  return h;
}

Status make_dirs(const std::string& dir) {
  for (std::size_t pos = 1; pos <= dir.size(); ++pos) {
    if (pos == dir.size() || dir[pos] == '/') {
      std::string part = dir.substr(0, pos);
      if (mkdir(part.c_str(), 0700) != 0 && errno != EEXIST) {
        return Status::io("cannot create cache directory " + part + ": " + std::strerror(errno));
      }
    }
  }
  return Status::ok();
}

}  // namespace

struct TableAccess {
  static void build(DlogTable& t) {
    const std::size_t n = std::size_t{1} << (t.bits_ + 1);
    const std::uint64_t entries = (std::uint64_t{1} << t.bits_) + 1;
    t.owned_.assign(n, 0);
    const f::Cached g = f::cache(f::decode_ristretto(times_g(1)));
    f::Point batch[kBatch];
    f::Point cur = f::identity();
    for (std::uint64_t j0 = 0; j0 < entries; j0 += kBatch) {
      std::size_t m = static_cast<std::size_t>(std::min<std::uint64_t>(kBatch, entries - j0));
      for (std::size_t i = 0; i < m; ++i) {
        batch[i] = cur;
        cur = f::add(cur, g);
      }
      keys_of(batch, m, t.owned_.data(), n - 1, [&](std::size_t i, std::uint64_t key) {
        std::size_t idx = key & (n - 1);
        while (t.owned_[idx] != 0) idx = (idx + 1) & (n - 1);
        t.owned_[idx] = (key & 0xffffffff00000000ull) | (j0 + i + 1);
      });
    }
    t.slots_ = t.owned_.data();
    t.built_ = true;
  }

  // Maps and verifies the file; false (and nothing mapped) when it is missing or invalid.
  static bool load(DlogTable& t) {
    const std::size_t n = std::size_t{1} << (t.bits_ + 1);
    const std::size_t size = kHeaderBytes + 8 * n;
    int fd = ::open(t.path_.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    struct stat st {};
    void* map = MAP_FAILED;
    if (fstat(fd, &st) == 0 && static_cast<std::size_t>(st.st_size) == size) {
      map = mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
    }
    ::close(fd);
    if (map == MAP_FAILED) return false;
    const auto* bytes = static_cast<const std::uint8_t*>(map);
    const auto* slots = reinterpret_cast<const std::uint64_t*>(bytes + kHeaderBytes);
    // The header is recomputed from the body and compared whole: magic, version, sizes, the
    // giant step W·G and the BLAKE2b-256 checksum.
    auto expected = make_header(t.bits_, slots, n);
    if (std::memcmp(expected.data(), bytes, kHeaderBytes) != 0) {
      munmap(map, size);
      return false;
    }
    t.map_ = map;
    t.map_size_ = size;
    t.slots_ = slots;
    return true;
  }

  static Status write(const DlogTable& t) {
    const std::size_t n = t.owned_.size();
    auto header = make_header(t.bits_, t.owned_.data(), n);
    io::OutputFile out;
    CPC_RETURN_IF_ERROR(out.open(t.path_, 0644, /*overwrite=*/true));
    CPC_RETURN_IF_ERROR(out.write(ByteView(header)));
    CPC_RETURN_IF_ERROR(
        out.write(ByteView(reinterpret_cast<const std::uint8_t*>(t.owned_.data()), n * 8)));
    return out.commit();
  }

  static Result<std::shared_ptr<const DlogTable>> open(const std::string& dir, unsigned bits) {
    if (bits < 8 || bits > 26) return Status::bad_input("table bits must be 8..26");
    CPC_RETURN_IF_ERROR(make_dirs(dir));
    std::shared_ptr<DlogTable> t(new DlogTable());
    t->bits_ = bits;
    t->path_ = dir + "/bsgs-ristretto255-b" + std::to_string(bits) + ".bin";
    if (!load(*t)) {
      build(*t);
      CPC_RETURN_IF_ERROR(write(*t));
    }
    return std::shared_ptr<const DlogTable>(std::move(t));
  }
};

DlogTable::~DlogTable() {
  if (map_ != nullptr) munmap(map_, map_size_);
}

Result<std::shared_ptr<const DlogTable>> DlogTable::open(const std::string& cache_dir,
                                                         unsigned bits) {
  // The table is 2^bits × 16 bytes (32 MiB by default), built in memory when not cached.
  return catch_alloc("discrete-log table", [&] { return TableAccess::open(cache_dir, bits); });
}

Result<std::string> DlogTable::default_cache_dir() {
  auto env = [](const char* name) -> std::string {
    const char* v = std::getenv(name);
    return v != nullptr ? v : "";
  };
  if (!env("CPC_CACHE_DIR").empty()) return env("CPC_CACHE_DIR");
  if (!env("XDG_CACHE_HOME").empty()) return env("XDG_CACHE_HOME") + "/cpchain";
  if (!env("HOME").empty()) return env("HOME") + "/.cache/cpchain";
  return Status::io("no cache directory: set CPC_CACHE_DIR");
}

Result<std::shared_ptr<const DlogTable>> DlogTable::shared() {
  static std::mutex mu;
  static std::shared_ptr<const DlogTable> table;
  std::lock_guard<std::mutex> lock(mu);
  if (!table) {
    auto dir = default_cache_dir();
    if (!dir) return dir.status();
    auto t = open(*dir, kDefaultBits);
    if (!t) return t.status();
    table = *t;
  }
  return table;
}

Result<std::int64_t> DlogTable::solve(const std::array<std::uint8_t, 32>& point,
                                      unsigned range_bits) const {
  if (range_bits < bits_ || range_bits > 62) return Status::bad_input("range_bits out of bounds");
  const std::int64_t limit = std::int64_t{1} << range_bits;
  const std::int64_t w = std::int64_t{1} << (bits_ + 1);
  const std::int64_t k_max = (limit + w - 1) / w;
  const std::size_t n = std::size_t{1} << (bits_ + 1);
  const Status out_of_range =
      Status::refused("total outside the decryptable range ±2^" + std::to_string(range_bits));
  const f::Cached step = f::cache(f::decode_ristretto(times_g(w)));
  const f::Cached neg_step = f::negate(step);
  const f::Point start = f::decode_ristretto(point);
  // Walk down (M - k·W·G, even slots) and up (M + k·W·G, odd slots) together.
  f::Point down = start, up = start;
  f::Point batch[2 * kBatch];
  std::int64_t found = 0;
  bool hit = false;
  for (std::int64_t k0 = 0; k0 <= k_max && !hit; k0 += kBatch) {
    std::size_t m = static_cast<std::size_t>(std::min<std::int64_t>(kBatch, k_max + 1 - k0));
    for (std::size_t i = 0; i < m; ++i) {
      batch[2 * i] = down;
      batch[2 * i + 1] = up;
      down = f::add(down, neg_step);
      up = f::add(up, step);
    }
    keys_of(batch, 2 * m, slots_, n - 1, [&](std::size_t i, std::uint64_t key) {
      if (hit) return;
      const std::int64_t base = (i % 2 == 0 ? 1 : -1) * (k0 + static_cast<std::int64_t>(i / 2)) * w;
      for (std::size_t idx = key & (n - 1); slots_[idx] != 0; idx = (idx + 1) & (n - 1)) {
        if ((slots_[idx] & 0xffffffff00000000ull) != (key & 0xffffffff00000000ull)) continue;
        const auto j = static_cast<std::int64_t>(slots_[idx] & 0xffffffffull) - 1;
        for (std::int64_t cand : {base + j, base - j}) {
          if (times_g(cand) == point) {  // never trust the table alone
            found = cand;
            hit = true;
            return;
          }
        }
      }
    });
  }
  if (!hit || found > limit || found < -limit) return out_of_range;
  return found;
}

}  // namespace cpc::he
