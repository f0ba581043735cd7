// SPDX-License-Identifier: Apache-2.0
// The independent side of the ristretto255 cross-check (tests/cli/ristretto_noble_crosscheck.sh):
// @noble/curves, a pure-JavaScript implementation sharing no code with libsodium.
//   node ristretto_noble.mjs generate   print vectors computed by noble from fixed inputs
//                                       (committed as tests/vectors/ristretto_noble.json)
//   node ristretto_noble.mjs check FILE recompute every output in FILE (written by
//                                       bench/cpc_ristretto_crosscheck) with noble; exit 1
//                                       on the first mismatch
// Formats: points are RFC 9496 encodings, scalars 32-byte little-endian, all lowercase hex.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ristretto255, ristretto255_hasher } from '@noble/curves/ed25519.js';

const P = ristretto255.Point;
const Fn = P.Fn;
const hex = (b) => Buffer.from(b).toString('hex');
const unhex = (h) => Uint8Array.from(Buffer.from(h, 'hex'));
const scalarOf = (h) => Fn.fromBytes(unhex(h));
const scalarHex = (s) => hex(Fn.toBytes(s));
const sha512 = (s) => Uint8Array.from(createHash('sha512').update(s).digest());
const reduce = (b) => Fn.create(BigInt('0x' + hex(Uint8Array.from(b).reverse())));

function fromHash(input) {
  return hex(ristretto255_hasher.deriveToCurve(unhex(input)).toBytes());
}
function mul(scalar, point) {
  return hex(P.fromBytes(unhex(point)).multiply(scalarOf(scalar)).toBytes());
}
function baseMul(scalar) {
  return hex(P.BASE.multiply(scalarOf(scalar)).toBytes());
}
// λi = Π_{j≠i} xj / (xj − xi), and Σ λi·Pi (crypto.md §5.3).
function lagrange(xs, points) {
  const x = xs.map(scalarOf);
  const lambdas = x.map((xi, i) => {
    let num = 1n, den = 1n;
    x.forEach((xj, j) => {
      if (j !== i) {
        num = Fn.mul(num, xj);
        den = Fn.mul(den, Fn.sub(xj, xi));
      }
    });
    return Fn.mul(num, Fn.inv(den));
  });
  let acc = P.ZERO;
  points.forEach((p, i) => { acc = acc.add(P.fromBytes(unhex(p)).multiply(lambdas[i])); });
  return { lambdas: lambdas.map(scalarHex), output: hex(acc.toBytes()) };
}

function generate() {
  const v = { description: 'ristretto255 vectors computed by @noble/curves from fixed inputs ' +
      '(inputs: SHA-512 of "cpc-noble/<kind>/<i>"); regenerate with ' +
      '`node tests/cli/ristretto_noble.mjs generate`',
    from_hash: [], scalar_mult: [], base_mult: [], add: [], lagrange: [] };
  const scalar = (s) => scalarHex(reduce(sha512(s)));
  for (let i = 0; i < 8; i++) {
    const input = hex(sha512(`cpc-noble/hash/${i}`));
    v.from_hash.push({ input, output: fromHash(input) });
    const point = fromHash(hex(sha512(`cpc-noble/point/${i}`)));
    const s = scalar(`cpc-noble/scalar/${i}`);
    v.scalar_mult.push({ scalar: s, point, output: mul(s, point) });
    v.base_mult.push({ scalar: s, output: baseMul(s) });
    const a = P.fromBytes(unhex(point)), b = P.fromBytes(unhex(fromHash(input)));
    v.add.push({ a: hex(a.toBytes()), b: hex(b.toBytes()), sum: hex(a.add(b).toBytes()),
                 difference: hex(a.subtract(b).toBytes()) });
  }
  for (const t of [1, 2, 3, 5]) {
    const xs = [], points = [];
    for (let i = 0; i < t; i++) {
      xs.push(scalar(`cpc-noble/x/${t}/${i}`));
      points.push(fromHash(hex(sha512(`cpc-noble/share/${t}/${i}`))));
    }
    v.lagrange.push({ xs, points, ...lagrange(xs, points) });
  }
  process.stdout.write(JSON.stringify(v, null, 1) + '\n');
}

function check(file) {
  const v = JSON.parse(readFileSync(file, 'utf8'));
  let n = 0;
  const expect = (what, got, want) => {
    n++;
    if (got !== want) {
      console.error(`MISMATCH ${what}: noble ${got}, cpchain ${want}`);
      process.exit(1);
    }
  };
  v.from_hash.forEach((t, i) => expect(`from_hash[${i}]`, fromHash(t.input), t.output));
  v.scalar_mult.forEach((t, i) => expect(`scalar_mult[${i}]`, mul(t.scalar, t.point), t.output));
  v.base_mult.forEach((t, i) => expect(`base_mult[${i}]`, baseMul(t.scalar), t.output));
  v.add.forEach((t, i) => {
    const a = P.fromBytes(unhex(t.a)), b = P.fromBytes(unhex(t.b));
    expect(`add[${i}]`, hex(a.add(b).toBytes()), t.sum);
    expect(`sub[${i}]`, hex(a.subtract(b).toBytes()), t.difference);
  });
  v.lagrange.forEach((t, i) => {
    const r = lagrange(t.xs, t.points);
    r.lambdas.forEach((l, j) => expect(`lagrange[${i}].lambda[${j}]`, l, t.lambdas[j]));
    expect(`lagrange[${i}].output`, r.output, t.output);
  });
  console.log(`noble agrees on ${n} values`);
}

if (process.argv[2] === 'generate') generate();
else if (process.argv[2] === 'check' && process.argv[3]) check(process.argv[3]);
else { console.error('usage: ristretto_noble.mjs generate | check FILE'); process.exit(2); }
