// SPDX-License-Identifier: Apache-2.0
// Prints ristretto255 results computed by libcpc (group.hpp) on fresh random inputs, in the
// format of tests/vectors/ristretto_noble.json, for tests/cli/ristretto_noble_crosscheck.sh
// to recompute with @noble/curves: hash-to-group, scalar and base multiplications, addition
// and subtraction, and Lagrange combinations as in crypto.md §5.3.
//   cpc_ristretto_crosscheck [COUNT]   (default 32)
#include <sodium.h>

#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "cpc/codec/hex.hpp"
#include "cpc/crypto/group.hpp"

using cpc::group::Point;
using cpc::group::Scalar;
using nlohmann::json;

namespace {

std::string hex(const Point& p) {
  return cpc::hex::encode(p.bytes());
}
std::string hex(const Scalar& s) {
  return cpc::hex::encode(s.bytes());
}
std::array<std::uint8_t, 64> random_wide() {
  std::array<std::uint8_t, 64> w{};
  randombytes_buf(w.data(), w.size());
  return w;
}
Point random_point() {
  return Point::from_hash(random_wide());
}

}  // namespace

int main(int argc, char** argv) {
  if (sodium_init() < 0) return 3;
  int count = argc > 1 ? std::atoi(argv[1]) : 32;
  if (count < 1 || count > 100000) {
    std::fprintf(stderr, "usage: cpc_ristretto_crosscheck [COUNT]\n");
    return 2;
  }
  json v = {{"description", "computed by libcpc on random inputs"}};
  v["from_hash"] = json::array();
  v["scalar_mult"] = json::array();
  v["base_mult"] = json::array();
  v["add"] = json::array();
  v["lagrange"] = json::array();
  for (int i = 0; i < count; ++i) {
    auto w = random_wide();
    v["from_hash"].push_back(
        {{"input", cpc::hex::encode(w)}, {"output", hex(Point::from_hash(w))}});
    Point p = random_point();
    Scalar s = Scalar::random();
    v["scalar_mult"].push_back(
        {{"scalar", hex(s)}, {"point", hex(p)}, {"output", hex(p.mul(s).value())}});
    v["base_mult"].push_back({{"scalar", hex(s)}, {"output", hex(Point::base_mul(s))}});
    Point q = random_point();
    v["add"].push_back({{"a", hex(p)},
                        {"b", hex(q)},
                        {"sum", hex(p.add(q).value())},
                        {"difference", hex(p.sub(q).value())}});
  }
  for (unsigned t : {1u, 2u, 3u, 5u, 10u}) {
    std::vector<Scalar> xs;
    json pts = json::array(), xj = json::array(), lj = json::array();
    for (unsigned i = 0; i < t; ++i) xs.push_back(Scalar::random());
    Point acc;
    for (unsigned i = 0; i < t; ++i) {
      Scalar num = Scalar::from_u64(1), den = Scalar::from_u64(1);
      for (unsigned j = 0; j < t; ++j) {
        if (j == i) continue;
        num = num * xs[j];
        den = den * (xs[j] - xs[i]);
      }
      Scalar lambda = num * den.invert();
      Point p = random_point();
      Point term = p.mul(lambda).value();
      acc = i == 0 ? term : acc.add(term).value();
      pts.push_back(hex(p));
      xj.push_back(hex(xs[i]));
      lj.push_back(hex(lambda));
    }
    v["lagrange"].push_back({{"xs", xj}, {"points", pts}, {"lambdas", lj}, {"output", hex(acc)}});
  }
  std::puts(v.dump(1).c_str());
  return 0;
}
