// SPDX-License-Identifier: Apache-2.0
// The point formulas shared by the variable-time MSM (msm.cpp) and the constant-time scalar
// multiplication (ct_mul.cpp) on the extended coordinates of he_field.hpp. Each formula is a
// fixed sequence of field operations (no branch, no table index), so it is constant time
// whenever its caller is; the addition is complete on edwards25519 (a = -1, d non-square):
// it also doubles and adds the identity. Doublings and additions go through the "completed"
// representation of ref10 (x = X/Z, y = Y/T), so a chain of doublings can skip T (to_p2).
// Internal to libcpc.
#pragma once

#include "ed25519_field.hpp"

namespace cpc::he::field {

// ref10's ge_p1p1: x = X/Z, y = Y/T.
struct Completed {
  Fe x, y, z, t;
};

// The extended point (4 multiplications).
CPC_FE_INLINE Point to_point(const Completed& c) {
  return {mul(c.x, c.t), mul(c.y, c.z), mul(c.z, c.t), mul(c.x, c.y)};
}
// X, Y, Z only (3 multiplications): enough for a doubling, not for an addition (T is left
// as it was in `keep`, meaningless).
CPC_FE_INLINE Point to_p2(const Completed& c) {
  Point p;
  p.x = mul(c.x, c.t);
  p.y = mul(c.y, c.z);
  p.z = mul(c.z, c.t);
  p.t = p.z;
  return p;
}

// 2·P from X, Y, Z (dbl-2008-hwcd for a = -1): 4 squarings.
CPC_FE_INLINE Completed dbl(const Point& p) {
  Fe xx = sq(p.x), yy = sq(p.y), zz = sq(p.z);
  Fe b = add(zz, zz);
  Fe aa = sq(add(p.x, p.y));
  Fe y3 = add(yy, xx);
  Fe z3 = sub(yy, xx);
  return {sub(aa, y3), y3, z3, sub(b, z3)};
}

// P + Q and P − Q for Q cached as (Y+X, Y−X, 2d·T, 2Z): 4 multiplications.
CPC_FE_INLINE Completed add_c(const Point& p, const Cached& q) {
  Fe a = mul(add(p.y, p.x), q.ypx);
  Fe b = mul(sub(p.y, p.x), q.ymx);
  Fe c = mul(q.t2d, p.t);
  Fe d = mul(p.z, q.z2);
  return {sub(a, b), add(a, b), add(d, c), sub(d, c)};
}
CPC_FE_INLINE Completed sub_c(const Point& p, const Cached& q) {
  Fe a = mul(add(p.y, p.x), q.ymx);
  Fe b = mul(sub(p.y, p.x), q.ypx);
  Fe c = mul(q.t2d, p.t);
  Fe d = mul(p.z, q.z2);
  return {sub(a, b), add(a, b), sub(d, c), add(d, c)};
}

}  // namespace cpc::he::field
