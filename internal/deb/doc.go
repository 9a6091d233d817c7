// Package deb writes Debian binary packages (.deb) natively, as deb(5),
// deb-control(5), deb-md5sums(5), deb-conffiles(5) and Debian Policy
// chapters 3, 5 and 6 describe them, with no dpkg-deb.
//
// A package is an ar(5) archive of three members in this order:
// "debian-binary" ("2.0\n"), "control.tar.gz" (./control, ./md5sums,
// ./conffiles and the maintainer scripts) and "data.tar.gz" (the file tree,
// member names led by "./", parent directories included).
//
// Invariants:
//   - Write is deterministic: the same Package gives the same bytes. Members
//     are sorted by name, every time stamp is Package.Mtime (the caller reads
//     SOURCE_DATE_EPOCH), owners are uid/gid 0 with no names, modes are 0644
//     for files, 0755 for directories, executables and maintainer scripts,
//     and gzip headers carry no name or time.
//   - The control file's fields are validated before anything is written:
//     a package name of lowercase letters, digits and "+ - ." (at least two
//     characters, led by a letter or digit), a valid Version, an
//     Architecture, a Maintainer and a one-line synopsis.
//   - Installed-Size is computed as dpkg-gencontrol estimates it, md5sums
//     lists every regular file but the conffiles (as dh_md5sums does), and
//     every conffile must be a regular file of the package.
//   - Versions convert from PEP 440 preserving order (see FromPEP440);
//     CompareVersions is dpkg's order and ParseVersion(v.String()) == v.
//
// The data tree is gzip-compressed in memory before the archive is written,
// because ar needs each member's size before its bytes and the control
// member (Installed-Size, md5sums) comes first.
package deb
