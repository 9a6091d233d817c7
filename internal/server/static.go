package server

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"ferry/internal/fsx"
	"ferry/internal/pkgname"
	"ferry/internal/simpleapi"
)

// Summary tells what WriteTree wrote.
type Summary struct {
	Projects int
	Files    int
	// Metadata counts the PEP 658 metadata files written.
	Metadata int
}

// WriteTree writes the static form of dir's index into out (which may be
// dir itself), for any web server to serve:
//
//	out/<file>                        the distribution files (placed by
//	                                  clone, hard link or copy when out is
//	                                  not dir)
//	out/<file>.metadata               PEP 658 metadata of each wheel
//	out/simple/index.html, index.json the project list
//	out/simple/<name>/index.html      each project's PEP 503 page
//	out/simple/<name>/index.json      and its PEP 691 page
//
// Links are relative ("../../<file>"), so the tree can be served from any
// path. Serving index.html for directory URLs gives a PEP 503 index as is;
// to serve JSON to clients that ask for it, map the Accept header to the
// file name (nginx: a map of $http_accept choosing index.json when it
// contains application/vnd.pypi.simple.v1+json, then try_files $uri/$that
// $uri/index.html, with types { application/vnd.pypi.simple.v1+json json; };
// Apache: mod_negotiation with index.json and index.html as variants, or a
// RewriteCond on %{HTTP_ACCEPT}).
//
// Output is deterministic: the same files (by content, name and
// modification time, unless opts.UploadTime says otherwise) give the same
// bytes. Pages of projects no longer present and metadata files of
// wheels no longer present are removed.
func WriteTree(ctx context.Context, dir, out string, opts Options) (Summary, error) {
	sc := &scanner{dir: dir, opts: opts}
	rp, err := sc.scan(ctx)
	if err != nil {
		return Summary{}, err
	}
	var sum Summary
	same, err := sameDir(dir, out)
	if err != nil {
		return sum, err
	}
	if err := os.MkdirAll(filepath.Join(out, "simple"), 0o755); err != nil {
		return sum, fmt.Errorf("writing index: %w", err)
	}
	for _, p := range rp.projects {
		for _, d := range p.dists {
			if err := ctx.Err(); err != nil {
				return sum, err
			}
			if !same {
				if _, err := fsx.Place(filepath.Join(dir, d.filename), filepath.Join(out, d.filename), fsx.LinkClone); err != nil {
					return sum, fmt.Errorf("writing index: %w", err)
				}
				if d.yanked {
					if err := fsx.WriteFileAtomic(filepath.Join(out, d.filename+YankedSuffix), []byte(d.yankedReason+"\n"), 0o644); err != nil {
						return sum, err
					}
				}
			}
			sum.Files++
			if d.metadata != nil {
				if err := writeIfChanged(filepath.Join(out, d.filename+MetadataSuffix), d.metadata); err != nil {
					return sum, err
				}
				sum.Metadata++
			}
		}
		page := rp.page(p, "../../", opts)
		pdir := filepath.Join(out, "simple", string(p.name))
		if err := os.MkdirAll(pdir, 0o755); err != nil {
			return sum, fmt.Errorf("writing index: %w", err)
		}
		for _, f := range []struct {
			name   string
			format int
		}{{"index.html", formatHTML}, {"index.json", formatJSONv1}} {
			body, err := renderPage(page, f.format)
			if err != nil {
				return sum, err
			}
			if err := writeIfChanged(filepath.Join(pdir, f.name), body); err != nil {
				return sum, err
			}
		}
		sum.Projects++
	}
	var html, js bytes.Buffer
	if err := simpleapi.WriteRootHTML(&html, rp.names(), pkgname.Normalize); err != nil {
		return sum, err
	}
	if err := simpleapi.WriteRootJSON(&js, rp.names()); err != nil {
		return sum, err
	}
	if err := writeIfChanged(filepath.Join(out, "simple", "index.html"), html.Bytes()); err != nil {
		return sum, err
	}
	if err := writeIfChanged(filepath.Join(out, "simple", "index.json"), js.Bytes()); err != nil {
		return sum, err
	}
	return sum, removeStale(out, rp)
}

// writeIfChanged writes data atomically unless the file already holds it
// (so re-indexing an unchanged directory touches nothing).
func writeIfChanged(p string, data []byte) error {
	if old, err := os.ReadFile(p); err == nil && bytes.Equal(old, data) {
		return nil
	}
	if err := fsx.WriteFileAtomic(p, data, 0o644); err != nil {
		return fmt.Errorf("writing index: %w", err)
	}
	return nil
}

// removeStale deletes project pages and metadata files left from files
// that are gone.
func removeStale(out string, rp *repo) error {
	simple := filepath.Join(out, "simple")
	entries, err := os.ReadDir(simple)
	if err != nil {
		return fmt.Errorf("writing index: %w", err)
	}
	for _, e := range entries {
		if !e.IsDir() || rp.byName[pkgname.Name(e.Name())] != nil {
			continue
		}
		// Only directories that look like ours: holding index.html.
		if _, err := os.Stat(filepath.Join(simple, e.Name(), "index.html")); err != nil {
			continue
		}
		if err := os.RemoveAll(filepath.Join(simple, e.Name())); err != nil {
			return fmt.Errorf("removing stale page: %w", err)
		}
	}
	entries, err = os.ReadDir(out)
	if err != nil {
		return fmt.Errorf("writing index: %w", err)
	}
	for _, e := range entries {
		base, ok := strings.CutSuffix(e.Name(), MetadataSuffix)
		if !ok || e.IsDir() || !strings.HasSuffix(base, ".whl") {
			continue
		}
		if d := rp.files[base]; d != nil && d.metadata != nil {
			continue
		}
		if _, err := os.Stat(filepath.Join(out, base)); err == nil && rp.files[base] != nil {
			continue
		}
		if err := os.Remove(filepath.Join(out, e.Name())); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("removing stale metadata: %w", err)
		}
	}
	return nil
}

func sameDir(a, b string) (bool, error) {
	sa, err := os.Stat(a)
	if err != nil {
		return false, fmt.Errorf("reading %s: %w", a, err)
	}
	sb, err := os.Stat(b)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("reading %s: %w", b, err)
	}
	return os.SameFile(sa, sb), nil
}
