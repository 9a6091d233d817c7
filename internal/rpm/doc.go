// Package rpm writes binary RPM packages natively (the RPM v4 package format:
// lead, signature header, header, cpio payload; see rpm's "Package format"
// documentation and the LSB "Package File Format" chapter), using
// github.com/google/rpmpack for the encoding. No rpmbuild is needed.
//
// The header carries the spec-file preamble fields that setuptools'
// bdist_rpm derives from a project: Name, Version, Release, Epoch, Summary,
// %description, License, Vendor, Packager, Group, URL, BuildArch,
// Requires, Provides, Conflicts, Obsoletes, Recommends, Suggests, the
// %pre/%post/%preun/%postun scriptlets and %changelog.
//
// Invariants:
//   - Write is deterministic: the same Package gives the same bytes. Files
//     are sorted by path, every file and the build time carry
//     Package.BuildTime (SOURCE_DATE_EPOCH, chosen by the caller), the build
//     host is "localhost", owners are root:root, and modes are 0644 for
//     files, 0755 for directories and executables, 0777 for links.
//   - Only the directories the caller lists are owned by the package: system
//     directories such as /usr/bin belong to other packages.
//   - Versions convert from PEP 440 preserving order (see FromPEP440);
//     CompareVersions is rpm's order and ParseVersion(v.String()) == v.
//
// File contents are read into memory (rpmpack needs every body as bytes).
// The cpio payload names files by absolute path ("/opt/app/x.py"), as
// rpmpack writes it: rpm installs by the header's file list and is not
// affected, but unpacking by hand needs cpio's --no-absolute-filenames
// (rpm2cpio x.rpm | cpio -idm --no-absolute-filenames).
package rpm
