// SPDX-License-Identifier: Apache-2.0
// cpc-encrypt: seal a byte stream or NDJSON records to a public key, and with -d open them,
// as the owner or as a grantee with cfrags; --he, --sum and -d on cpc/he records for
// additively homomorphic numbers (docs/cli.md "Encryption").
#include <unistd.h>

#include "cpc/codec/ndjson.hpp"
#include "cpc/crypto/he.hpp"
#include "cpc/crypto/keyfile.hpp"
#include "cpc/crypto/reencrypt.hpp"
#include "cpc/crypto/seal.hpp"
#include "cpc/io/file.hpp"
#include "tool_common.hpp"

namespace {

struct Options {
  std::string to, key, input, out_path, from;
  std::vector<std::string> cfrags;
  std::optional<std::string> passphrase_file;
  bool decrypt = false, records = false, force_tty = false, he = false, sum = false;
  unsigned scale = 0;
  std::uint32_t chunk_size = cpc::seal::kDefaultChunkSize;
  cpc::tool::ProgressFlags progress;
};

// The progress line over the input (its size known when it is a regular file).
cpc::progress::Progress input_progress(const Options& o, const cpc::io::InputFile& in) {
  return {"cpc-encrypt", cpc::progress::remaining_size(in.fd()), STDERR_FILENO, o.progress.mode()};
}

// --he, --sum: numbers or cpc/he records in, cpc/he records out.
int homomorphic(const Options& o, cpc::io::InputFile& in, cpc::io::OutputFile& out) {
  cpc::ndjson::LineReader reader(in.fd());
  auto lines = [&](std::string_view& l) { return reader.next(l); };
  auto line_number = [&] { return reader.line_number(); };
  std::optional<cpc::keys::PublicKey> to;
  if (!o.sum) {
    auto pub = cpc::keyfile::load_public(o.to);
    if (!pub) return cpc::tool::fail(pub.status());
    to = *pub;
  }
  cpc::Status s;
  {  // the writer's last flush happens before a discard()
    cpc::ndjson::LineWriter writer(out.fd());
    auto emit = [&](std::string_view record) { return writer.append_line(record); };
    if (o.sum) {
      auto total = cpc::he::sum_lines(lines, line_number);
      s = total ? emit(cpc::he::he_record(*total)) : total.status();
    } else {
      s = cpc::he::encrypt_lines(lines, line_number, to->encrypt, o.scale, emit);
    }
    if (s) s = writer.flush();
  }
  return cpc::tool::finish(out, s);
}

// Plain bytes are refused on a terminal when they do not look like text (age does the same).
cpc::Status check_terminal(const cpc::io::OutputFile& out, cpc::ByteView first, bool force) {
  if (force || !out.is_stdout() || !::isatty(out.fd())) return cpc::Status::ok();
  for (std::uint8_t c : first.first(std::min<std::size_t>(first.size(), 1024))) {
    if ((c < 0x20 && c != '\n' && c != '\r' && c != '\t') || c == 0x7f) {
      return cpc::Status::bad_input("refusing to write binary plaintext to a terminal");
    }
  }
  return cpc::Status::ok();
}

int seal(const Options& o, cpc::io::InputFile& in, cpc::io::OutputFile& out) {
  auto to = cpc::keyfile::load_public(o.to);
  if (!to) return cpc::tool::fail(to.status());
  auto bar = input_progress(o, in);
  cpc::Status s;
  if (o.records) {
    cpc::ndjson::LineReader reader(in.fd());
    cpc::ndjson::LineWriter writer(out.fd());
    std::string_view line;
    for (;;) {
      auto more = reader.next(line);
      if (!more) return cpc::tool::fail(more.status());
      if (!*more) break;
      if (s = writer.append_line(cpc::seal::seal_record(*to, cpc::as_bytes(line))); !s) break;
      bar.add(line.size() + 1);
    }
    if (s) s = writer.flush();
  } else {
    s = cpc::seal::seal_stream(
        in.fd(), *to, o.chunk_size, [&](std::string_view line) { return out.write(line); },
        [&](std::uint64_t n) { bar.update(n); });
  }
  return cpc::tool::finish(out, s, bar);
}

int open(const Options& o, cpc::io::InputFile& in, cpc::io::OutputFile& out) {
  auto sk = cpc::keyfile::load_secret(o.key, o.passphrase_file);
  if (!sk) return cpc::tool::fail(sk.status());
  auto bar = input_progress(o, in);  // input bytes: lines and their newlines
  cpc::ndjson::LineReader reader(in.fd());
  std::string_view first;
  auto more = reader.next(first);
  if (!more) return cpc::tool::fail(more.status());
  if (!*more) return cpc::tool::fail(cpc::Status::bad_input("empty input: nothing to open"));
  auto at_line = [&](const cpc::Status& s) {
    return s.with_context("line " + std::to_string(reader.line_number()));
  };
  bool first_pending = true;
  auto lines = [&](std::string_view& l) -> cpc::Result<bool> {
    if (first_pending) {
      first_pending = false;
      l = first;
      bar.add(l.size() + 1);
      return true;
    }
    auto got = reader.next(l);
    if (got && *got) bar.add(l.size() + 1);
    return got;
  };
  // A grantee opens with cfrags from the proxies and the owner's key to check them.
  cpc::reencrypt::CfragFiles cfrags;
  std::optional<cpc::keys::PublicKey> owner;
  if (!o.cfrags.empty()) {
    auto from = cpc::keyfile::load_public(o.from);
    if (!from) return cpc::tool::fail(from.status());
    owner = *from;
    if (auto s = cfrags.open(o.cfrags); !s) return cpc::tool::fail(s);
  }
  auto keys = owner ? cpc::reencrypt::grantee_key_source(*sk, *owner, cfrags)
                    : cpc::seal::owner_key_source(*sk);
  bool checked_tty = false;
  auto sink = [&](cpc::ByteView b) -> cpc::Status {
    if (!checked_tty) {
      checked_tty = true;
      CPC_RETURN_IF_ERROR(check_terminal(out, b, o.force_tty));
    }
    return out.write(b);
  };
  cpc::Status s;
  if (cpc::he::is_he_record(first)) {
    cpc::ndjson::LineWriter writer(out.fd());
    s = cpc::he::decrypt_lines(
        lines, [&] { return reader.line_number(); }, *sk,
        [&](std::string_view v) { return writer.append_line(v); });
    if (s) s = writer.flush();
  } else if (cpc::seal::is_sealed_record(first)) {
    // One sealed record per line: print each opened line.
    std::string_view line = first;
    do {
      auto plain = cpc::seal::open_record(line, keys);
      if (!plain) {
        s = at_line(plain.status());
        break;
      }
      plain->push_back('\n');
      if (s = sink(*plain); !s) break;
      bar.add(line.size() + 1);
      more = reader.next(line);
      if (!more) s = more.status();
    } while (s && *more);
  } else {
    s = cpc::seal::open_stream(lines, keys, sink);
    if (!s) s = at_line(s);
  }
  if (s && owner) s = cfrags.finish();
  return cpc::tool::finish(out, s, bar);
}

}  // namespace

static int run(int argc, char** argv) {
  CLI::App app{
      "Seal a byte stream (or, with --records, each NDJSON line) to a public key; with -d,\n"
      "open what was sealed to your key. Opening never leaves a partial output file."};
  Options o;
  app.add_option("--to", o.to, "Recipient: a public-key or secret-key file");
  app.add_option("FILE", o.input, "Input (default: stdin)");
  app.add_flag("-d,--decrypt", o.decrypt, "Open sealed data with -k KEY");
  app.add_option("-k,--key", o.key, "Secret key file (for -d)");
  app.add_flag("--records", o.records, "Seal each NDJSON line into its own cpc/sealed record");
  app.add_option("-o,--output", o.out_path, "Write to FILE (atomically) instead of stdout");
  cpc::tool::add_progress_flags(app, o.progress);
  app.add_option("--chunk-size", o.chunk_size, "Plaintext bytes per chunk (default 65536)")
      ->check(CLI::Range(1u, cpc::seal::kMaxChunkSize));
  app.add_option("--passphrase-file", o.passphrase_file,
                 "Passphrase of a protected key (default: $CPC_PASSPHRASE_FILE, else ask)");
  app.add_flag("--force-tty", o.force_tty, "Write binary plaintext to a terminal anyway");
  app.add_option("--cfrag", o.cfrags,
                 "With -d, as a grantee: one proxy's cpc/cfrag file; repeat for T proxies")
      ->allow_extra_args(false);
  app.add_option("--from", o.from, "With --cfrag: the owner the data was sealed to");
  app.add_flag("--he", o.he, "Encrypt numbers (one per line) into cpc/he records for --to");
  app.add_option("--scale", o.scale, "With --he: decimals kept (value x 10^N), 0..18")
      ->check(CLI::Range(0u, cpc::he::kMaxScale));
  app.add_flag("--sum", o.sum, "Add cpc/he records into one cpc/he record (no key needed)");
  cpc::tool::add_version_flag(app);
  if (int rc = cpc::tool::parse(app, argc, argv); rc >= 0) return rc;

  auto usage = [](const std::string& m) { return cpc::tool::fail(cpc::Status::bad_input(m)); };
  if (int modes = o.decrypt + o.he + o.sum; modes > 1)
    return usage("-d, --he and --sum exclude each other");
  if ((o.decrypt || o.sum) && !o.to.empty()) return usage("--to goes with sealing or --he");
  if (!o.decrypt && !o.sum && o.to.empty()) {
    return cpc::tool::fail(cpc::Status::bad_input("nothing to do: give --to PUB, or -d -k KEY"),
                           "see 'cpc-encrypt --help'");
  }
  if (o.decrypt && o.key.empty()) return usage("-d needs -k KEY");
  if (o.cfrags.empty() != o.from.empty()) return usage("--cfrag and --from go together");
  if (!o.cfrags.empty() && !o.decrypt) return usage("--cfrag goes with -d");
  cpc::io::InputFile in;
  if (auto s = in.open(o.input); !s) return cpc::tool::fail(s);
  cpc::io::OutputFile out;
  if (auto s = out.open(o.out_path); !s) return cpc::tool::fail(s);
  if (o.he || o.sum) return homomorphic(o, in, out);
  return o.decrypt ? open(o, in, out) : seal(o, in, out);
}

int main(int argc, char** argv) {
  return cpc::tool::run_main("cpc-encrypt", run, argc, argv);
}
