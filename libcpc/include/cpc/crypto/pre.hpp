// SPDX-License-Identifier: Apache-2.0
// Threshold proxy re-encryption after Umbral (crypto.md §5): the owner of an encryption key
// splits a re-encryption key into n key fragments (kfrags), any t of which let proxies turn
// a capsule sealed to the owner (capsule.hpp) into capsule fragments (cfrags) that the
// grantee combines to obtain the capsule's key. Each kfrag is signed by the owner; each
// cfrag carries a Chaum–Pedersen proof of correct re-encryption. Records: formats-pre.md.
//
// Errors: kBadInput for malformed encodings and records (every point and scalar goes
// through group::Point::decode / Scalar::decode) and impossible parameters; kRefused when
// a signature, proof or capsule check fails, for mixed grants, duplicates short of the
// threshold, or too few fragments. Messages name the fragment id (16 hex digits).
//
// Costs are given in ristretto255 scalar multiplications ("mults", ~43 µs variable-base,
// ~15 µs base) and Ed25519 operations; scalar arithmetic is negligible. A cfrag proof is
// checked with one variable-time multi-scalar multiplication of 8 terms ("MSM", ~1.3 mults;
// all of its inputs are public, crypto.md §5.2 and §5.7).
//
// Thread safety: values and pure functions; the only shared state is libsodium's RNG and
// the set of already-checked kfrags behind reencapsulate (guarded by a mutex).
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cpc/crypto/capsule.hpp"
#include "cpc/crypto/group.hpp"
#include "cpc/crypto/keys.hpp"
#include "cpc/status.hpp"

namespace cpc::pre {

inline constexpr unsigned kMaxFragments = 256;
inline constexpr std::size_t kIdBytes = 32;
inline constexpr std::size_t kSignatureBytes = 64;
inline constexpr std::size_t kKeyFragmentBytes = 292;
inline constexpr std::size_t kCapsuleFragmentBytes = 356;

using FragmentId = std::array<std::uint8_t, kIdBytes>;
using Signature = std::array<std::uint8_t, kSignatureBytes>;

// The second generator U of crypto.md §5 (computed once, cached).
const group::Point& generator_u();

// A key fragment (crypto.md §5.1). `rk` is secret: a kfrag is the proxy's key material.
struct KeyFragment {
  FragmentId id{};
  keys::PublicKey owner;  // the delegating owner's signing and encryption keys
  group::Point grantee;   // B
  unsigned threshold = 0;
  group::Point precursor;   // X
  group::Point commitment;  // U1 = rk·U
  group::Scalar rk;
  Signature sig{};  // owner's Ed25519 signature (crypto.md §5.1 step 4)

  // First 8 bytes of the id in hex, for messages.
  std::string short_id() const;
};

// A re-encrypted capsule fragment with its proof (crypto.md §5.2).
struct CapsuleFragment {
  FragmentId id{};
  unsigned threshold = 0;
  group::Point precursor;
  group::Point e1, v1;
  group::Point commitment;
  group::Point e2, v2, u2;
  group::Scalar z;
  Signature sig{};

  std::string short_id() const;
};
using CapsuleFrag = CapsuleFragment;

// n fragments for `grantee_encrypt_pk`, any t of which suffice. Validates 1 <= t <= n <=
// kMaxFragments (kBadInput). Cost: 1 base + (n + 1) variable-base mults, n Ed25519 signs.
Result<std::vector<KeyFragment>> generate_kfrags(const keys::SecretKey& owner,
                                                 const group::Point& grantee_encrypt_pk, unsigned t,
                                                 unsigned n);

// Checks that `kfrag` was made by `owner` for `grantee` and is intact (signature, commitment
// rk·U = U1). kRefused on any mismatch. Cost: 1 variable-base mult + 1 Ed25519 verify.
Status verify_kfrag(const KeyFragment& kfrag, const keys::PublicKey& owner,
                    const group::Point& grantee);

// Proxy side: checks the capsule (s·G = V + h·E) and the kfrag's consistency with the owner
// key it carries (verify_kfrag against kfrag.owner / kfrag.grantee), then re-encrypts and
// proves it. kRefused for an invalid capsule or kfrag. The kfrag check is done once per
// distinct kfrag: the process remembers (thread-safely, the last 64) kfrags that passed, by
// the BLAKE2b-256 of their encoding, as Umbral's VerifiedKeyFrag does with a type.
// Cost: 6 variable-base + 1 base mults (1 + 1 of them the capsule check); the first use of
// a kfrag adds 1 variable-base mult and 1 Ed25519 verification.
Result<CapsuleFragment> reencapsulate(const capsule::Capsule& capsule, const KeyFragment& kfrag);
// The same for many capsules. Refuses the whole batch if any capsule is invalid (the
// message names its index).
Result<std::vector<CapsuleFragment>> reencapsulate(std::span<const capsule::Capsule> capsules,
                                                   const KeyFragment& kfrag);

// Checks a cfrag's owner signature (for this owner and grantee) and its proof against
// `capsule`. kRefused on failure. Cost: 1 MSM + 8 point decodes + 1 Ed25519 verify (~3 mults
// in all). The proof's three equations are checked at once with random weights, so the
// verdict on an invalid proof is wrong with probability at most 2^-128.
Status verify_cfrag(const CapsuleFragment& cfrag, const capsule::Capsule& capsule,
                    const keys::PublicKey& owner, const group::Point& grantee);

// Grantee side (crypto.md §5.3): verifies every cfrag, refuses mixed grants, counts copies
// of one fragment (same id) once, refuses fewer than t distinct fragments, and derives the
// capsule's key — the key capsule::decapsulate gives the owner. Uses the first t distinct
// fragments. Cost for t fragments given: t MSMs and t Ed25519 verifies (public values), then
// t + 1 variable-base mults in constant time (libsodium: the secret dh and combination).
Result<capsule::Key> decapsulate_frags(const keys::SecretKey& grantee, const keys::PublicKey& owner,
                                       const capsule::Capsule& capsule,
                                       std::span<const CapsuleFragment> cfrags);

// The same for cfrags gathered from several proxies, some of which may be for another
// capsule or grant, or damaged: a fragment that does not verify is set aside, not an error,
// and verification stops as soon as t distinct fragments of one grant (same precursor and
// threshold) have passed. kRefused when no grant reaches its threshold; the message gives
// the count and the first reason a fragment was set aside. Cost: as decapsulate_frags for
// the fragments it verifies (1 MSM + 1 Ed25519 verify per fragment up to t, plus t + 1
// mults).
Result<capsule::Key> decapsulate_valid_frags(const keys::SecretKey& grantee,
                                             const keys::PublicKey& owner,
                                             const capsule::Capsule& capsule,
                                             std::span<const CapsuleFragment> cfrags);

// Binary encodings (formats-pre.md §1, §2). Decoding validates lengths, points, scalars
// (rk non-zero) and the threshold range (kBadInput); not signatures or proofs.
std::array<std::uint8_t, kKeyFragmentBytes> encode_kfrag(const KeyFragment& kfrag);
Result<KeyFragment> decode_kfrag(ByteView bytes);
std::array<std::uint8_t, kCapsuleFragmentBytes> encode_cfrag(const CapsuleFragment& cfrag);
Result<CapsuleFragment> decode_cfrag(ByteView bytes);

// One-line JSON records `cpc/kfrag` and `cpc/cfrag` (formats-pre.md), no trailing newline.
// Parsing is strict: exactly the documented fields, lowercase hex of the exact lengths,
// integer threshold; the same validation as decode_*.
std::string kfrag_record(const KeyFragment& kfrag);
Result<KeyFragment> parse_kfrag_record(std::string_view record);
std::string cfrag_record(const CapsuleFragment& cfrag);
Result<CapsuleFragment> parse_cfrag_record(std::string_view record);

}  // namespace cpc::pre
