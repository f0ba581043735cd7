// SPDX-License-Identifier: Apache-2.0
// The capsule check s·G == V + h·E (crypto.md §4 opening step 2, §5.2 step 1) on public
// values in variable time, as one multi-scalar multiplication s·G + (−h)·E compared with V as
// ristretto255 elements (msm.hpp): no libsodium multiplication, no encoding. Internal to
// libcpc; capsule_check_test cross-checks it against the libsodium form.
#pragma once

#include "cpc/crypto/capsule.hpp"
#include "ct_mul.hpp"
#include "msm.hpp"

namespace cpc::capsule::internal {

// E and V of a capsule as Edwards representatives (every RFC 9496 check; a Capsule's points
// are valid, so this fails only for a Capsule built by hand from invalid bytes).
bool decode_points(const Capsule& c, ed25519::Point& e, ed25519::Point& v);

// The check with E and V decoded: a 2-term MSM (~253 doublings).
bool check(const Capsule& c, const ed25519::Point& e, const ed25519::Point& v);

// The check when E's pieces 2^(64j)·E are at hand (the proxy's constant-time tables,
// ct_mul.hpp): an 8-term MSM of 64-bit scalars against the static pieces of G (~64
// doublings).
bool check(const Capsule& c, const ed25519::CtBase<4>& e, const ed25519::Point& v);

}  // namespace cpc::capsule::internal
