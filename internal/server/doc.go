// Package server presents a directory of wheels and sdists as a Python
// package index: live, as an http.Handler (Server), or as a static tree
// any web server can serve (WriteTree, behind `ferry index`). Both build
// their pages through one code path, so they say the same thing.
//
// Standards: the Simple Repository API
// (https://packaging.python.org/en/latest/specifications/simple-repository-api/):
// PEP 503 HTML and PEP 691 JSON pages with content negotiation on Accept
// (and ?format=), PEP 592 yanked files (a "<file>.yanked" sidecar holds the
// reason), PEP 658/714 metadata files extracted from wheels and hashed,
// data-requires-python from the files' metadata, PEP 700 sizes, versions
// and upload times (the file's modification time unless Options say
// otherwise).
//
// Invariants: every link carries the file's sha256; project names in URLs
// are normalized (others are redirected to the normalized form); unknown
// projects and files are 404; files are served with Range support (the
// range-request metadata path of package index is tested against this);
// pages carry an ETag and answer If-None-Match with 304. Files whose names
// are not valid wheel or sdist names are skipped with a warning. The
// hermetic tests of every network-facing package use this server on
// loopback as their index.
package server
