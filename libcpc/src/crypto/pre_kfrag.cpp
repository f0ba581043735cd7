// SPDX-License-Identifier: Apache-2.0
// Key fragments (crypto.md §5.1): the generator U, the owner's signed fragments of a
// re-encryption key and their verification, and the helpers of pre_internal.hpp.
#include <sodium.h>

#include <cstring>

#include "cpc/codec/hex.hpp"
#include "cpc/crypto/pre.hpp"
#include "pre_internal.hpp"

namespace cpc::pre {

using group::Point;
using group::Scalar;

namespace internal {

Bytes kfrag_message(const FragmentId& id, const keys::PublicKey& owner, const Point& grantee,
                    unsigned threshold, const Point& precursor, const Point& commitment) {
  Bytes m(kTagKfrag.begin(), kTagKfrag.end());
  m.push_back(0x0a);
  auto put = [&m](const auto& a) { m.insert(m.end(), a.begin(), a.end()); };
  put(id);
  put(owner.sign);
  put(owner.encrypt.bytes());
  put(grantee.bytes());
  for (int i = 0; i < 4; ++i) m.push_back(static_cast<std::uint8_t>(threshold >> (8 * i)));
  put(precursor.bytes());
  put(commitment.bytes());
  return m;
}

bool signature_valid(const Signature& sig, const Bytes& message, const keys::SignPublic& signer) {
  return crypto_sign_verify_detached(sig.data(), message.data(), message.size(), signer.data()) ==
         0;
}

bool diffie_hellman(const Scalar& s, const Point& p, SharedPoint& out) {
  return crypto_scalarmult_ristretto255(out.value.data(), s.bytes().data(), p.bytes().data()) == 0;
}

Scalar delegating_scalar(const Point& precursor, const Point& grantee, const SharedPoint& dh) {
  return group::hash_to_scalar(
      kTagD, {group::view(precursor.bytes()), group::view(grantee.bytes()), group::view(dh.value)});
}

Scalar share_index(const Point& precursor, const Point& grantee, const SharedPoint& dh,
                   const FragmentId& id) {
  return group::hash_to_scalar(kTagX, {group::view(precursor.bytes()), group::view(grantee.bytes()),
                                       group::view(dh.value), group::view(id)});
}

std::string short_hex(const FragmentId& id) {
  return hex::encode(ByteView(id.data(), 8));
}

}  // namespace internal

const Point& generator_u() {
  // crypto.md §5: U = from_hash(H("cpc/pre-u/v1";)). A function-local static is initialised
  // once, thread-safely.
  static const Point u = Point::from_hash(group::hash_wide(internal::kTagU, {}));
  return u;
}

std::string KeyFragment::short_id() const {
  return internal::short_hex(id);
}
std::string CapsuleFragment::short_id() const {
  return internal::short_hex(id);
}

Result<std::vector<KeyFragment>> generate_kfrags(const keys::SecretKey& owner,
                                                 const Point& grantee_encrypt_pk, unsigned t,
                                                 unsigned n) {
  if (t < 1 || n < t || n > kMaxFragments) {
    return Status::bad_input("need 1 <= threshold <= fragments <= " +
                             std::to_string(kMaxFragments));
  }
  const Point& b = grantee_encrypt_pk;
  // Step 1-2: precursor X = x·G, dh = x·B, d = Hs(X, B, dh).
  Scalar x = Scalar::random();
  Point precursor = Point::base_mul(x);
  internal::SharedPoint dh;
  if (!internal::diffie_hellman(x, b, dh)) return Status::bad_input("invalid grantee key");
  Scalar d = internal::delegating_scalar(precursor, b, dh);
  if (d.is_zero()) return generate_kfrags(owner, b, t, n);  // probability 2^-252
  // Step 3: f(z) = a·d^-1 + f1·z + ... + f(t-1)·z^(t-1).
  std::vector<Scalar> coeffs;
  coeffs.reserve(t);
  coeffs.push_back(owner.encrypt_scalar() * d.invert());
  for (unsigned i = 1; i < t; ++i) coeffs.push_back(Scalar::random());

  std::vector<KeyFragment> out;
  std::vector<Scalar> indices;
  out.reserve(n);
  while (out.size() < n) {
    KeyFragment k;
    randombytes_buf(k.id.data(), k.id.size());
    Scalar xi = internal::share_index(precursor, b, dh, k.id);
    bool clash = xi.is_zero();
    for (const Scalar& seen : indices) clash = clash || seen == xi;
    if (clash) continue;  // draw another id (crypto.md §5.1 step 4)
    Scalar rk = coeffs.back();
    for (std::size_t i = coeffs.size() - 1; i-- > 0;) rk = rk * xi + coeffs[i];  // Horner
    if (rk.is_zero()) continue;
    indices.push_back(xi);
    k.owner = owner.public_key();
    k.grantee = b;
    k.threshold = t;
    k.precursor = precursor;
    k.commitment = generator_u().mul(rk).value();  // rk != 0, U has prime order
    k.rk = rk;
    Bytes m = internal::kfrag_message(k.id, k.owner, b, t, precursor, k.commitment);
    crypto_sign_detached(k.sig.data(), nullptr, m.data(), m.size(), owner.ed25519_secret());
    out.push_back(std::move(k));
  }
  // x, d, the coefficients (Scalars) and dh (Wiped) wipe themselves.
  return out;
}

Status verify_kfrag(const KeyFragment& kfrag, const keys::PublicKey& owner, const Point& grantee) {
  const std::string who = "kfrag " + kfrag.short_id();
  if (kfrag.owner.sign != owner.sign || !(kfrag.owner.encrypt == owner.encrypt)) {
    return Status::refused(who + " is from another owner (" + kfrag.owner.id() + ", expected " +
                           owner.id() + ")");
  }
  if (!(kfrag.grantee == grantee)) return Status::refused(who + " is for another grantee");
  if (kfrag.threshold < 1 || kfrag.threshold > kMaxFragments) {
    return Status::refused(who + ": threshold out of range");
  }
  Bytes m = internal::kfrag_message(kfrag.id, owner, grantee, kfrag.threshold, kfrag.precursor,
                                    kfrag.commitment);
  if (!internal::signature_valid(kfrag.sig, m, owner.sign)) {
    return Status::refused(who + ": owner signature does not verify (owner " + owner.id() + ")");
  }
  auto u1 = generator_u().mul(kfrag.rk);
  if (!u1 || !(*u1 == kfrag.commitment)) {
    return Status::refused(who + ": re-encryption key does not match its commitment");
  }
  return Status::ok();
}

}  // namespace cpc::pre
