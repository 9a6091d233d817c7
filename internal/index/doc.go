// Package index answers "which files does this project have?" from the
// places pip users keep packages, and reads a file's core metadata without
// downloading it where the index allows.
//
// Standards: the Simple Repository API
// (https://packaging.python.org/en/latest/specifications/simple-repository-api/)
// as PEP 503 HTML and PEP 691 JSON (JSON asked for first, the answer parsed
// by its Content-Type), PEP 592 yanked files, PEP 658/714 metadata files,
// PEP 700 sizes and upload times; pip's --find-links (directories, HTML
// pages, single files), --index-url, --extra-index-url, --no-index and the
// configuration pip users already have (PIP_* variables, pip.conf).
//
// The pieces:
//
//   - Index is the one interface consumers use (Project). HTTP is a simple
//     index, FindLinks a find-links location, Multi combines them under a
//     Strategy (FirstIndex by default: no dependency confusion), and
//     ExcludeNewer filters by upload time.
//   - MetadataReader returns a file's METADATA: a cached copy, the PEP 658
//     file (hash-checked), HTTP range requests on the wheel's zip central
//     directory, or the whole file through package fetch.
//   - HTTPCache keeps pages with their validators (ETag, Last-Modified,
//     Cache-Control max-age) and revalidates them; CacheOffline never uses
//     the network, CacheRefresh always revalidates.
//   - LoadSettings merges flags, FERRY_* and PIP_* variables and pip.conf;
//     Settings.Open builds the Index.
//
// Invariants: credentials given in index URLs go to the HTTP client and
// never appear in a File URL, a Page source or an error; links whose file
// names do not parse as a wheel or sdist of the project asked for are
// dropped, not errors; an invalid data-requires-python is ignored with a
// warning; a page that is not HTML or JSON at all is an error, as is
// metadata naming another project or version than its file.
package index
