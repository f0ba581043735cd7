// SPDX-License-Identifier: Apache-2.0
// Generates tests/vectors/jcs_numbers.json and jcs_objects.json: RFC 8785 canonical forms
// computed by an independent implementation, npm `canonicalize` (the JCS reference port,
// which sorts keys with JS's UTF-16 sort and formats numbers with Number.prototype.toString).
// Deterministic (seeded PRNG), so re-running gives the same files. Usage (ESM resolves the
// package next to the script, so copy it into a scratch dir first):
//   cp jcs_generate.mjs /tmp/x && cd /tmp/x && npm install canonicalize@4.0.0 &&
//   node jcs_generate.mjs /path/to/tests/vectors
import canonicalize from 'canonicalize';
import fs from 'node:fs';

const outDir = process.argv[2] ?? '.';
let seed = 0x8785;
function rand() {  // mulberry32
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = (a) => a[Math.floor(rand() * a.length)];
const bitsOf = (x) => { const b = Buffer.alloc(8); b.writeDoubleBE(x); return b.toString('hex'); };
const fromBits = (h) => Buffer.from(h, 'hex').readDoubleBE();

// --- numbers ---------------------------------------------------------------------------
// RFC 8785 Appendix B, then edges of the ECMAScript formatting rules, then random values.
const rfcBits = ['0000000000000000', '8000000000000000', '0000000000000001', '8000000000000001',
  '7fefffffffffffff', 'ffefffffffffffff', '4340000000000000', 'c340000000000000',
  '4430000000000000', '44b52d02c7e14af5', '44b52d02c7e14af6', '44b52d02c7e14af7',
  '444b1ae4d6e2ef4e', '444b1ae4d6e2ef4f', '444b1ae4d6e2ef50', '3eb0c6f7a0b5ed8c',
  '3eb0c6f7a0b5ed8d', '41b3de4355555553', '41b3de4355555554', '41b3de4355555555',
  '41b3de4355555556', '41b3de4355555557', 'becbf647612f3696', '43143ff3c1cb0959'];
const numbers = rfcBits.map(fromBits);
for (const x of [1e21, 1e20, 123e18, 999999999999999900000, 1e-6, 1e-7, 1.5e-7, 0.1, 0.2, 0.3,
  0.1 + 0.2, 1 / 3, 2 / 3, 100, 1e2, 1.5, 21.5, 1700000000, 2 ** 53 - 1, -(2 ** 53 - 1), 2 ** 53,
  2 ** 53 + 2, 2 ** 63, 2 ** 64, Number.MIN_VALUE, 2.2250738585072014e-308, 5e-7, 4.35, 0.5e-6,
  123456789012345680000, 1.2345678901234567e21, 1e22, 1e23, 1e100, 1e308, 1e-300]) {
  numbers.push(x, -x);
}
const b = Buffer.alloc(8);
while (numbers.length < 3000) {
  const kind = rand();
  let x;
  if (kind < 0.4) {  // any finite bit pattern
    for (let i = 0; i < 8; i++) b[i] = Math.floor(rand() * 256);
    x = b.readDoubleBE();
    if (!Number.isFinite(x)) continue;
  } else if (kind < 0.6) {  // integers of every size
    x = Math.floor(rand() * 2 ** Math.floor(rand() * 80)) * (rand() < 0.5 ? -1 : 1);
  } else if (kind < 0.8) {  // short decimals, like sensor readings
    x = Math.round((rand() - 0.5) * 10 ** Math.floor(rand() * 9)) / 10 ** Math.floor(rand() * 9);
  } else {  // around the exponent-form thresholds
    x = (rand() * 10) * 10 ** (Math.floor(rand() * 50) - 25);
  }
  numbers.push(x);
}
const numberVectors = numbers.map((x) => ({ bits: bitsOf(x), canonical: canonicalize(x) }));

// --- objects ---------------------------------------------------------------------------
const keyPool = ['a', 'b', 'device', 't', 'temp', '1', '10', '2', '', ' ', '\r', '\n', '\u0000',
  '\u001f', '"', '\\', '/', '\u007f', '\u0080', '\u00f6', '\u20ac', '\u2028', '\u2029',
  '\ud7ff', '\ue000', '\uf8ff', '\ufb33', '\ufffd', '\ud800\udc00', '\ud83d\ude00',
  '\udbff\udffd', 'a\ud83d\ude00', 'a\uffef', 'aa', 'A', 'Z', 'z', '\u00e9t\u00e9'];
const stringPool = [...keyPool, 'hello', 'tab\there', 'bell\u0007', 'x\u000b\u000cy',
  "it's", '</script>', '\u0000\u0001\u0002'];
const numberPool = numbers.filter((x) => {
  const s = String(x);  // integers outside ±(2^53-1) are refused by cpc::json::parse
  return /[.e]/.test(s) || Math.abs(x) <= 2 ** 53 - 1;
});

function randomValue(depth) {
  const r = rand();
  if (depth > 4 || r < 0.45) {
    return pick([null, true, false, () => pick(numberPool), () => pick(stringPool)]);
  }
  if (r < 0.7) return Array.from({ length: Math.floor(rand() * 5) }, () => randomValue(depth + 1));
  const o = {};
  const n = Math.floor(rand() * 8);
  for (let i = 0; i < n; i++) o[pick(keyPool)] = randomValue(depth + 1);
  return o;
}
const resolve = (v) => (typeof v === 'function' ? v() : v);

// Writes `v` as JSON text with varied (but equivalent) spellings, so the vectors also
// exercise the parser: optional whitespace, \u escapes, exponent and padded number forms.
const ws = () => pick(['', '', ' ', '\n', '\t', '\r\n  ']);
function spell(v) {
  v = resolve(v);
  if (v === null || typeof v === 'boolean') return String(v);
  if (typeof v === 'number') {
    const s = pick([String(v), v.toExponential(), v.toPrecision(17), v.toExponential().toUpperCase()]);
    return Number(s) === v && (/[.eE]/.test(s) || Math.abs(v) <= 2 ** 53 - 1) ? s : String(v);
  }
  if (typeof v === 'string') {
    let s = '"';
    for (const ch of v) {
      const u = ch.codePointAt(0);
      if (rand() < 0.3 || u < 0x20 || ch === '"' || ch === '\\') {
        for (let i = 0; i < ch.length; i++) {
          s += '\\u' + ch.charCodeAt(i).toString(16).padStart(4, '0');
        }
      } else {
        s += ch;
      }
    }
    return s + '"';
  }
  if (Array.isArray(v)) return '[' + ws() + v.map(spell).join(ws() + ',' + ws()) + ws() + ']';
  const keys = Object.keys(v).sort(() => rand() - 0.5);
  return '{' + ws() + keys.map((k) => spell(k) + ws() + ':' + ws() + spell(v[k])).join(',' + ws()) + ws() + '}';
}

const objectVectors = [
  {  // RFC 8785 §3.2.2
    input: '{\n  "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],\n  "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/",\n  "literals": [null, true, false]\n}',
  },
  {  // RFC 8785 §3.2.3
    input: '{\n  "\\u20ac": "Euro Sign",\n  "\\r": "Carriage Return",\n  "\\ufb33": "Hebrew Letter Dalet With Dagesh",\n  "1": "One",\n  "\\ud83d\\ude00": "Emoji: Grinning Face",\n  "\\u0080": "Control",\n  "\\u00f6": "Latin Small Letter O With Diaeresis"\n}',
  },
];
for (let i = 0; i < 400; i++) {
  let v = randomValue(0);
  if (i % 2 === 0) {  // mostly objects, like records
    v = {};
    for (let j = 0; j < 1 + Math.floor(rand() * 8); j++) v[pick(keyPool)] = randomValue(1);
  }
  objectVectors.push({ input: spell(v) });
}
for (const vec of objectVectors) vec.canonical = canonicalize(JSON.parse(vec.input));

const source = 'generated by tests/vectors/jcs_generate.mjs with npm canonicalize@4.0.0 on node ' +
  process.version + '; expected values are that implementation\'s output';
fs.writeFileSync(`${outDir}/jcs_numbers.json`, JSON.stringify({
  source, description: 'IEEE 754 double (big-endian hex) -> RFC 8785 §3.2.2.3 serialization; ' +
    'the first 24 are RFC 8785 Appendix B', vectors: numberVectors }, null, 1) + '\n');
fs.writeFileSync(`${outDir}/jcs_objects.json`, JSON.stringify({
  source, description: 'JSON text (valid I-JSON, varied spelling) -> RFC 8785 canonical form; ' +
    'the first two are the examples of RFC 8785 §3.2.2 and §3.2.3', vectors: objectVectors },
  null, 1) + '\n');
