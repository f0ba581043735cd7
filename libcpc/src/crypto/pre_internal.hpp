// SPDX-License-Identifier: Apache-2.0
// Pieces of crypto.md §5 shared by the kfrag, cfrag and decapsulation code: the signed
// message of a kfrag, the delegating scalar d and the share index of a fragment. Internal to
// libcpc.
#pragma once

#include <optional>
#include <string>

#include "cpc/crypto/pre.hpp"
#include "cpc/crypto/secure_memory.hpp"
#include "msm.hpp"

namespace cpc::pre::internal {

inline constexpr std::string_view kTagU = "cpc/pre-u/v1";
inline constexpr std::string_view kTagD = "cpc/pre-d/v1";
inline constexpr std::string_view kTagX = "cpc/pre-x/v1";
inline constexpr std::string_view kTagKfrag = "cpc/kfrag/v1";
inline constexpr std::string_view kTagProof = "cpc/cfrag-proof/v1";

// M = "cpc/kfrag/v1" || 0x0a || id || owner_sign || A || B || u32le(t) || X || U1 (§5.1).
Bytes kfrag_message(const FragmentId& id, const keys::PublicKey& owner, const group::Point& grantee,
                    unsigned threshold, const group::Point& precursor,
                    const group::Point& commitment);

// Ed25519 verification of a kfrag signature.
bool signature_valid(const Signature& sig, const Bytes& message, const keys::SignPublic& signer);

// The Diffie-Hellman point dh = x·B = b·X. Secret: with it and t kfrags, proxies could
// compute d and the share indices, hence the owner's key; so it lives in wiped memory.
using SharedPoint = Wiped<std::array<std::uint8_t, 32>>;
// dh = s·P into `out`; false if the result is the identity (s = 0).
bool diffie_hellman(const group::Scalar& s, const group::Point& p, SharedPoint& out);

// d = Hs("cpc/pre-d/v1"; X, B, dh).
group::Scalar delegating_scalar(const group::Point& precursor, const group::Point& grantee,
                                const SharedPoint& dh);
// xi = Hs("cpc/pre-x/v1"; X, B, dh, id).
group::Scalar share_index(const group::Point& precursor, const group::Point& grantee,
                          const SharedPoint& dh, const FragmentId& id);

std::string short_hex(const FragmentId& id);

// A capsule's E and V decoded once, with their msm tables, for checking several cfrag
// proofs against the same capsule (public values: variable-time arithmetic, msm.hpp).
// nullopt only if a point fails to decode, which a valid group::Point never does.
struct CapsuleBases {
  ed25519::MsmTable e, v;
};
std::optional<CapsuleBases> capsule_bases(const capsule::Capsule& c);
// pre::verify_cfrag with the capsule's bases already built.
Status verify_cfrag(const CapsuleFragment& cfrag, const capsule::Capsule& capsule,
                    const CapsuleBases& bases, const keys::PublicKey& owner,
                    const group::Point& grantee);

// pre::reencapsulate for capsules that already passed Capsule::verify, as every capsule of
// Capsule::decode has (reencrypt::reencrypt's, read by a CapsuleReader): the capsule check is
// not repeated. Everything else (the kfrag check, the constant-time products) is the same.
Result<std::vector<CapsuleFragment>> reencapsulate_verified(
    std::span<const capsule::Capsule> capsules, const KeyFragment& kfrag);

}  // namespace cpc::pre::internal
