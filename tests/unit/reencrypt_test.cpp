// SPDX-License-Identifier: Apache-2.0
// Re-encryption over sealed inputs (reencrypt.hpp): the proxy's pass over a sealed stream
// and over sealed records, cfrags checked in order against the capsules, and the grantee's
// KeySource opening with t of n proxies, refusing t - 1, counting copies once and refusing
// cfrags for another stream; plus pre::decapsulate_valid_frags on mixed fragments.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "cpc/crypto/reencrypt.hpp"

using cpc::keys::SecretKey;
namespace re = cpc::reencrypt;

namespace {

struct TempDir {
  std::string path;
  TempDir() {
    char tmpl[] = "/tmp/cpc-reencrypt-test-XXXXXX";
    REQUIRE(mkdtemp(tmpl) != nullptr);
    path = tmpl;
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  std::string write(const std::string& name, const std::string& text) const {
    std::string p = path + "/" + name;
    std::ofstream(p) << text;
    return p;
  }
};

struct Fd {
  int fd;
  explicit Fd(const std::string& path) : fd(::open(path.c_str(), O_RDONLY)) { REQUIRE(fd >= 0); }
  ~Fd() { ::close(fd); }
};

std::string sealed_records(const cpc::keys::PublicKey& to, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) {
    std::string plain = "{\"reading\":" + std::to_string(i) + "}";
    out += cpc::seal::seal_record(to, cpc::as_bytes(plain)) + "\n";
  }
  return out;
}

std::string sealed_stream(const cpc::keys::PublicKey& to, const TempDir& dir) {
  std::string in = dir.write("plain", std::string(10000, 'x'));
  Fd fd(in);
  std::string out;
  REQUIRE(cpc::seal::seal_stream(fd.fd, to, 1024, [&](std::string_view l) {
    out += l;
    return cpc::Status::ok();
  }));
  return out;
}

// One proxy's cfrags for the sealed file at `sealed`.
std::string proxy(const std::string& sealed, const cpc::pre::KeyFragment& kfrag) {
  Fd fd(sealed);
  cpc::ndjson::LineReader lines(fd.fd);
  re::CapsuleReader capsules(lines);
  std::string out;
  REQUIRE(re::reencrypt(capsules, kfrag, [&](std::string_view r) {
    out += std::string(r) + "\n";
    return cpc::Status::ok();
  }));
  return out;
}

cpc::Status verify(const std::string& cfrags, const std::string& sealed,
                   const cpc::keys::PublicKey& owner, const cpc::group::Point& grantee) {
  Fd c(cfrags), s(sealed);
  cpc::ndjson::LineReader cl(c.fd), sl(s.fd);
  re::CapsuleReader capsules(sl);
  return re::verify_cfrags(cl, capsules, owner, grantee);
}

// Opens records with the given cfrag files; returns the status and the plaintext lines.
cpc::Status open_records(const SecretKey& grantee, const cpc::keys::PublicKey& owner,
                         const std::vector<std::string>& files, const std::string& sealed,
                         std::vector<std::string>& plain) {
  re::CfragFiles cfrags;
  CPC_RETURN_IF_ERROR(cfrags.open(files));
  auto keys = re::grantee_key_source(grantee, owner, cfrags);
  Fd s(sealed);
  cpc::ndjson::LineReader lines(s.fd);
  std::string_view line;
  while (lines.next(line).value()) {
    auto p = cpc::seal::open_record(line, keys);
    CPC_RETURN_IF_ERROR(p);
    plain.emplace_back(p->begin(), p->end());
  }
  return cfrags.finish();
}

}  // namespace

TEST_CASE("reencrypt: records, t of n proxies, refusals", "[reencrypt]") {
  TempDir dir;
  SecretKey owner = SecretKey::generate().value(), grantee = SecretKey::generate().value();
  const auto& opub = owner.public_key();
  auto kfrags = cpc::pre::generate_kfrags(owner, grantee.public_key().encrypt, 2, 3).value();
  std::string sealed = dir.write("sealed", sealed_records(opub, 70));  // > one batch of 64
  std::vector<std::string> files;
  for (std::size_t i = 0; i < kfrags.size(); ++i) {
    std::string text = proxy(sealed, kfrags[i]);
    CHECK(std::count(text.begin(), text.end(), '\n') == 70);
    files.push_back(dir.write("cfrags" + std::to_string(i), text));
    CHECK(verify(files.back(), sealed, opub, grantee.public_key().encrypt));
  }
  std::vector<std::string> plain;
  REQUIRE(open_records(grantee, opub, {files[0], files[2]}, sealed, plain));
  REQUIRE(plain.size() == 70);
  CHECK(plain[69] == "{\"reading\":69}");
  // t - 1, and a copy of the same proxy's file, are refused.
  plain.clear();
  CHECK(open_records(grantee, opub, {files[1]}, sealed, plain).code() == cpc::Code::kRefused);
  CHECK(open_records(grantee, opub, {files[1], files[1]}, sealed, plain).code() ==
        cpc::Code::kRefused);
  // The wrong grantee for verification; cfrags for another input.
  SecretKey stranger = SecretKey::generate().value();
  auto st = verify(files[0], sealed, opub, stranger.public_key().encrypt);
  CHECK(st.code() == cpc::Code::kRefused);
  CHECK(st.message().rfind("cfrag 1 does not verify (", 0) == 0);
  std::string other = dir.write("other", sealed_records(opub, 70));
  CHECK(verify(files[0], other, opub, grantee.public_key().encrypt).code() == cpc::Code::kRefused);
  plain.clear();
  CHECK(open_records(grantee, opub, {files[0], files[1]}, other, plain).code() ==
        cpc::Code::kRefused);
  // Count mismatch is malformed input.
  std::ifstream full(sealed);
  std::string first3, l;
  for (int i = 0; i < 3 && std::getline(full, l); ++i) first3 += l + "\n";
  std::string shorter = dir.write("short", first3);
  CHECK(verify(files[0], shorter, opub, grantee.public_key().encrypt).code() ==
        cpc::Code::kBadInput);
}

TEST_CASE("reencrypt: a sealed stream gives one cfrag", "[reencrypt]") {
  TempDir dir;
  SecretKey owner = SecretKey::generate().value(), grantee = SecretKey::generate().value();
  auto kfrags = cpc::pre::generate_kfrags(owner, grantee.public_key().encrypt, 3, 5).value();
  std::string sealed = dir.write("sealed", sealed_stream(owner.public_key(), dir));
  std::vector<std::string> files;
  for (int i : {4, 0, 2}) {
    std::string text = proxy(sealed, kfrags[i]);
    CHECK(std::count(text.begin(), text.end(), '\n') == 1);
    files.push_back(dir.write("c" + std::to_string(i), text));
  }
  re::CfragFiles cfrags;
  REQUIRE(cfrags.open(files));
  auto keys = re::grantee_key_source(grantee, owner.public_key(), cfrags);
  Fd s(sealed);
  cpc::ndjson::LineReader lines(s.fd);
  std::string plain;
  REQUIRE(cpc::seal::open_stream([&](std::string_view& l) { return lines.next(l); }, keys,
                                 [&](cpc::ByteView b) {
                                   plain.append(b.begin(), b.end());
                                   return cpc::Status::ok();
                                 }));
  CHECK(plain == std::string(10000, 'x'));
  CHECK(cfrags.finish());
  // A kfrag for another owner's data is refused by the proxy.
  SecretKey other = SecretKey::generate().value();
  auto foreign = cpc::pre::generate_kfrags(other, grantee.public_key().encrypt, 1, 1).value();
  Fd fd(sealed);
  cpc::ndjson::LineReader l2(fd.fd);
  re::CapsuleReader capsules(l2);
  auto st = re::reencrypt(capsules, foreign[0], [](std::string_view) { return cpc::Status::ok(); });
  CHECK(st.code() == cpc::Code::kRefused);
}

TEST_CASE("pre: decapsulate_valid_frags sets aside fragments that do not verify", "[pre]") {
  SecretKey owner = SecretKey::generate().value(), grantee = SecretKey::generate().value();
  cpc::capsule::Key key{}, other_key{};
  auto capsule = cpc::capsule::encapsulate(owner.public_key().encrypt, key);
  auto other = cpc::capsule::encapsulate(owner.public_key().encrypt, other_key);
  auto kfrags = cpc::pre::generate_kfrags(owner, grantee.public_key().encrypt, 2, 4).value();
  std::vector<cpc::pre::CapsuleFragment> mixed = {
      cpc::pre::reencapsulate(other, kfrags[0]).value(),    // another capsule
      cpc::pre::reencapsulate(capsule, kfrags[1]).value(),  // good
      cpc::pre::reencapsulate(capsule, kfrags[1]).value(),  // a copy (new proof, same id)
  };
  auto r = cpc::pre::decapsulate_valid_frags(grantee, owner.public_key(), capsule, mixed);
  REQUIRE_FALSE(r);
  CHECK(r.status().code() == cpc::Code::kRefused);
  CHECK(r.status().message().find("1 valid distinct cfrag(s) of 3, threshold is 2") == 0);
  mixed.push_back(cpc::pre::reencapsulate(capsule, kfrags[3]).value());
  r = cpc::pre::decapsulate_valid_frags(grantee, owner.public_key(), capsule, mixed);
  REQUIRE(r);
  CHECK(*r == key);
  // decapsulate_frags refuses the same set outright.
  CHECK_FALSE(cpc::pre::decapsulate_frags(grantee, owner.public_key(), capsule, mixed));
}
