// SPDX-License-Identifier: Apache-2.0
// Decapsulation by the grantee from t cfrags (crypto.md §5.3): verify every fragment,
// interpolate at 0 in scalar arithmetic, and combine the points with t multiplications;
// or, from fragments of mixed provenance, only those that verify.
#include <algorithm>

#include "cpc/crypto/pre.hpp"
#include "pre_internal.hpp"

namespace cpc::pre {

using group::Point;
using group::Scalar;

namespace {

// Steps 2-5 of §5.3 for t distinct fragments of one grant, already verified.
Result<capsule::Key> combine(const keys::SecretKey& grantee, const capsule::Capsule& capsule,
                             std::span<const CapsuleFragment* const> distinct) {
  const Point& b = grantee.public_key().encrypt;
  const CapsuleFragment& first = *distinct.front();
  const unsigned t = first.threshold;
  // Step 2: dh = b·X, d, and the share indices.
  internal::SharedPoint dh;
  if (!internal::diffie_hellman(grantee.encrypt_scalar(), first.precursor, dh)) {
    return Status::refused("invalid precursor");
  }
  Scalar d = internal::delegating_scalar(first.precursor, b, dh);
  std::vector<Scalar> x;
  x.reserve(t);
  for (const CapsuleFragment* f : distinct) {
    x.push_back(internal::share_index(first.precursor, b, dh, f->id));
  }

  // Steps 3-4: P = Σ (d·λi)·(E1i + V1i), λi = Π_{j≠i} xj / (xj − xi).
  Point shared;
  for (unsigned i = 0; i < t; ++i) {
    Scalar num = d;
    Scalar den = Scalar::from_u64(1);
    for (unsigned j = 0; j < t; ++j) {
      if (j == i) continue;
      num = num * x[j];
      den = den * (x[j] - x[i]);
    }
    if (den.is_zero()) return Status::refused("two cfrags share a share index");
    auto ev = distinct[i]->e1.add(distinct[i]->v1);
    if (!ev)
      return Status::refused("cfrag " + distinct[i]->short_id() + ": E1 + V1 is the identity");
    auto term = ev->mul(num * den.invert());
    if (!term) return Status::refused("degenerate Lagrange coefficient");
    if (i == 0) {
      shared = *term;
    } else {
      auto sum = shared.add(*term);
      if (!sum) return Status::refused("re-encrypted shares sum to the identity");
      shared = *sum;
    }
  }
  // Step 5: the KEM key of §4.
  capsule::Key key{};
  capsule::derive_key(capsule, shared, key);
  return key;
}

}  // namespace

Result<capsule::Key> decapsulate_frags(const keys::SecretKey& grantee, const keys::PublicKey& owner,
                                       const capsule::Capsule& capsule,
                                       std::span<const CapsuleFragment> cfrags) {
  if (cfrags.empty()) return Status::refused("no cfrags");
  const Point& b = grantee.public_key().encrypt;
  // Step 1: one grant, every fragment verified, copies counted once.
  const CapsuleFragment& first = cfrags.front();
  auto bases = internal::capsule_bases(capsule);
  if (!bases) return Status::refused("invalid capsule points");
  std::vector<const CapsuleFragment*> distinct;
  for (const CapsuleFragment& f : cfrags) {
    if (!(f.precursor == first.precursor) || f.threshold != first.threshold) {
      return Status::refused("cfrags " + first.short_id() + " and " + f.short_id() +
                             " come from different grants");
    }
    CPC_RETURN_IF_ERROR(internal::verify_cfrag(f, capsule, *bases, owner, b));
    bool seen = std::any_of(distinct.begin(), distinct.end(),
                            [&f](const CapsuleFragment* d) { return d->id == f.id; });
    if (!seen) distinct.push_back(&f);
  }
  const unsigned t = first.threshold;
  if (distinct.size() < t) {
    return Status::refused(std::to_string(distinct.size()) + " distinct cfrag(s), threshold is " +
                           std::to_string(t));
  }
  distinct.resize(t);
  return combine(grantee, capsule, distinct);
}

Result<capsule::Key> decapsulate_valid_frags(const keys::SecretKey& grantee,
                                             const keys::PublicKey& owner,
                                             const capsule::Capsule& capsule,
                                             std::span<const CapsuleFragment> cfrags) {
  const Point& b = grantee.public_key().encrypt;
  // Distinct verified fragments, grouped by grant (precursor and threshold).
  auto bases = internal::capsule_bases(capsule);
  if (!bases) return Status::refused("invalid capsule points");
  std::vector<std::vector<const CapsuleFragment*>> grants;
  std::string first_reason;
  std::size_t valid = 0;
  for (const CapsuleFragment& f : cfrags) {
    auto grant = std::find_if(grants.begin(), grants.end(), [&f](const auto& g) {
      return g.front()->precursor == f.precursor && g.front()->threshold == f.threshold;
    });
    if (grant != grants.end() &&
        std::any_of(grant->begin(), grant->end(), [&f](const auto* d) { return d->id == f.id; })) {
      continue;  // a copy of a fragment already verified
    }
    if (auto s = internal::verify_cfrag(f, capsule, *bases, owner, b); !s) {
      if (first_reason.empty()) first_reason = s.message();
      continue;
    }
    ++valid;
    if (grant == grants.end()) {
      grants.push_back({&f});
      grant = grants.end() - 1;
    } else {
      grant->push_back(&f);
    }
    if (grant->size() == f.threshold) return combine(grantee, capsule, *grant);
  }
  std::string need =
      grants.empty() ? "" : ", threshold is " + std::to_string(grants.front().front()->threshold);
  return Status::refused(std::to_string(valid) + " valid distinct cfrag(s) of " +
                         std::to_string(cfrags.size()) + need +
                         (first_reason.empty() ? "" : " (" + first_reason + ")"));
}

}  // namespace cpc::pre
