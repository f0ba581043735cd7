// SPDX-License-Identifier: Apache-2.0
// The reference side of bench/he_vs_paillier.sh: paillier-bigint (pure JavaScript BigInt,
// 2048-bit modulus) on the workload of bench/cpc_he_bench.cpp, printed as "name value" lines:
// encrypt/s, homomorphic additions/s, decryptions of the total/s, and whole sums
// (N additions + 1 decryption)/s. The readings are the same 16-bit values on both sides,
// v_i = (40503·i + 12345) mod 65536, and reading i is encrypted as pool ciphertext i mod P
// (encryption is far too slow here to encrypt all N readings afresh).
//   node paillier_bench.mjs [N] [P] [BITS]        (defaults 10000 64 2048)
import * as paillier from 'paillier-bigint';

const N = Number(process.argv[2] ?? 10000);
const P = Number(process.argv[3] ?? 64);
const BITS = Number(process.argv[4] ?? 2048);
const reading = (i) => (40503 * i + 12345) % 65536;

// Runs op() (which does `per` operations) until minSeconds have passed; operations per second.
function rate(op, per, minSeconds = 1.0) {
  let n = 0;
  const t0 = process.hrtime.bigint();
  let elapsed = 0;
  do {
    op();
    n += per;
    elapsed = Number(process.hrtime.bigint() - t0) / 1e9;
  } while (elapsed < minSeconds);
  return n / elapsed;
}

const t0 = process.hrtime.bigint();
const { publicKey, privateKey } = await paillier.generateRandomKeys(BITS);
const keygenS = Number(process.hrtime.bigint() - t0) / 1e9;

const pool = [];
let k = 0;
const encrypt = rate(() => {
  const c = publicKey.encrypt(BigInt(reading(k % P)));
  if (pool.length < P) pool.push(c);
  k++;
}, 1, 2.0);
while (pool.length < P) pool.push(publicKey.encrypt(BigInt(reading(pool.length))));

let expected = 0n;
for (let i = 0; i < N; i++) expected += BigInt(reading(i % P));
let total = 1n;
const sumAll = () => {
  total = pool[0];
  for (let i = 1; i < N; i++) total = publicKey.addition(total, pool[i % P]);
};
const add = rate(sumAll, N - 1);
if (privateKey.decrypt(total) !== expected) {
  console.error('paillier_bench: wrong total');
  process.exit(1);
}
const decrypt = rate(() => privateKey.decrypt(total), 1);
const sums = rate(() => {
  sumAll();
  privateKey.decrypt(total);
}, 1);
console.log(`keygen_s ${keygenS.toFixed(2)}`);
console.log(`encrypt_per_s ${encrypt.toFixed(1)}`);
console.log(`add_per_s ${add.toFixed(1)}`);
console.log(`decrypt_total_per_s ${decrypt.toFixed(1)}`);
console.log(`sum_decrypt_per_s ${sums.toFixed(2)}`);
console.log(`total ${expected}`);
