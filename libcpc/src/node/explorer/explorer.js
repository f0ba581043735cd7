// SPDX-License-Identifier: Apache-2.0
// The cpc-node explorer (docs/node-api.md §11). Reads this node's JSON API every 2 s and
// fills index.html; looks up a data registration with its inclusion proof by CID (also
// from the address: /#cid=bafk…). Builds every element with textContent, never innerHTML,
// so nothing a transaction carries is ever run as markup.
"use strict";

const POLL_MS = 2000;
const $ = (id) => document.getElementById(id);

// el("td", {class: "op"}, "text", child…): an element with attributes and children.
function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  for (const c of children) {
    if (c === null || c === undefined) continue;
    e.append(c instanceof Node ? c : String(c));
  }
  return e;
}

function setText(id, value) {
  const e = $(id);
  const text = String(value);
  if (e.textContent !== text) e.textContent = text;
}

function short(hex) {
  return typeof hex === "string" && hex.length > 16 ? hex.slice(0, 12) + "…" : String(hex);
}

// A hex id shown short, whole in its tooltip.
function hexCode(hex) {
  return el("code", { title: hex, class: "short" }, short(hex));
}

function formatBytes(n) {
  const units = ["bytes", "KiB", "MiB", "GiB", "TiB"];
  let v = n, i = 0;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return i === 0 ? n + " bytes" : v.toFixed(1) + " " + units[i] + " (" + n + " bytes)";
}

function formatTime(ms) {
  return new Date(ms).toISOString().replace("T", " ").slice(0, 19);
}

function cidLink(cid) {
  return el("a", { href: "#cid=" + encodeURIComponent(cid), class: "cid mono" }, cid);
}

async function getJSON(path) {
  const r = await fetch(path, { cache: "no-store" });
  let body = null;
  try { body = await r.json(); } catch (e) { body = null; }
  if (!r.ok) {
    const err = new Error((body && body.error) || "HTTP " + r.status);
    err.status = r.status;
    throw err;
  }
  return body;
}

// Replaces the children of `id` when `data` differs from what was drawn last, so that the
// page does not flicker or lose a selection while nothing changes.
const drawn = {};
function redraw(id, data, build) {
  const key = JSON.stringify(data);
  if (drawn[id] === key) return;
  drawn[id] = key;
  $(id).replaceChildren(...build(data));
}

// --- status -----------------------------------------------------------------------------

function showNode(s) {
  setText("node-id", s.id);
  setText("version", s.version);
  setText("url", s.url);
  setText("peers-count", s.peers);
  setText("blobs", s.blobs);
  setText("bytes", formatBytes(s.bytes));
  setText("records", s.records);
  setText("replication", s.replication);
}

function showChain(c) {
  setText("chain-id", c.chain);
  setText("height", c.height);
  setText("round", c.round);
  setText("mempool", c.mempool + (c.mempool === 1 ? " pending transaction" : " pending transactions"));
  setText("role", (c.validator ? "validator" : "follower") + (c.halted ? " (halted)" : ""));
  setText("head", c.hash);
  setText("genesis", c.genesis);
}

function showPeers(p) {
  redraw("peer-rows", p.peers, (peers) => {
    if (peers.length === 0) return [el("tr", {}, el("td", { class: "empty", colspan: 2 }, "no peers: a network of one"))];
    return peers.map((x) => el("tr", {}, el("td", {}, el("code", {}, x.id)), el("td", {}, x.url)));
  });
}

// --- blocks and transactions -------------------------------------------------------------

function showBlocks(recent) {
  redraw("block-rows", recent.blocks, (blocks) =>
    blocks.map((b) => el("tr", { "data-height": b.height },
      el("td", {}, "#" + b.height),
      el("td", {}, hexCode(b.hash)),
      el("td", {}, formatTime(b.time)),
      el("td", {}, b.round),
      el("td", {}, hexCode(b.proposer)),
      el("td", {}, b.txs.length))));
}

// What a transaction does, in a few words and links.
function txDetails(tx) {
  const b = tx.body || {};
  switch (tx.op) {
    case "transfer":
      return ["to ", hexCode(b.to), " · amount " + b.amount];
    case "data.register":
      return ["CID ", cidLink(b.cid), " · " + formatBytes(b.size)];
    case "data.offer":
      return ["CID ", cidLink(b.cid), " · price " + b.price];
    case "data.buy":
      return ["CID ", cidLink(b.cid), " · price " + b.price + " · deadline " + b.deadline];
    case "access.grant":
      return grantDetails(b);
    case "access.revoke":
      return ["grant ", hexCode(b.grant)];
    case "node.register":
      return ["node URL " + b.url + " · encryption key ", hexCode(b.encrypt)];
    default:
      return [el("code", {}, JSON.stringify(b).slice(0, 200))];
  }
}

function grantDetails(b) {
  const proxies = Array.isArray(b.proxies) ? b.proxies.length : 0;
  return [b.cid ? cidLink(b.cid) : "all the owner's data", " → grantee ", hexCode(b.grantee),
    " · " + b.threshold + " of " + proxies + " proxies · expires at height " + b.expires];
}

function txRow(tx) {
  return el("tr", { class: "tx", "data-tx": tx.id },
    el("td", { class: "op op-" + tx.op.replace(".", "-") }, tx.op),
    el("td", {}, hexCode(tx.from)),
    el("td", {}, hexCode(tx.id)),
    el("td", {}, ...txDetails(tx)));
}

function showTransactions(recent) {
  redraw("tx-blocks", recent.blocks, (blocks) => {
    if (blocks.length === 0) return [el("p", { class: "hint" }, "No transactions yet.")];
    return blocks.map((b) => el("div", { class: "tx-block", id: "block-" + b.height },
      el("h3", {}, "Block #" + b.height + " ", hexCode(b.hash)),
      el("p", { class: "meta" }, formatTime(b.time) + " UTC · round " + b.round + " · " +
        b.precommits + " precommit" + (b.precommits === 1 ? "" : "s") + " · proposer " + short(b.proposer)),
      el("table", {},
        el("thead", {}, el("tr", {}, el("th", {}, "Op"), el("th", {}, "From"), el("th", {}, "Id"), el("th", {}, "Details"))),
        el("tbody", {}, ...b.txs.map(txRow)))));
  });
  // Grants and revocations of these blocks, newest first.
  const rows = [];
  for (const b of recent.blocks) {
    for (const tx of b.txs) {
      if (tx.op !== "access.grant" && tx.op !== "access.revoke") continue;
      rows.push({ height: b.height, tx });
    }
  }
  redraw("grant-rows", rows, (list) => {
    if (list.length === 0) return [el("tr", {}, el("td", { class: "empty", colspan: 5 }, "none in the latest blocks"))];
    return list.map(({ height, tx }) => el("tr", {},
      el("td", {}, "#" + height),
      el("td", { class: "op op-" + tx.op.replace(".", "-") }, tx.op),
      el("td", {}, hexCode(tx.op === "access.grant" ? tx.id : tx.body.grant)),
      el("td", {}, hexCode(tx.from)),
      el("td", {}, ...(tx.op === "access.grant" ? grantDetails(tx.body) : ["revoked"]))));
  });
}

// --- the live loop -------------------------------------------------------------------------

let polling = false;
async function refresh() {
  if (polling) return;
  polling = true;
  try {
    const [node, chain, peers, recent, withTxs] = await Promise.all([
      getJSON("/v1/status"),
      getJSON("/v1/chain/status"),
      getJSON("/v1/peers"),
      getJSON("/v1/chain/recent?limit=10"),
      getJSON("/v1/chain/recent?limit=10&txs=1"),
    ]);
    showNode(node);
    showChain(chain);
    showPeers(peers);
    showBlocks(recent);
    showTransactions(withTxs);
    const live = $("live");
    live.className = "live ok";
    live.textContent = "live · updated " + formatTime(Date.now()) + " UTC";
  } catch (e) {
    const live = $("live");
    live.className = "live error";
    live.textContent = "cannot reach the node: " + e.message;
  } finally {
    polling = false;
  }
}

// --- a data registration and its proof -------------------------------------------------------

function proofView(d) {
  const p = d.proof || {};
  const header = p.header || {};
  const commit = p.commit || {};
  const parts = [
    el("dl", { class: "status" },
      el("dt", {}, "CID"), el("dd", { id: "data-cid", class: "mono" }, d.cid),
      el("dt", {}, "Owner"), el("dd", {}, el("code", {}, d.owner)),
      el("dt", {}, "Size"), el("dd", {}, formatBytes(d.size)),
      d.price !== undefined ? el("dt", {}, "Price") : null,
      d.price !== undefined ? el("dd", {}, d.price) : null,
      el("dt", {}, "Registered at"), el("dd", { id: "data-height" }, "height " + d.height),
      el("dt", {}, "Transaction"), el("dd", {}, el("code", { id: "data-tx" }, d.tx)),
      el("dt", {}, "Block"), el("dd", {}, el("code", {}, commit.block || "")),
      el("dt", {}, "Tx root"), el("dd", {}, el("code", {}, header.tx_root || "")),
      el("dt", {}, "Position"), el("dd", {}, "transaction " + p.index + " of " + p.size + " in the block"),
      el("dt", {}, "Certificate"), el("dd", {}, (commit.precommits || []).length +
        " precommit(s) at round " + commit.round + " of height " + commit.height),
      el("dt", {}, "Genesis"), el("dd", {}, (d.genesis && d.genesis.chain) || "")),
    el("h3", {}, "Inclusion proof: audit path (" + (p.path || []).length + " hashes)"),
  ];
  if ((p.path || []).length === 0) {
    parts.push(el("p", { class: "hint" }, "The only transaction of its block: the tx root is its leaf hash."));
  } else {
    parts.push(el("ol", { class: "path" }, ...p.path.map((h) => el("li", {}, el("code", {}, h)))));
  }
  parts.push(el("p", { class: "hint" },
    "Check it offline: cpc-get --proof " + d.cid + " > proof.json && cpc-verify --proof proof.json"));
  parts.push(el("details", {}, el("summary", {}, "The cpc/data-proof record"),
    el("pre", {}, JSON.stringify(d, null, 2))));
  return parts;
}

async function lookup(cid) {
  const out = $("data-result");
  cid = cid.trim();
  if (!cid) { out.replaceChildren(); return; }
  out.replaceChildren(el("p", { class: "hint" }, "Looking up " + cid + "…"));
  try {
    const d = await getJSON("/v1/data/" + encodeURIComponent(cid));
    out.replaceChildren(...proofView(d));
  } catch (e) {
    const why = e.status === 404 ? "not registered on this chain" : e.status === 400 ? "not a CID" : e.message;
    out.replaceChildren(el("p", { class: "error" }, cid + ": " + why));
  }
}

function lookupFromAddress(scroll) {
  const m = /^#cid=(.+)$/.exec(location.hash);
  if (!m) return;
  const cid = decodeURIComponent(m[1]);
  $("cid").value = cid;
  lookup(cid);
  if (scroll) $("data").scrollIntoView();
}

document.addEventListener("DOMContentLoaded", () => {
  $("lookup").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const cid = $("cid").value.trim();
    if (location.hash === "#cid=" + encodeURIComponent(cid)) lookup(cid);
    else location.hash = "cid=" + encodeURIComponent(cid);
  });
  window.addEventListener("hashchange", () => lookupFromAddress(true));
  lookupFromAddress(false);
  refresh();
  setInterval(refresh, POLL_MS);
});
