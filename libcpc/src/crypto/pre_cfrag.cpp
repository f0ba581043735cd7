// SPDX-License-Identifier: Apache-2.0
// Re-encapsulation and its proof (crypto.md §5.2): the proxy turns (E, V) into
// (rk·E, rk·V) and proves, Chaum–Pedersen style, that it used the rk the owner committed
// to; anyone holding the capsule and both public keys verifies the result.
#include <sodium.h>

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <mutex>

#include "capsule_check.hpp"
#include "cpc/crypto/pre.hpp"
#include "ct_mul.hpp"
#include "msm.hpp"
#include "pre_internal.hpp"

namespace cpc::pre {

using group::Point;
using group::Scalar;
namespace ed = ed25519;

namespace {

// h = Hs("cpc/cfrag-proof/v1"; E, E1, E2, V, V1, V2, U, U1, U2).
Scalar proof_challenge(const capsule::Capsule& c, const CapsuleFragment& f) {
  using group::view;
  return group::hash_to_scalar(
      internal::kTagProof,
      {view(c.e.bytes()), view(f.e1.bytes()), view(f.e2.bytes()), view(c.v.bytes()),
       view(f.v1.bytes()), view(f.v2.bytes()), view(generator_u().bytes()),
       view(f.commitment.bytes()), view(f.u2.bytes())});
}

// A public point as an Edwards representative (negated when `negate`) with its table of odd
// multiples for msm. Points held in a group::Point are valid, so the checked decode cannot
// fail; if it ever did, the proof is refused.
bool tabled(const Point& p, ed::MsmTable& table, bool negate = false) {
  ed::Point q;
  if (!ed::decode_ristretto_checked(p.bytes().data(), q)) return false;
  if (negate) {
    const ed::Fe zero = ed::from_u64(0);
    q.x = ed::sub(zero, q.x);
    q.t = ed::sub(zero, q.t);
  }
  table = ed::msm_table(q);
  return true;
}

// The table of U, built once.
const ed::MsmTable& table_u() {
  static const ed::MsmTable t = [] {
    ed::MsmTable table;
    if (!tabled(generator_u(), table)) std::abort();  // a constant; pinned by a unit test
    return table;
  }();
  return t;
}

// A random scalar below 2^128 (the batching weights of proof_holds).
Scalar weight() {
  std::array<std::uint8_t, 32> w{};
  randombytes_buf(w.data(), 16);
  return Scalar::decode(group::view(w)).value();
}

// The three equations of §5.2 step 2, z·E == E2 + h·E1, z·V == V2 + h·V1, z·U == U2 + h·U1,
// checked at once as one variable-time multi-scalar multiplication with fresh random 128-bit
// weights ρ1, ρ2 (small-exponent batch verification, crypto.md §5.2):
//   z·E + ρ1z·V + ρ2z·U − h·E1 − ρ1h·V1 − ρ2h·U1 − ρ1·V2 − ρ2·U2 == E2,
// compared as ristretto255 elements without encoding. If any equation fails, this one holds
// with probability at most 2^-128 (the group has prime order L > 2^252 and the weights are
// drawn after the cfrag is fixed). Every input is public, so variable time is safe here.
bool proof_holds(const internal::CapsuleBases& bases, const CapsuleFragment& f, const Scalar& h) {
  ed::MsmTable e1, v1, u1, minus_v2, minus_u2;
  ed::Point e2;
  if (!tabled(f.e1, e1) || !tabled(f.v1, v1) || !tabled(f.commitment, u1) ||
      !tabled(f.v2, minus_v2, true) || !tabled(f.u2, minus_u2, true) ||
      !ed::decode_ristretto_checked(f.e2.bytes().data(), e2)) {
    return false;
  }
  const Scalar rho1 = weight(), rho2 = weight();
  const Scalar minus_h = h.negate();
  const Scalar s[8] = {f.z,  rho1 * f.z, rho2 * f.z, minus_h, rho1 * minus_h, rho2 * minus_h,
                       rho1, rho2};
  const ed::MsmTerm terms[8] = {
      {s[0].bytes().data(), &bases.e},   {s[1].bytes().data(), &bases.v},
      {s[2].bytes().data(), &table_u()}, {s[3].bytes().data(), &e1},
      {s[4].bytes().data(), &v1},        {s[5].bytes().data(), &u1},
      {s[6].bytes().data(), &minus_v2},  {s[7].bytes().data(), &minus_u2}};
  return ed::same_element(ed::msm(terms, 8), e2);
}

}  // namespace

namespace internal {

std::optional<CapsuleBases> capsule_bases(const capsule::Capsule& c) {
  CapsuleBases b;
  if (!tabled(c.e, b.e) || !tabled(c.v, b.v)) return std::nullopt;
  return b;
}

}  // namespace internal

namespace {

// U's constant-time tables in 64 pieces (τ·U with no doubling), built once (~90 KiB).
const ed::CtBase<64>& ct_table_u() {
  static const std::unique_ptr<ed::CtBase<64>> t = [] {
    auto b = std::make_unique<ed::CtBase<64>>();
    ed::Point u;
    if (!ed::decode_ristretto_checked(generator_u().bytes().data(), u)) std::abort();
    ed::ct_base(u, *b);
    return b;
  }();
  return *t;
}

// Steps 1 (the capsule check, unless `checked`) to 4 of §5.2 for one capsule, with rk's
// digits already recoded. The five products rk·E, rk·V, τ·E, τ·V, τ·U are computed in
// constant time (ct_mul.hpp): E and V are decoded once and their tables shared by rk and τ,
// the capsule check reuses E's pieces (public values, variable time), and the five results
// are encoded together. Secret intermediates (τ's digits, the unencoded products) are wiped.
Result<CapsuleFragment> reencapsulate_one(const capsule::Capsule& c, const KeyFragment& k,
                                          const ed::CtDigits& rk, bool checked, std::size_t index) {
  const auto invalid = [&] {
    return Status::refused("invalid capsule #" + std::to_string(index) +
                           " (check s·G = V + h·E fails)");
  };
  ed::Point e, v;
  if (!capsule::internal::decode_points(c, e, v)) return invalid();
  ed::CtBase<4> te, tv;
  ed::ct_base(e, te);
  ed::ct_base(v, tv);
  if (!checked && !capsule::internal::check(c, te, v)) return invalid();

  const Scalar tau = Scalar::random();
  ed::CtDigits td = ed::ct_digits(tau.bytes().data());
  ed::Point out[5] = {ed::ct_mul(rk, te), ed::ct_mul(rk, tv), ed::ct_mul(td, te),
                      ed::ct_mul(td, tv), ed::ct_mul(td, ct_table_u())};
  std::array<std::uint8_t, 32> enc[5];
  ed::encode_ristretto_n(out, 5, enc);
  sodium_memzero(&td, sizeof td);
  sodium_memzero(out, sizeof out);
  for (const auto& x : enc) {
    // rk, τ != 0 and E, V, U are not the identity, in a group of prime order.
    if (sodium_is_zero(x.data(), x.size()) == 1) {
      return Status::refused("kfrag " + k.short_id() + ": zero re-encryption key");
    }
  }
  CapsuleFragment f;
  f.id = k.id;
  f.threshold = k.threshold;
  f.precursor = k.precursor;
  f.commitment = k.commitment;
  f.sig = k.sig;
  f.e1 = Point::from_own_encoding(enc[0]);
  f.v1 = Point::from_own_encoding(enc[1]);
  f.e2 = Point::from_own_encoding(enc[2]);
  f.v2 = Point::from_own_encoding(enc[3]);
  f.u2 = Point::from_own_encoding(enc[4]);
  f.z = tau + proof_challenge(c, f) * k.rk;
  return f;
}

// The kfrags this process has already checked (crypto.md §5.2), by the BLAKE2b-256 of their
// full encoding (rk included), most recent last. A hit means a byte-identical kfrag passed
// verify_kfrag before, so the result would be the same; this is Umbral's "VerifiedKeyFrag"
// without a second type. Bounded, and guarded by a mutex.
class CheckedKfrags {
 public:
  bool contains(const std::array<std::uint8_t, 32>& digest) {
    std::lock_guard<std::mutex> lock(mu_);
    return std::find(digests_.begin(), digests_.end(), digest) != digests_.end();
  }
  void add(const std::array<std::uint8_t, 32>& digest) {
    std::lock_guard<std::mutex> lock(mu_);
    if (digests_.size() == kCapacity) digests_.erase(digests_.begin());
    digests_.push_back(digest);
  }

 private:
  static constexpr std::size_t kCapacity = 64;
  std::mutex mu_;
  std::vector<std::array<std::uint8_t, 32>> digests_;
};

Status check_kfrag_once(const KeyFragment& k) {
  static CheckedKfrags checked;
  auto enc = encode_kfrag(k);
  std::array<std::uint8_t, 32> digest{};
  crypto_generichash(digest.data(), digest.size(), enc.data(), enc.size(), nullptr, 0);
  sodium_memzero(enc.data(), enc.size());
  if (checked.contains(digest)) return Status::ok();
  CPC_RETURN_IF_ERROR(verify_kfrag(k, k.owner, k.grantee));
  checked.add(digest);
  return Status::ok();
}

}  // namespace

namespace {

Result<std::vector<CapsuleFragment>> reencapsulate_all(std::span<const capsule::Capsule> capsules,
                                                       const KeyFragment& kfrag, bool checked) {
  // The proxy can check everything about the kfrag except that the embedded owner is the
  // one the requester expects; the node checks that against the grant (docs/architecture.md §5).
  CPC_RETURN_IF_ERROR(check_kfrag_once(kfrag));
  std::vector<CapsuleFragment> out;
  if (capsules.empty()) return out;
  if (kfrag.rk.is_zero()) {
    return Status::refused("kfrag " + kfrag.short_id() + ": zero re-encryption key");
  }
  out.reserve(capsules.size());
  ed::CtDigits rk = ed::ct_digits(kfrag.rk.bytes().data());
  Status failed = Status::ok();
  for (std::size_t i = 0; i < capsules.size(); ++i) {
    auto f = reencapsulate_one(capsules[i], kfrag, rk, checked, i);
    if (!f) {
      failed = f.status();
      break;
    }
    out.push_back(std::move(*f));
  }
  sodium_memzero(&rk, sizeof rk);
  if (!failed) return failed;
  return out;
}

}  // namespace

Result<std::vector<CapsuleFragment>> reencapsulate(std::span<const capsule::Capsule> capsules,
                                                   const KeyFragment& kfrag) {
  return reencapsulate_all(capsules, kfrag, false);
}

namespace internal {

Result<std::vector<CapsuleFragment>> reencapsulate_verified(
    std::span<const capsule::Capsule> capsules, const KeyFragment& kfrag) {
  return reencapsulate_all(capsules, kfrag, true);
}

}  // namespace internal

Result<CapsuleFragment> reencapsulate(const capsule::Capsule& capsule, const KeyFragment& kfrag) {
  auto v = reencapsulate(std::span<const capsule::Capsule>(&capsule, 1), kfrag);
  if (!v) return Status::refused(v.status().message());
  return std::move(v->front());
}

Status verify_cfrag(const CapsuleFragment& cfrag, const capsule::Capsule& capsule,
                    const keys::PublicKey& owner, const Point& grantee) {
  auto bases = internal::capsule_bases(capsule);
  if (!bases) return Status::refused("cfrag " + cfrag.short_id() + ": invalid capsule points");
  return internal::verify_cfrag(cfrag, capsule, *bases, owner, grantee);
}

namespace internal {

Status verify_cfrag(const CapsuleFragment& cfrag, const capsule::Capsule& capsule,
                    const CapsuleBases& bases, const keys::PublicKey& owner, const Point& grantee) {
  const std::string who = "cfrag " + cfrag.short_id();
  if (cfrag.threshold < 1 || cfrag.threshold > kMaxFragments) {
    return Status::refused(who + ": threshold out of range");
  }
  // 1. The owner signed this commitment for this grantee, threshold and grant.
  Bytes m =
      kfrag_message(cfrag.id, owner, grantee, cfrag.threshold, cfrag.precursor, cfrag.commitment);
  if (!signature_valid(cfrag.sig, m, owner.sign)) {
    return Status::refused(who + ": not signed by owner " + owner.id() + " for this grantee");
  }
  // 2. E1, V1 and U1 share the discrete log rk to bases E, V, U.
  if (!proof_holds(bases, cfrag, proof_challenge(capsule, cfrag))) {
    return Status::refused(who + ": proof of re-encryption does not verify for this capsule");
  }
  return Status::ok();
}

}  // namespace internal

}  // namespace cpc::pre
