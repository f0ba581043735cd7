// SPDX-License-Identifier: Apache-2.0
// Reference side of the UnixFS cross-check (docs/cid.md): runs the IPFS project's own
// importer (npm ipfs-unixfs-importer) with the options `ipfs add --cid-version=1 --raw-leaves
// --chunker=size-1048576` implies, so that tests/cli/unixfs_ipfs_compat.sh and
// tests/vectors/unixfs_*.json compare cpc::unixfs against it. It must be run from the
// directory whose node_modules holds the importer (the test copies it there).
//
//   node unixfs_importer.mjs gen SIZE SEED OUT        write SIZE pseudo-random bytes
//   node unixfs_importer.mjs cid FILE [CHUNK] [LINKS] print the root CID of FILE
//   node unixfs_importer.mjs vectors                  print tests/vectors/unixfs_importer.json
import { createReadStream, readFileSync, writeFileSync } from 'node:fs';
import { importer } from 'ipfs-unixfs-importer';
import { fixedSize } from 'ipfs-unixfs-importer/chunker';
import { balanced } from 'ipfs-unixfs-importer/layout';

// The test data: one byte per step of Marsaglia's xorshift32 (13, 17, 5), low byte of the
// state after the step. tests/unit/codec_unixfs_vectors_test.cpp generates the same bytes.
function xorshift(size, seed) {
  const out = new Uint8Array(size);
  let x = seed >>> 0;
  for (let i = 0; i < size; i++) {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

function pattern(size, name, seed) {
  return name === 'zero' ? new Uint8Array(size) : xorshift(size, seed);
}

// Imports `content` (an iterable of Uint8Array) and returns the root CID and block count.
async function rootCid(content, chunkSize = 1048576, maxLinks = 174) {
  const seen = new Set();
  const blockstore = { put: async (cid) => { seen.add(cid.toString()); return cid; } };
  const options = {
    cidVersion: 1,
    rawLeaves: true,
    reduceSingleLeafToSelf: true,
    chunker: fixedSize({ chunkSize }),
    layout: balanced({ maxChildrenPerNode: maxLinks }),
  };
  let root;
  for await (const entry of importer([{ content }], blockstore, options)) root = entry;
  return { cid: root.cid.toString(), blocks: seen.size, size: Number(root.size) };
}

const kCases = [
  ['empty', 0, 1048576, 174, 'xorshift32', 1],
  ['one_byte', 1, 1048576, 174, 'xorshift32', 2],
  ['chunk_minus_one', 1048575, 1048576, 174, 'xorshift32', 3],
  ['one_chunk', 1048576, 1048576, 174, 'xorshift32', 4],
  ['chunk_plus_one', 1048577, 1048576, 174, 'xorshift32', 5],
  ['three_chunks', 3 * 1048576, 1048576, 174, 'xorshift32', 6],
  ['three_chunks_of_zeros', 3 * 1048576, 1048576, 174, 'zero', 0],
  ['exactly_174_leaves', 174 * 256, 256, 174, 'xorshift32', 7],
  ['175_leaves', 175 * 256 - 1, 256, 174, 'xorshift32', 8],
  ['391_leaves', 100000, 256, 174, 'xorshift32', 9],
  ['exactly_two_levels', 174 * 174 * 256, 256, 174, 'xorshift32', 10],
  ['three_levels', 174 * 174 * 256 + 1, 256, 174, 'xorshift32', 11],
  ['fanout_3_depth_4', 1000, 16, 3, 'xorshift32', 12],
];

const [mode, ...args] = process.argv.slice(2);
if (mode === 'gen') {
  writeFileSync(args[2], xorshift(Number(args[0]), Number(args[1])));
} else if (mode === 'cid') {
  const r = await rootCid(createReadStream(args[0], { highWaterMark: 1 << 20 }),
                          Number(args[1] ?? 1048576), Number(args[2] ?? 174));
  console.log(r.cid);
} else if (mode === 'vectors') {
  const pkg = JSON.parse(readFileSync('node_modules/ipfs-unixfs-importer/package.json'));
  const tests = [];
  for (const [name, size, chunk, links, pat, seed] of kCases) {
    const r = await rootCid([pattern(size, pat, seed)], chunk, links);
    tests.push({ name, size, chunk_size: chunk, max_links: links, pattern: pat, seed,
                 expect: 'success', root: r.cid, blocks: r.blocks, dag_size: r.size });
  }
  console.log(JSON.stringify({
    type: 'cpc/unixfs-vectors', version: 1,
    generator: `ipfs-unixfs-importer ${pkg.version} {cidVersion: 1, rawLeaves: true, ` +
      'reduceSingleLeafToSelf: true, chunker: fixedSize, layout: balanced}',
    data: 'xorshift32 (13, 17, 5) from seed, low byte after each step; or all zeros',
    tests }, null, 1));
} else {
  console.error('usage: unixfs_importer.mjs gen SIZE SEED OUT | cid FILE [CHUNK] [LINKS] | vectors');
  process.exit(2);
}
