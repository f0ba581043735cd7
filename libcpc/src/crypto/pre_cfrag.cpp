// SPDX-License-Identifier: Apache-2.0
// Re-encapsulation and its proof (crypto.md §5.2): the proxy turns (E, V) into
// (rk·E, rk·V) and proves, Chaum–Pedersen style, that it used the rk the owner committed
// to; anyone holding the capsule and both public keys verifies the result.
#include <sodium.h>

#include <algorithm>
#include <mutex>

#include "cpc/pre.hpp"
#include "pre_internal.hpp"

namespace cpc::pre {

using group::Point;
using group::Scalar;

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

// z·P == P2 + h·P1: one equation of the proof.
bool proof_equation(const Scalar& z, const Point& p, const Point& p2, const Scalar& h,
                    const Point& p1) {
  auto lhs = p.mul(z);
  auto hp1 = p1.mul(h);
  if (!lhs || !hp1) return false;
  auto rhs = p2.add(*hp1);
  return rhs && *lhs == *rhs;
}

// Steps 2-4 of §5.2 for a capsule already checked.
Result<CapsuleFragment> reencapsulate_checked(const capsule::Capsule& c, const KeyFragment& k) {
  CapsuleFragment f;
  f.id = k.id;
  f.threshold = k.threshold;
  f.precursor = k.precursor;
  f.commitment = k.commitment;
  f.sig = k.sig;
  // rk != 0 (decode_kfrag and generation guarantee it) and E, V are not the identity, so
  // none of these products is the identity.
  auto e1 = c.e.mul(k.rk);
  auto v1 = c.v.mul(k.rk);
  if (!e1 || !v1) return Status::refused("kfrag " + k.short_id() + ": zero re-encryption key");
  f.e1 = *e1;
  f.v1 = *v1;
  Scalar tau = Scalar::random();
  f.e2 = c.e.mul(tau).value();
  f.v2 = c.v.mul(tau).value();
  f.u2 = generator_u().mul(tau).value();
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

Result<std::vector<CapsuleFragment>> reencapsulate(std::span<const capsule::Capsule> capsules,
                                                   const KeyFragment& kfrag) {
  // The proxy can check everything about the kfrag except that the embedded owner is the
  // one the requester expects; the node checks that against the grant (DESIGN.md §5).
  CPC_RETURN_IF_ERROR(check_kfrag_once(kfrag));
  std::vector<CapsuleFragment> out;
  out.reserve(capsules.size());
  for (std::size_t i = 0; i < capsules.size(); ++i) {
    if (!capsules[i].verify()) {
      return Status::refused("invalid capsule #" + std::to_string(i) +
                             " (check s·G = V + h·E fails)");
    }
    auto f = reencapsulate_checked(capsules[i], kfrag);
    if (!f) return f.status();
    out.push_back(std::move(*f));
  }
  return out;
}

Result<CapsuleFragment> reencapsulate(const capsule::Capsule& capsule, const KeyFragment& kfrag) {
  auto v = reencapsulate(std::span<const capsule::Capsule>(&capsule, 1), kfrag);
  if (!v) return Status::refused(v.status().message());
  return std::move(v->front());
}

Status verify_cfrag(const CapsuleFragment& cfrag, const capsule::Capsule& capsule,
                    const keys::PublicKey& owner, const Point& grantee) {
  const std::string who = "cfrag " + cfrag.short_id();
  if (cfrag.threshold < 1 || cfrag.threshold > kMaxFragments) {
    return Status::refused(who + ": threshold out of range");
  }
  // 1. The owner signed this commitment for this grantee, threshold and grant.
  Bytes m = internal::kfrag_message(cfrag.id, owner, grantee, cfrag.threshold, cfrag.precursor,
                                    cfrag.commitment);
  if (!internal::signature_valid(cfrag.sig, m, owner.sign)) {
    return Status::refused(who + ": not signed by owner " + owner.id() + " for this grantee");
  }
  // 2. E1, V1 and U1 share the discrete log rk to bases E, V, U.
  Scalar h = proof_challenge(capsule, cfrag);
  if (!proof_equation(cfrag.z, capsule.e, cfrag.e2, h, cfrag.e1) ||
      !proof_equation(cfrag.z, capsule.v, cfrag.v2, h, cfrag.v1) ||
      !proof_equation(cfrag.z, generator_u(), cfrag.u2, h, cfrag.commitment)) {
    return Status::refused(who + ": proof of re-encryption does not verify for this capsule");
  }
  return Status::ok();
}

}  // namespace cpc::pre
