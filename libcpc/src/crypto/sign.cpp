// SPDX-License-Identifier: Apache-2.0
// Envelope and detached signatures (sign.hpp, crypto.md §3, formats.md §4–5).
#include "cpc/crypto/sign.hpp"

#include <sodium.h>

#include "cpc/codec/hex.hpp"
#include "cpc/crypto/keyfile.hpp"
#include "cpc/io/file.hpp"

namespace cpc::sign {
namespace {

// message = tag || {"payload":<canon>,"signer":"<hex>","type":"cpc/signed"}
void envelope_message(std::string_view canon_payload, std::string_view signer_hex,
                      std::string& out) {
  out.assign(kEnvelopeTag);
  out += R"({"payload":)";
  out += canon_payload;
  out += R"(,"signer":")";
  out += signer_hex;
  out += R"(","type":"cpc/signed"})";
}

Status check_signer(const Keyring& trusted, const keys::SignPublic& signer) {
  if (!trusted.empty() && !trusted.contains(signer)) {
    return Status::refused("signer " + short_signer(signer) + " is not a trusted key");
  }
  return Status::ok();
}

Result<std::string_view> string_field(const json::Value& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) {
    return Status::bad_input(std::string("missing or invalid \"") + key + "\"");
  }
  return std::string_view(it->get_ref<const std::string&>());
}

}  // namespace

std::string short_signer(const keys::SignPublic& key) {
  return hex::encode(ByteView(key.data(), 4)) + "…";
}

Status Keyring::add_spec(const std::string& spec) {
  if (spec.size() == 64 && !io::exists(spec)) {
    keys::SignPublic k{};
    if (hex::decode_into(spec, k)) {
      add(k);
      return Status::ok();
    }
  }
  auto pks = keyfile::load_public_keys(spec);
  CPC_RETURN_IF_ERROR(pks);
  for (const auto& pk : *pks) add(pk.sign);
  return Status::ok();
}

Signer::Signer(const keys::SecretKey& sk)
    : sk_(sk), signer_hex_(hex::encode(sk.public_key().sign)) {}

void Signer::sign_value(const json::Value& payload, std::string& out) {
  canon_.clear();
  json::canonicalize_append(payload, canon_);
  envelope_message(canon_, signer_hex_, message_);
  std::uint8_t sig[crypto_sign_BYTES];
  crypto_sign_detached(sig, nullptr, reinterpret_cast<const std::uint8_t*>(message_.data()),
                       message_.size(), sk_.ed25519_secret());
  out += R"({"type":"cpc/signed","signer":")";
  out += signer_hex_;
  out += R"(","payload":)";
  out += canon_;
  out += R"(,"sig":")";
  out += hex::encode(ByteView(sig, sizeof sig));
  out += "\"}\n";
}

Status Signer::sign_line(std::string_view line, std::string& out) {
  auto v = json::parse(line);
  CPC_RETURN_IF_ERROR(v);
  sign_value(*v, out);
  return Status::ok();
}

Status Verifier::verify_line(std::string_view line, std::string& payload) {
  auto v = json::parse(line);
  CPC_RETURN_IF_ERROR(v);
  if (!v->is_object()) return Status::bad_input("record is not a JSON object");
  auto type = string_field(*v, "type");
  if (!type) return Status::bad_input("record has no \"type\"");
  if (*type != "cpc/signed") {
    return Status::bad_input("expected a cpc/signed record, got " + std::string(*type));
  }
  auto p = v->find("payload");
  if (p == v->end() || v->size() != 4) {
    return Status::bad_input("cpc/signed record must have exactly type, signer, payload, sig");
  }
  auto signer_hex = string_field(*v, "signer");
  auto sig_hex = string_field(*v, "sig");
  CPC_RETURN_IF_ERROR(signer_hex);
  CPC_RETURN_IF_ERROR(sig_hex);
  CPC_RETURN_IF_ERROR(hex::decode_into(*signer_hex, signer_).with_context("\"signer\""));
  std::uint8_t sig[crypto_sign_BYTES];
  CPC_RETURN_IF_ERROR(hex::decode_into(*sig_hex, sig).with_context("\"sig\""));
  CPC_RETURN_IF_ERROR(check_signer(trusted_, signer_));
  payload.clear();
  json::canonicalize_append(*p, payload);
  envelope_message(payload, *signer_hex, message_);
  if (crypto_sign_verify_detached(sig, reinterpret_cast<const std::uint8_t*>(message_.data()),
                                  message_.size(), signer_.data()) != 0) {
    payload.clear();
    return Status::refused("signature does not verify (signer " + short_signer(signer_) + ")");
  }
  return Status::ok();
}

std::string detached_record(const keys::SecretKey& sk, ByteView message) {
  std::uint8_t sig[crypto_sign_BYTES];
  crypto_sign_detached(sig, nullptr, message.data(), message.size(), sk.ed25519_secret());
  return R"({"type":"cpc/signature","signer":")" + hex::encode(sk.public_key().sign) +
         R"(","sig":")" + hex::encode(ByteView(sig, sizeof sig)) + "\"}";
}

Status verify_detached(ByteView message, std::string_view record, const Keyring& trusted) {
  auto v = json::parse(record);
  CPC_RETURN_IF_ERROR(v);
  if (!v->is_object()) return Status::bad_input("signature file is not a JSON object");
  auto type = string_field(*v, "type");
  if (!type || *type != "cpc/signature") {
    return Status::bad_input("not a cpc/signature record");
  }
  if (v->size() != 3) return Status::bad_input("cpc/signature record must have type, signer, sig");
  auto signer_hex = string_field(*v, "signer");
  auto sig_hex = string_field(*v, "sig");
  CPC_RETURN_IF_ERROR(signer_hex);
  CPC_RETURN_IF_ERROR(sig_hex);
  keys::SignPublic signer{};
  CPC_RETURN_IF_ERROR(hex::decode_into(*signer_hex, signer).with_context("\"signer\""));
  std::uint8_t sig[crypto_sign_BYTES];
  CPC_RETURN_IF_ERROR(hex::decode_into(*sig_hex, sig).with_context("\"sig\""));
  CPC_RETURN_IF_ERROR(check_signer(trusted, signer));
  if (crypto_sign_verify_detached(sig, message.data(), message.size(), signer.data()) != 0) {
    return Status::refused("signature does not verify (signer " + short_signer(signer) + ")");
  }
  return Status::ok();
}

}  // namespace cpc::sign
