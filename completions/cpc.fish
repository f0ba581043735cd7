# SPDX-License-Identifier: Apache-2.0
# Fish completion for the cpchain binaries (installed as
# share/fish/vendor_completions.d/cpc.fish). The flags of each built binary are those its
# --help prints; binaries not written yet carry the flags docs/cli.md gives them.
# -r: takes a value; -F: the value is a file; -x: takes a value that is not a file.

for cmd in cpc-keygen cpc-sign cpc-verify cpc-encrypt cpc-reencrypt cpc-put cpc-get cpc-node
    complete -c $cmd -s h -l help -d 'Print help and exit'
    test $cmd = cpc-reencrypt; or complete -c $cmd -l version -d 'Print the version and exit'
end

# cpc-keygen
complete -c cpc-keygen -f
complete -c cpc-keygen -s o -l output -r -F -d 'Write to FILE atomically'
complete -c cpc-keygen -l public -d 'Print the public key of a secret key'
complete -c cpc-keygen -s k -l key -r -F -d 'Secret key file for --public'
complete -c cpc-keygen -s f -l force -d 'Overwrite an existing output file'
complete -c cpc-keygen -s p -l protect -d 'Protect the new key with a passphrase'
complete -c cpc-keygen -l passphrase-file -r -F -d 'Read the passphrase from FILE'

# cpc-sign (positional: FILE)
complete -c cpc-sign -s k -l key -r -F -d 'Secret key file'
complete -c cpc-sign -l detached -d 'Sign the exact bytes of FILE'
complete -c cpc-sign -s o -l output -r -F -d 'Write to FILE atomically'
complete -c cpc-sign -l passphrase-file -r -F -d 'Passphrase of a protected key'

# cpc-verify (positional: FILE)
complete -c cpc-verify -l signer -r -F -d 'Trusted signer: key file, keyring directory or hex key'
complete -c cpc-verify -l keep-going -d 'Report every invalid record'
complete -c cpc-verify -l detached -r -F -d 'Verify a detached signature over this file'
complete -c cpc-verify -l sig -r -F -d 'The cpc/signature file for --detached'
complete -c cpc-verify -s o -l output -r -F -d 'Write payloads to FILE atomically'
complete -c cpc-verify -l cfrag -r -F -d 'Check these cpc/cfrag records against the capsules of FILE'
complete -c cpc-verify -l from -r -F -d 'With --cfrag: the owner'
complete -c cpc-verify -l to -r -F -d 'With --cfrag: the grantee'
complete -c cpc-verify -l chain -d 'Verify the node\'s whole chain from genesis'
complete -c cpc-verify -l node -x -d 'With --chain: node URL'
complete -c cpc-verify -l proof -r -F -d 'Verify an inclusion proof offline'
complete -c cpc-verify -l genesis -r -F -d 'The trusted genesis file for --chain and --proof'

# cpc-encrypt (positional: FILE)
complete -c cpc-encrypt -l to -r -F -d 'Recipient public key'
complete -c cpc-encrypt -s d -l decrypt -d 'Open sealed data with -k KEY'
complete -c cpc-encrypt -s k -l key -r -F -d 'Secret key file (for -d)'
complete -c cpc-encrypt -l records -d 'Seal each NDJSON line on its own'
complete -c cpc-encrypt -s o -l output -r -F -d 'Write to FILE atomically'
complete -c cpc-encrypt -l chunk-size -x -d 'Plaintext bytes per chunk (1-16777216)'
complete -c cpc-encrypt -l passphrase-file -r -F -d 'Passphrase of a protected key'
complete -c cpc-encrypt -l force-tty -d 'Write binary plaintext to a terminal anyway'
complete -c cpc-encrypt -l cfrag -r -F -d "With -d, as a grantee: one proxy's cfrag file"
complete -c cpc-encrypt -l from -r -F -d 'With --cfrag: the owner the data was sealed to'
complete -c cpc-encrypt -l he -d 'Encrypt numbers into cpc/he records for --to'
complete -c cpc-encrypt -l scale -x -d 'With --he: decimals kept (0-18)'
complete -c cpc-encrypt -l sum -d 'Add cpc/he records (no key needed)'
complete -c cpc-encrypt -s q -l quiet -d 'No progress on stderr'
complete -c cpc-encrypt -l progress -d 'Show progress even off a terminal; keep the last line'
complete -c cpc-encrypt -l no-progress -d 'No progress on stderr (as -q)'

# cpc-reencrypt: proxy side (--kfrag FILE [SEALED]) or the grant/revoke subcommands.
set -l cpc_reencrypt_subs grant revoke
complete -c cpc-reencrypt -n "not __fish_seen_subcommand_from $cpc_reencrypt_subs" -a grant -d 'Make key fragments or publish a grant'
complete -c cpc-reencrypt -n "not __fish_seen_subcommand_from $cpc_reencrypt_subs" -a revoke -d 'End a grant'
complete -c cpc-reencrypt -n "not __fish_seen_subcommand_from $cpc_reencrypt_subs" -l version -d 'Print the version and exit'
complete -c cpc-reencrypt -n "not __fish_seen_subcommand_from $cpc_reencrypt_subs" -l kfrag -r -F -d 'Key fragment file'
complete -c cpc-reencrypt -n "not __fish_seen_subcommand_from $cpc_reencrypt_subs" -s o -l output -r -F -d 'Write to FILE atomically'
complete -c cpc-reencrypt -n "__fish_seen_subcommand_from $cpc_reencrypt_subs" -f
# grant and revoke: what 'cpc-reencrypt grant --help' and 'revoke --help' print.
complete -c cpc-reencrypt -n "__fish_seen_subcommand_from grant" -s k -l key -r -F -d 'Owner secret key'
complete -c cpc-reencrypt -n "__fish_seen_subcommand_from grant" -l to -r -F -d 'Grantee public key'
complete -c cpc-reencrypt -n "__fish_seen_subcommand_from grant" -s t -l threshold -x -d 'Kfrags needed to open (1-256)'
complete -c cpc-reencrypt -n "__fish_seen_subcommand_from grant" -s n -l shares -x -d 'Kfrags to make, one per proxy (1-256)'
complete -c cpc-reencrypt -n "__fish_seen_subcommand_from grant" -s o -l output -r -F -d 'Write to FILE atomically, mode 0600'
complete -c cpc-reencrypt -n "__fish_seen_subcommand_from grant" -l passphrase-file -r -F -d 'Passphrase of a protected key'
complete -c cpc-reencrypt -n "__fish_seen_subcommand_from grant" -l node -x -d 'Publish the grant on chain through this node'
complete -c cpc-reencrypt -n "__fish_seen_subcommand_from grant" -l cid -x -d 'With --node: grant this CID only'
complete -c cpc-reencrypt -n "__fish_seen_subcommand_from grant" -l expires -x -d 'With --node: end the grant after DURATION'
complete -c cpc-reencrypt -n "__fish_seen_subcommand_from revoke" -s k -l key -r -F -d 'Owner secret key'
complete -c cpc-reencrypt -n "__fish_seen_subcommand_from revoke" -l node -x -d 'Node URL'
complete -c cpc-reencrypt -n "__fish_seen_subcommand_from revoke" -l grant -x -d 'Grant id (64 hex)'
complete -c cpc-reencrypt -n "__fish_seen_subcommand_from revoke" -l passphrase-file -r -F -d 'Passphrase of a protected key'

# cpc-put (positional: FILE)
complete -c cpc-put -l node -x -d 'Node URL'
complete -c cpc-put -l records -d 'Store each NDJSON line as its own object'
complete -c cpc-put -s q -l quiet -d 'No progress on stderr'
complete -c cpc-put -l progress -d 'Show progress even off a terminal; keep the last line'
complete -c cpc-put -l no-progress -d 'No progress on stderr (as -q)'
complete -c cpc-put -l register -d 'Also register the object on chain'
complete -c cpc-put -s k -l key -r -F -d 'Secret key that signs the registration'
complete -c cpc-put -l price -x -d 'With --register: offer for sale at PRICE tokens'

# cpc-get (positional: CID)
complete -c cpc-get -f
complete -c cpc-get -l node -x -d 'Node URL'
complete -c cpc-get -s o -l output -r -F -d 'Write to FILE atomically'
complete -c cpc-get -s q -l quiet -d 'No progress on stderr'
complete -c cpc-get -l progress -d 'Show progress even off a terminal; keep the last line'
complete -c cpc-get -l no-progress -d 'No progress on stderr (as -q)'
complete -c cpc-get -l proof -d 'Print the registration with its inclusion proof'
complete -c cpc-get -l sum -d 'Have the node add cpc/he objects; print the encrypted total'
complete -c cpc-get -l buy -d 'Buy the object: escrow its price on chain'
complete -c cpc-get -l deadline -x -d 'With --buy: blocks until the escrow is refunded'
complete -c cpc-get -s k -l key -r -F -d 'Open the sealed object as its owner or a grantee; the buyer with --buy'
complete -c cpc-get -l passphrase-file -r -F -d 'Passphrase of a protected key'
complete -c cpc-get -s v -l verbose -d 'With -k: name each proxy skipped, and why'

# cpc-node: run a node, or the genesis subcommand.
complete -c cpc-node -f
complete -c cpc-node -n "not __fish_seen_subcommand_from genesis" -a genesis -d 'Write a genesis file'
complete -c cpc-node -n "not __fish_seen_subcommand_from genesis" -l data-dir -r -a '(__fish_complete_directories)' -d 'Data directory'
complete -c cpc-node -n "not __fish_seen_subcommand_from genesis" -l listen -x -d 'API address HOST:PORT'
complete -c cpc-node -n "not __fish_seen_subcommand_from genesis" -s k -l key -r -F -d 'Node key'
complete -c cpc-node -n "not __fish_seen_subcommand_from genesis" -l replication -x -d 'Copies of every block'
complete -c cpc-node -n "not __fish_seen_subcommand_from genesis" -l repair-interval -x -d 'Period of the replica repair'
complete -c cpc-node -n "not __fish_seen_subcommand_from genesis" -l max-body -x -d 'Largest request body (bytes)'
complete -c cpc-node -n "not __fish_seen_subcommand_from genesis" -l max-connections -x -d 'Open connections at most'
complete -c cpc-node -n "not __fish_seen_subcommand_from genesis" -l max-connections-per-ip -x -d 'Open connections per client address'
complete -c cpc-node -n "not __fish_seen_subcommand_from genesis" -l connection-timeout -x -d 'Idle time before a connection is closed'
complete -c cpc-node -n "not __fish_seen_subcommand_from genesis" -l empty-block-interval -x -d 'At most one empty block this often'
complete -c cpc-node -n "not __fish_seen_subcommand_from genesis" -l no-register -d 'Never register this node on chain (never a proxy)'
complete -c cpc-node -n "not __fish_seen_subcommand_from genesis" -l genesis -r -F -d 'Genesis file'
complete -c cpc-node -n "not __fish_seen_subcommand_from genesis" -l genesis-hash -x -d 'Run only the chain of this genesis hash'
complete -c cpc-node -n "not __fish_seen_subcommand_from genesis" -l bootstrap -x -d 'Peer URL (repeatable)'
complete -c cpc-node -n "not __fish_seen_subcommand_from genesis" -l log-format -x -a 'text json' -d 'Log lines on stderr: text or json'
complete -c cpc-node -n "not __fish_seen_subcommand_from genesis" -l config -r -F -d 'Read flags from a file'
complete -c cpc-node -n "__fish_seen_subcommand_from genesis" -l validator -r -F -d 'Validator public key'
complete -c cpc-node -n "__fish_seen_subcommand_from genesis" -l alloc -x -d 'Initial allocation PUB=AMOUNT'
complete -c cpc-node -n "__fish_seen_subcommand_from genesis" -s o -l output -r -F -d 'Write the genesis file'
