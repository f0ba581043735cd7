// SPDX-License-Identifier: Apache-2.0
// The capsule KEM and sealed streams/records: round trips and every tampering the format
// promises to detect (crypto.md §4, §6).
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cpc/codec/base64.hpp"
#include "cpc/codec/hex.hpp"
#include "cpc/crypto/capsule.hpp"
#include "cpc/crypto/seal.hpp"

using namespace cpc;

TEST_CASE("capsule round trip and check", "[capsule]") {
  auto sk = keys::SecretKey::generate().value();
  capsule::Key k1{};
  auto c = capsule::encapsulate(sk.public_key().encrypt, k1);
  auto enc = c.encode();
  auto back = capsule::Capsule::decode(enc);
  REQUIRE(back);
  auto k2 = capsule::decapsulate(sk.encrypt_scalar(), *back);
  REQUIRE(k2);
  CHECK(*k2 == k1);
  // Another key derives another key.
  auto other = keys::SecretKey::generate().value();
  CHECK(*capsule::decapsulate(other.encrypt_scalar(), *back) != k1);
  // Any bit flipped in the capsule makes it invalid (malformed or failing the check).
  for (std::size_t i = 0; i < enc.size(); i += 7) {
    auto bad = enc;
    bad[i] ^= 0x01;
    CHECK_FALSE(capsule::Capsule::decode(bad));
  }
}

namespace {

std::vector<std::string> seal_lines(const keys::PublicKey& to, const Bytes& data,
                                    std::uint32_t chunk) {
  seal::Sealer s(to, chunk);
  std::vector<std::string> lines{s.header().record()};
  std::size_t off = 0;
  do {
    std::size_t n = std::min<std::size_t>(chunk, data.size() - off);
    bool final = off + n == data.size();
    std::string line;
    s.seal_chunk(ByteView(data.data() + off, n), final, line);
    line.pop_back();
    lines.push_back(line);
    off += n;
    if (final) break;
  } while (true);
  return lines;
}

Result<Bytes> open_lines(const keys::SecretKey& sk, const std::vector<std::string>& lines) {
  std::size_t i = 0;
  Bytes out;
  auto src = [&](std::string_view& l) -> Result<bool> {
    if (i == lines.size()) return false;
    l = lines[i++];
    return true;
  };
  auto sink = [&](ByteView b) {
    out.insert(out.end(), b.begin(), b.end());
    return Status::ok();
  };
  Status s = seal::open_stream(src, seal::owner_key_source(sk), sink);
  if (!s) return s;
  return out;
}

}  // namespace

TEST_CASE("sealed streams round trip at chunk boundaries", "[seal]") {
  auto sk = keys::SecretKey::generate().value();
  for (std::size_t n : {0, 1, 15, 16, 17, 32, 100}) {
    Bytes data(n);
    if (n > 0) randombytes_buf(data.data(), n);
    auto lines = seal_lines(sk.public_key(), data, 16);
    CHECK(lines.size() == 2 + (n == 0 ? 0 : (n - 1) / 16));
    auto back = open_lines(sk, lines);
    REQUIRE(back);
    CHECK(*back == data);
  }
}

TEST_CASE("sealed streams detect tampering", "[seal]") {
  auto sk = keys::SecretKey::generate().value();
  Bytes data(64);
  randombytes_buf(data.data(), data.size());
  auto lines = seal_lines(sk.public_key(), data, 16);  // header + 4 chunks
  REQUIRE(lines.size() == 5);
  auto code = [&](const std::vector<std::string>& l) { return open_lines(sk, l).status().code(); };

  auto reordered = lines;
  std::swap(reordered[1], reordered[2]);
  CHECK(code(reordered) == Code::kRefused);
  auto duplicated = lines;
  duplicated.insert(duplicated.begin() + 2, lines[1]);
  CHECK(code(duplicated) == Code::kRefused);
  auto truncated = lines;
  truncated.pop_back();
  CHECK(code(truncated) == Code::kRefused);
  auto extended = lines;
  extended.push_back(lines[4]);
  CHECK(code(extended) == Code::kRefused);
  // A renumbered chunk (index and position consistent) still fails: the index is in the AD
  // and the secretstream nonce advances.
  auto renumbered = lines;
  renumbered.erase(renumbered.begin() + 1);
  for (std::size_t i = 1; i < renumbered.size(); ++i) {
    auto j = nlohmann::json::parse(renumbered[i]);
    j["i"] = i - 1;
    renumbered[i] = j.dump();
  }
  CHECK(code(renumbered) == Code::kRefused);
  // A final flag moved to an earlier chunk.
  auto early_final = lines;
  early_final.pop_back();
  {
    auto j = nlohmann::json::parse(early_final.back());
    j["final"] = true;
    early_final.back() = j.dump();
  }
  CHECK(code(early_final) == Code::kRefused);
  // A modified ciphertext byte.
  auto modified = lines;
  {
    auto j = nlohmann::json::parse(modified[2]);
    auto ct = base64::decode(j["data"].get<std::string>()).value();
    ct[3] ^= 1;
    j["data"] = base64::encode(ct);
    modified[2] = j.dump();
  }
  CHECK(code(modified) == Code::kRefused);
  // A header from another stream to the same key.
  auto other = seal_lines(sk.public_key(), data, 16);
  auto swapped = lines;
  swapped[0] = other[0];
  CHECK(code(swapped) == Code::kRefused);
  // A wrong key.
  auto stranger = keys::SecretKey::generate().value();
  CHECK(open_lines(stranger, lines).status().code() == Code::kRefused);
  // Malformed records are bad input, not refusals.
  auto garbage = lines;
  garbage[2] = "{not json";
  CHECK(code(garbage) == Code::kBadInput);
  auto wrong_type = lines;
  wrong_type[2] = R"({"type":"cpc/signed","i":1,"final":false,"data":""})";
  CHECK(code(wrong_type) == Code::kBadInput);
  auto bad_point = lines;
  {
    auto j = nlohmann::json::parse(bad_point[0]);
    std::string cap = j["capsule"];
    cap.replace(0, 64, std::string(64, 'f'));  // non-canonical E
    j["capsule"] = cap;
    bad_point[0] = j.dump();
  }
  CHECK(code(bad_point) == Code::kBadInput);
  // The untouched stream still opens.
  CHECK(open_lines(sk, lines));
}

TEST_CASE("sealed records open alone", "[seal]") {
  auto sk = keys::SecretKey::generate().value();
  std::string line = R"({"device":"t-17","temp":21.5})";
  std::string rec = seal::seal_record(sk.public_key(), as_bytes(line));
  CHECK(seal::is_sealed_record(rec));
  CHECK(nlohmann::json::parse(rec)["type"] == "cpc/sealed");
  auto back = seal::open_record(rec, seal::owner_key_source(sk));
  REQUIRE(back);
  CHECK(std::string(back->begin(), back->end()) == line);
  auto other = keys::SecretKey::generate().value();
  CHECK(seal::open_record(rec, seal::owner_key_source(other)).status().code() == Code::kRefused);
  auto j = nlohmann::json::parse(rec);
  j["data"] = base64::encode(as_bytes("AAAAAAAAAAAAAAAAAAAAAAAAAA"));
  CHECK(seal::open_record(j.dump(), seal::owner_key_source(sk)).status().code() == Code::kRefused);
  auto h = seal::parse_record_header(rec);
  REQUIRE(h);
  CHECK(h->recipient == sk.public_key().id());
}
