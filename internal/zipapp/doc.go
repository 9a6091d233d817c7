// Package zipapp writes executable Python zip applications: the format
// Python's own zipapp module and PEP 441 describe (a "#!" line followed by a
// zip archive whose root holds __main__.py), with a bootstrap of ferry's own
// that isolates, unpacks and runs a bundle of installed distributions.
//
// Layout of the zip:
//
//	__main__.py          the bootstrap (bootstrap/__main__.py, embedded)
//	site-packages/...    distributions imported straight from the zip
//	extract/...          distributions that must be files on disk (native
//	                     code, not zip-safe): extracted on first run to
//	                     <root>/<hash>/ and put on sys.path before
//	                     site-packages/
//	anything else        e.g. top-level application modules: the zip itself
//	                     stays first on sys.path
//	.ferry/bundle.json   the Manifest, written last
//
// What the bootstrap does at run time (standard library only, Python 3.8+):
// it reads the manifest, checks Requires-Python, removes the host's
// site-packages, dist-packages, user site and whatever .pth files added from
// sys.path (keeping the standard library, the zip and PYTHONPATH) unless the
// manifest or FERRY_ZIPAPP_INHERIT_PATH says to inherit them, extracts
// extract/ under FERRY_ZIPAPP_ROOT (default $XDG_CACHE_HOME/ferry/zipapps or
// ~/.cache/ferry/zipapps) once per content hash, under a lock and through an
// atomic rename so concurrent first runs are safe, makes importlib.metadata
// find the .dist-info directories inside the zip, and runs the entry point:
// "module:function" is imported and called and its result passed to
// sys.exit; a module is run as __main__ with runpy. A missing or failing
// entry point is reported on stderr as "ferry bundle: entry point 'app:main'
// could not be imported: ModuleNotFoundError: ..." with exit status 1.
// FERRY_ZIPAPP_DEBUG=1 makes it say what it does.
//
// Invariants:
//   - Write is deterministic: the same Options give the same bytes. Members
//     are sorted by name (the manifest last), every time stamp is
//     Options.Mtime (SOURCE_DATE_EPOCH, chosen by the caller), modes are 0644
//     or 0755 for executables, and the zip's offsets count the "#!" prefix.
//   - Manifest.Hash is the bundle's content hash (computed by Write): equal for
//     equal content, so unpacked directories are shared between runs and
//     never between different bundles.
//   - A console-script entry point is resolved at write time from the
//     bundled entry_points.txt files, so a bundle never fails at run time for
//     a script name its distributions do not define.
//
// Write sets no file mode: making the output executable (chmod 0755) is the
// caller's job. zipimport compiles modules from source on every start; it
// reads no __pycache__ directory.
package zipapp
