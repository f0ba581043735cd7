// SPDX-License-Identifier: Apache-2.0
// The reference side of bench/pre_vs_umbral.sh: @nucypher/umbral-pre (rust-umbral compiled to
// WebAssembly) timing the operations of bench/cpc_pre_bench.cpp, printed as "name µs" lines.
// decrypt_3cfrags includes verifying the three cfrags, as cpchain's decapsulate_frags does;
// decrypt_3cfrags_noverify is umbral's decryptReencrypted alone. reencrypt takes a capsule
// deserialized (and so checked) once; reencrypt_from_bytes deserializes it each time.
import * as umbral from '@nucypher/umbral-pre';

function timeUs(op, minSeconds = 0.4) {
  op();
  let n = 0;
  const t0 = process.hrtime.bigint();
  let elapsed = 0;
  do {
    for (let i = 0; i < 8; i++) op();
    n += 8;
    elapsed = Number(process.hrtime.bigint() - t0) / 1e9;
  } while (elapsed < minSeconds);
  return (elapsed * 1e6) / n;
}

const owner = umbral.SecretKey.random();
const ownerPk = owner.publicKey();
const signer = new umbral.Signer(umbral.SecretKey.random());
const verifyingPk = signer.verifyingKey();
const grantee = umbral.SecretKey.random();
const granteePk = grantee.publicKey();
const msg = new Uint8Array(1024).fill(7);

const [capsule, ciphertext] = umbral.encrypt(ownerPk, msg);
const kfrags = umbral.generateKFrags(owner, granteePk, signer, 3, 5, true, true);
const kfragBytes = kfrags[0].toBytes();
const capsuleBytes = capsule.toBytes();
const cfragBytes = kfrags.slice(0, 3).map((k) => umbral.reencrypt(capsule, k).toBytes());
// wasm-bindgen methods taking `self` by value (verify, skipVerification) consume the object,
// so each call works on a fresh CapsuleFrag; fromBytes (~µs) is timed with it.
const fresh = () => cfragBytes.map((b) => umbral.CapsuleFrag.fromBytes(b));

const rows = {
  encrypt_1k: timeUs(() => umbral.encrypt(ownerPk, msg)),
  kfrags_3of5: timeUs(() => umbral.generateKFrags(owner, granteePk, signer, 3, 5, true, true)),
  kfrag_check: timeUs(() =>
    umbral.KeyFrag.fromBytes(kfragBytes).verify(verifyingPk, ownerPk, granteePk)),
  reencrypt: timeUs(() => umbral.reencrypt(capsule, kfrags[0])),
  // A proxy given a new capsule per record (a --records stream) deserializes each one, and
  // Capsule.fromBytes checks it (s·G = V + h·E), as our reencrypt does.
  reencrypt_from_bytes: timeUs(() =>
    umbral.reencrypt(umbral.Capsule.fromBytes(capsuleBytes), kfrags[0])),
  verify_cfrag: timeUs(() =>
    umbral.CapsuleFrag.fromBytes(cfragBytes[0]).verify(capsule, verifyingPk, ownerPk, granteePk)),
  decrypt_3cfrags: timeUs(() => {
    const v = fresh().map((c) => c.verify(capsule, verifyingPk, ownerPk, granteePk));
    umbral.decryptReencrypted(grantee, ownerPk, capsule, v, ciphertext);
  }),
  decrypt_3cfrags_noverify: timeUs(() => {
    const v = fresh().map((c) => c.skipVerification());
    umbral.decryptReencrypted(grantee, ownerPk, capsule, v, ciphertext);
  }),
};
for (const [name, us] of Object.entries(rows)) console.log(`${name} ${us.toFixed(1)}`);
