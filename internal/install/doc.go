// Package install puts wheels into Python environments and takes
// distributions out of them, following the binary distribution format
// specification's installation rules
// (https://packaging.python.org/en/latest/specifications/binary-distribution-format/#installing-a-wheel-distribution-1-0-py32-none-any-whl)
// and the recording of installed projects (PEP 376, PEP 627, PEP 610 for
// direct_url.json).
//
// The engine has two halves that a caller (the CLI today, the resolver's
// orchestration later) drives separately:
//
//   - Unpack / UnpackAll make sure wheel files are unpacked into the
//     content-addressed cache (package cache), each member verified
//     against RECORD while it is written (package wheel). An entry is a
//     tree plus a manifest, so installing from it needs no archive.
//   - OpenEnv locks a target (a Layout: a virtual environment, --prefix,
//     --user, --target, --root), repairs interrupted transactions and reads
//     its inventory; Env.Apply performs one Txn: remove these
//     distributions, install these unpacked wheels (each with its
//     REQUESTED and direct_url.json), replacing installed versions.
//
// Placement. Root files go to purelib when WHEEL says Root-Is-Purelib,
// else platlib; ".data/<key>/" files to the scheme directory of that key,
// headers under Layout.Headers/<project>. Files come from the cache by
// clone, hard link or copy (fsx.LinkMode; the mode in use falls back once
// and stays fallen back); files whose content ferry writes (scripts whose
// "#!python" shebang is rewritten, console_scripts and gui_scripts
// launchers, INSTALLER, REQUESTED, direct_url.json, RECORD) are written,
// never linked. The new RECORD lists every installed path relative to the
// directory holding .dist-info, bytecode and RECORD itself without a hash.
//
// Safety. Every path written or removed must lie inside Layout.Roots,
// lexically and with its parent's symbolic links resolved; removals
// outside are skipped with a warning, writes outside fail the
// transaction.
//
// Atomicity. A transaction is journaled (see journal.go): every step that
// changes the environment is listed, with where displaced files are moved,
// in a journal written and synced before the first change; the journal is
// rewritten as committed after the last. An interrupted transaction is
// rolled back (not committed) or finished (committed) by Recover, which
// OpenEnv runs under the environment's lock. So after any failure or kill
// the environment is, once ferry next opens it, exactly as before or as
// after. Files themselves are not synced (only the journal is), as pip
// and uv do not: the guarantee covers a killed process, while a power loss
// may leave placed files empty.
package install
