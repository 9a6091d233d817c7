// Package bundle turns an installed tree of distributions into deployable
// artifacts: an executable zip application (PEP 441, through package
// zipapp), a release directory or .tar.gz in the layout of a "pip install
// --target vendor" deployment, and native .deb and .rpm packages of that
// release (through packages deb and rpm).
//
// The input is a Tree: a staging directory laid out as pip install
// --target lays one out (packages and .dist-info directories at the top,
// scripts in bin/), which the caller fills by resolving and installing
// (the command line does it through package project and package install).
// Scan reads it back: every distribution's files are the ones its RECORD
// lists, so nothing else in the directory (locks, journals) is bundled.
//
// A distribution is native (it must be a file on disk, not imported from a
// zip) when it holds an extension module or shared library (.so, .pyd,
// .dylib, .dll, or a versioned .so.N), or its .dist-info carries setuptools'
// not-zip-safe flag; the caller can name more (ZipappOptions.Extract).
//
// # Zip applications
//
// WriteZipapp puts pure distributions under site-packages/ and native ones
// under extract/ (see package zipapp for the bootstrap that runs them).
// Scripts in bin/ are left out: the zipapp itself is the program.
// Compile adds bytecode made by the target interpreter: unchecked
// hash-based .pyc files (PEP 552), which hold no time stamp, beside the
// sources in site-packages/ (zipimport reads "mod.pyc" there; it never
// writes bytecode itself, so without them every start compiles every
// module) and in __pycache__ under extract/. Another Python version
// ignores them and compiles the sources.
//
// # Releases
//
// A release is a directory tree:
//
//	RELEASE.json       the manifest (ReleaseManifest)
//	app/               the application's own distribution, installed
//	vendor/            every dependency, as pip install --target installs it
//	requirements.txt   the dependencies frozen as name==version with
//	                   --hash=sha256 lines of the wheels that were installed
//	bin/<script>       a Python launcher: it puts app/ and vendor/ first on
//	                   sys.path through site.addsitedir (so .pth files
//	                   work), then imports and calls the entry point
//
// The .tar.gz form holds the tree under one directory "<name>-<version>/".
// The manifest's Hash is the release's content hash: the hex SHA-256 of one
// line per regular file and symbolic link, RELEASE.json excluded, in byte
// order of their slash-separated names relative to the release root:
//
//	"<kind> <name>\x00<hex SHA-256 of the content>\n"
//
// kind "f" for a file, "x" for an executable file and "l" for a symbolic
// link (whose content is its target). Directories are not hashed. Package
// deploy checks the same hash before it installs a release.
//
// The .deb and .rpm packages install the release under /opt/<name>/ with a
// symbolic link /usr/bin/<script> to its launcher, depend on the system's
// python3 (at least the application's Requires-Python lower bound; for a
// release with native code, the target's Python minor version exactly) and
// carry the metadata bdist_rpm derives: summary, description, license, URL,
// vendor, packager or maintainer, release, architecture (all or noarch
// unless the release holds native code) and a changelog entry.
//
// Invariants:
//   - Every writer is deterministic: the same tree and options give the
//     same bytes. Members are sorted, every time stamp is the caller's
//     Mtime (SOURCE_DATE_EPOCH), modes are normalized (0644, 0755 for
//     executables and directories), owners are root with no names.
//   - No path outside the tree is read: RECORD entries that leave the root
//     are refused.
package bundle
