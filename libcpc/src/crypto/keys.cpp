// SPDX-License-Identifier: Apache-2.0
// Identities and key records (keys.hpp, crypto.md §2, formats.md §2).
#include "cpc/crypto/keys.hpp"

#include <sodium.h>

#include <algorithm>
#include <cstring>
#include <nlohmann/json.hpp>

#include "cpc/codec/base64.hpp"
#include "cpc/codec/hex.hpp"

namespace cpc::keys {
namespace {

using nlohmann::json;
constexpr std::string_view kSecretAdTag = "cpc/secret-key/v1";

Result<json> parse_object(std::string_view record, std::string_view what) {
  json j = json::parse(record.begin(), record.end(), nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return Status::bad_input("not a " + std::string(what) + " record");
  return j;
}

Result<std::string> get_string(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) {
    return Status::bad_input(std::string("missing or invalid \"") + key + "\"");
  }
  return it->get<std::string>();
}

Result<PublicKey> public_from_fields(const json& j) {
  auto sign = get_string(j, "sign");
  auto enc = get_string(j, "encrypt");
  CPC_RETURN_IF_ERROR(sign);
  CPC_RETURN_IF_ERROR(enc);
  PublicKey pk;
  CPC_RETURN_IF_ERROR(hex::decode_into(*sign, pk.sign).with_context("\"sign\""));
  auto enc_bytes = hex::decode(*enc, 32);
  if (!enc_bytes) return enc_bytes.status().with_context("\"encrypt\"");
  auto point = group::Point::decode(*enc_bytes);
  if (!point) return point.status().with_context("\"encrypt\"");
  pk.encrypt = *point;
  // The Ed25519 key is validated where it is used: libsodium's verification rejects
  // non-canonical and small-order keys (crypto.md §3). A full check here would cost a
  // scalar multiplication (the main-subgroup test) on every key load: a third of the time
  // of verifying one record in a fresh process.
  auto id = j.find("id");
  if (id != j.end() && (!id->is_string() || id->get<std::string>() != pk.id())) {
    return Status::bad_input("key id does not match the keys");
  }
  return pk;
}

Bytes secret_ad(const PublicKey& pk) {
  // Sized first and filled by copies (GCC 12 at -O3 warns falsely on appending inserts).
  const auto& enc = pk.encrypt.bytes();
  Bytes ad(kSecretAdTag.size() + pk.sign.size() + enc.size());
  auto at = std::copy(kSecretAdTag.begin(), kSecretAdTag.end(), ad.begin());
  at = std::copy(pk.sign.begin(), pk.sign.end(), at);
  std::copy(enc.begin(), enc.end(), at);
  return ad;
}

}  // namespace

std::string PublicKey::id() const {
  std::array<std::uint8_t, 32> h{};
  group::hash32("cpc/key-id/v1", {group::view(sign), group::view(encrypt.bytes())}, h);
  return hex::encode(ByteView(h.data(), 8));
}

Result<SecretKey> SecretKey::generate() {
  std::array<std::uint8_t, 32> seed{};
  randombytes_buf(seed.data(), seed.size());
  group::Scalar a = group::Scalar::random();
  auto sk = from_secrets(seed, a.bytes());  // fails only when secure memory runs out
  sodium_memzero(seed.data(), seed.size());
  return sk;
}

Result<SecretKey> SecretKey::from_secrets(ByteView seed, ByteView scalar) {
  if (seed.size() != 32) return Status::bad_input("Ed25519 seed must be 32 bytes");
  auto a = group::Scalar::decode(scalar);
  if (!a) return a.status();
  if (a->is_zero()) return Status::bad_input("zero encryption scalar");
  SecretKey sk;
  if (sk.secret_.empty()) return Status::io("out of secure memory (secret key)");
  std::uint8_t* s = sk.secret_.data();
  std::memcpy(s, seed.data(), 32);
  crypto_sign_seed_keypair(sk.pub_.sign.data(), s + 32, s);
  std::memcpy(s + 96, scalar.data(), 32);
  sk.pub_.encrypt = group::Point::base_mul(*a);
  return sk;
}

group::Scalar SecretKey::encrypt_scalar() const {
  return group::Scalar::decode(ByteView(secret_.data() + 96, 32)).value();
}

std::string public_key_record(const PublicKey& pk) {
  return R"({"type":"cpc/public-key","sign":")" + hex::encode(pk.sign) + R"(","encrypt":")" +
         hex::encode(pk.encrypt.bytes()) + R"(","id":")" + pk.id() + "\"}";
}

Result<std::string> secret_key_record(const SecretKey& sk, const SecretBytes* passphrase,
                                      const KdfParams& kdf) {
  const PublicKey& pk = sk.public_key();
  std::string head = R"({"type":"cpc/secret-key","version":1,"id":")" + pk.id() + R"(","sign":")" +
                     hex::encode(pk.sign) + R"(","encrypt":")" + hex::encode(pk.encrypt.bytes()) +
                     "\"";
  // The secret part: seed || scalar (64 bytes).
  auto secret_or = SecretBytes::allocate(64);
  CPC_RETURN_IF_ERROR(secret_or);
  SecretBytes& secret = *secret_or;
  std::memcpy(secret.data(), sk.seed(), 32);
  std::memcpy(secret.data() + 32, sk.encrypt_scalar().bytes().data(), 32);
  if (passphrase == nullptr) {
    // Hex of secrets goes through a SecretBytes-free std::string here: the record is
    // written to a 0600 file straight away by the caller.
    return head + R"(,"seed":")" + hex::encode(ByteView(secret.data(), 32)) + R"(","scalar":")" +
           hex::encode(ByteView(secret.data() + 32, 32)) + "\"}";
  }
  std::array<std::uint8_t, crypto_pwhash_SALTBYTES> salt{};
  randombytes_buf(salt.data(), salt.size());
  auto key = SecretBytes::allocate(32);
  CPC_RETURN_IF_ERROR(key);
  if (crypto_pwhash(key->data(), 32, reinterpret_cast<const char*>(passphrase->data()),
                    passphrase->size(), salt.data(), kdf.opslimit, kdf.memlimit,
                    crypto_pwhash_ALG_ARGON2ID13) != 0) {
    // Argon2id fails only when it cannot allocate its memory.
    return Status::io("not enough memory for the key derivation");
  }
  Bytes box(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + 64 +
            crypto_aead_xchacha20poly1305_ietf_ABYTES);
  randombytes_buf(box.data(), crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
  Bytes ad = secret_ad(pk);
  crypto_aead_xchacha20poly1305_ietf_encrypt(
      box.data() + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, nullptr, secret.data(), 64,
      ad.data(), ad.size(), nullptr, box.data(), key->data());
  return head + R"(,"kdf":"argon2id","salt":")" + hex::encode(salt) + R"(","opslimit":)" +
         std::to_string(kdf.opslimit) + R"(,"memlimit":)" + std::to_string(kdf.memlimit) +
         R"(,"box":")" + base64::encode(box) + "\"}";
}

bool is_protected(std::string_view record) {
  auto j = parse_object(record, "secret key");
  return j && j->contains("box");
}

Result<SecretKey> parse_secret_key(std::string_view record, const PassphraseSource& passphrase) {
  auto j = parse_object(record, "secret key");
  CPC_RETURN_IF_ERROR(j);
  auto type = j->find("type");
  if (type == j->end() || *type != "cpc/secret-key") {
    return Status::bad_input("not a cpc/secret-key record");
  }
  auto version = j->find("version");
  if (version == j->end() || *version != 1) {
    return Status::bad_input("unsupported secret key version");
  }
  auto pk = public_from_fields(*j);
  CPC_RETURN_IF_ERROR(pk);
  auto secret_or = SecretBytes::allocate(64);
  CPC_RETURN_IF_ERROR(secret_or);
  SecretBytes& secret = *secret_or;
  if (j->contains("box")) {
    auto salt_hex = get_string(*j, "salt");
    auto box_b64 = get_string(*j, "box");
    CPC_RETURN_IF_ERROR(salt_hex);
    CPC_RETURN_IF_ERROR(box_b64);
    auto salt = hex::decode(*salt_hex, crypto_pwhash_SALTBYTES);
    auto box = base64::decode(*box_b64);
    CPC_RETURN_IF_ERROR(salt);
    CPC_RETURN_IF_ERROR(box);
    auto ops = j->find("opslimit");
    auto mem = j->find("memlimit");
    auto alg = j->find("kdf");
    if (ops == j->end() || !ops->is_number_unsigned() || mem == j->end() ||
        !mem->is_number_unsigned() || alg == j->end() || *alg != "argon2id") {
      return Status::bad_input("invalid key derivation parameters");
    }
    KdfParams kdf{ops->get<unsigned long long>(), mem->get<std::size_t>()};
    if (kdf.opslimit < crypto_pwhash_OPSLIMIT_MIN || kdf.opslimit > 100 ||
        kdf.memlimit < crypto_pwhash_MEMLIMIT_MIN || kdf.memlimit > (4ull << 30)) {
      return Status::bad_input("key derivation parameters out of range");
    }
    constexpr std::size_t kNonce = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
    if (box->size() != kNonce + 64 + crypto_aead_xchacha20poly1305_ietf_ABYTES) {
      return Status::bad_input("invalid \"box\" length");
    }
    if (!passphrase) return Status::bad_input("the secret key is passphrase-protected");
    auto pass = passphrase();
    CPC_RETURN_IF_ERROR(pass);
    auto key_or = SecretBytes::allocate(32);
    CPC_RETURN_IF_ERROR(key_or);
    SecretBytes& key = *key_or;
    if (crypto_pwhash(key.data(), 32, reinterpret_cast<const char*>(pass->data()), pass->size(),
                      salt->data(), kdf.opslimit, kdf.memlimit,
                      crypto_pwhash_ALG_ARGON2ID13) != 0) {
      return Status::io("not enough memory for the key derivation");
    }
    Bytes ad = secret_ad(*pk);
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(
            secret.data(), nullptr, nullptr, box->data() + kNonce, box->size() - kNonce, ad.data(),
            ad.size(), box->data(), key.data()) != 0) {
      return Status::refused("wrong passphrase or corrupt key file (key " + pk->id() + ")");
    }
  } else {
    auto seed = get_string(*j, "seed");
    auto scalar = get_string(*j, "scalar");
    CPC_RETURN_IF_ERROR(seed);
    CPC_RETURN_IF_ERROR(scalar);
    CPC_RETURN_IF_ERROR(hex::decode_into(*seed, secret.span().subspan(0, 32)));
    CPC_RETURN_IF_ERROR(hex::decode_into(*scalar, secret.span().subspan(32, 32)));
  }
  auto sk = SecretKey::from_secrets(ByteView(secret.data(), 32), ByteView(secret.data() + 32, 32));
  CPC_RETURN_IF_ERROR(sk);
  if (sodium_memcmp(sk->public_key().sign.data(), pk->sign.data(), 32) != 0 ||
      !(sk->public_key().encrypt == pk->encrypt)) {
    return Status::bad_input("secret key does not match its public half (corrupt key file)");
  }
  return sk;
}

Result<PublicKey> parse_public_key(std::string_view record) {
  auto j = parse_object(record, "public key");
  CPC_RETURN_IF_ERROR(j);
  auto type = j->find("type");
  if (type == j->end() || (*type != "cpc/public-key" && *type != "cpc/secret-key")) {
    return Status::bad_input("not a cpc/public-key or cpc/secret-key record");
  }
  return public_from_fields(*j);
}

}  // namespace cpc::keys
