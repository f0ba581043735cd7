// SPDX-License-Identifier: Apache-2.0
// Signed mutable records (cpc/wire/record.hpp, docs/node-api.md §5): key derivation, the signed
// bytes, JSON in and out, and the newer-sequence-wins rule.
#include "cpc/wire/record.hpp"

#include <sodium.h>

#include "cpc/codec/base64.hpp"
#include "cpc/codec/hex.hpp"
#include "cpc/codec/json.hpp"
#include "cpc/crypto/sign.hpp"

namespace cpc::record {

Key record_key(const keys::SignPublic& signer, std::string_view name) {
  Key k{};
  crypto_generichash_state st;
  crypto_generichash_init(&st, nullptr, 0, k.size());
  crypto_generichash_update(&st, signer.data(), signer.size());
  crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>(name.data()), name.size());
  crypto_generichash_final(&st, k.data(), k.size());
  return k;
}

Bytes signed_bytes(const Record& r) {
  Bytes m(kTag.begin(), kTag.end());
  Key k = record_key(r.signer, r.name);
  m.insert(m.end(), k.begin(), k.end());
  for (int i = 7; i >= 0; --i) m.push_back(static_cast<std::uint8_t>(r.seq >> (8 * i)));
  m.insert(m.end(), r.value.begin(), r.value.end());
  return m;
}

namespace {
Status check_sizes(std::string_view name, std::uint64_t seq, std::size_t value_size) {
  if (name.empty() || name.size() > kMaxNameSize) {
    return Status::bad_input("record name must be 1 to 255 bytes");
  }
  if (value_size > kMaxValueSize) return Status::bad_input("record value larger than 64 KiB");
  if (seq > kMaxSeq) return Status::bad_input("record seq above 2^53-1");
  return Status::ok();
}
}  // namespace

Result<Record> make(const keys::SecretKey& sk, std::string_view name, std::uint64_t seq,
                    ByteView value) {
  CPC_RETURN_IF_ERROR(check_sizes(name, seq, value.size()));
  Record r;
  r.signer = sk.public_key().sign;
  r.name = std::string(name);
  r.seq = seq;
  r.value.assign(value.begin(), value.end());
  Bytes m = signed_bytes(r);
  crypto_sign_detached(r.sig.data(), nullptr, m.data(), m.size(), sk.ed25519_secret());
  return r;
}

std::string to_json(const Record& r) {
  json::Value v = {
      {"type", "cpc/record"}, {"signer", hex::encode(r.signer)},  {"name", r.name},
      {"seq", r.seq},         {"value", base64::encode(r.value)}, {"sig", hex::encode(r.sig)}};
  return json::canonicalize(v);
}

Result<Record> parse(std::string_view text) {
  auto v = json::parse(text, {.max_depth = 4, .max_size = 128 << 10});
  CPC_RETURN_IF_ERROR(v);
  const json::Value& j = *v;
  auto str = [&](const char* f) -> const std::string* {
    auto it = j.find(f);
    return it != j.end() && it->is_string() ? &it->get_ref<const std::string&>() : nullptr;
  };
  if (!j.is_object() || str("type") == nullptr || *str("type") != "cpc/record") {
    return Status::bad_input("not a cpc/record");
  }
  for (const auto& [name, _] : j.items()) {
    if (name != "type" && name != "signer" && name != "name" && name != "seq" && name != "value" &&
        name != "sig") {
      return Status::bad_input("cpc/record: unknown field \"" + name + "\"");
    }
  }
  const std::string *signer = str("signer"), *name = str("name"), *value = str("value"),
                    *sig = str("sig");
  auto seq_it = j.find("seq");
  if (!signer || !name || !value || !sig || seq_it == j.end() || !seq_it->is_number_integer() ||
      seq_it->get<std::int64_t>() < 0) {
    return Status::bad_input("cpc/record needs signer, name, seq (integer >= 0), value, sig");
  }
  Record r;
  CPC_RETURN_IF_ERROR(hex::decode_into(*signer, r.signer).with_context("cpc/record signer"));
  CPC_RETURN_IF_ERROR(hex::decode_into(*sig, r.sig).with_context("cpc/record sig"));
  auto bytes = base64::decode(*value);
  if (!bytes) return bytes.status().with_context("cpc/record value");
  r.name = *name;
  r.seq = seq_it->get<std::uint64_t>();
  r.value = std::move(*bytes);
  CPC_RETURN_IF_ERROR(check_sizes(r.name, r.seq, r.value.size()));
  Bytes m = signed_bytes(r);
  if (crypto_sign_verify_detached(r.sig.data(), m.data(), m.size(), r.signer.data()) != 0) {
    return Status::refused("record signature does not verify (signer " +
                           sign::short_signer(r.signer) + ")");
  }
  return r;
}

Status check_replace(const Record& stored, const Record& incoming, bool& same) {
  same = false;
  if (incoming.seq > stored.seq) return Status::ok();
  if (incoming == stored) {
    same = true;
    return Status::ok();
  }
  if (incoming.seq == stored.seq) {
    return Status::refused("a different record with seq " + std::to_string(stored.seq) +
                           " is stored");
  }
  return Status::refused("record seq " + std::to_string(incoming.seq) +
                         " is older than the stored seq " + std::to_string(stored.seq));
}

}  // namespace cpc::record
