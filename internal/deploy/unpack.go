package deploy

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"ferry/internal/archive"
	"ferry/internal/fsx"
)

// ManifestName is the release manifest's name at the release root.
const ManifestName = "RELEASE.json"

// ManifestFormat is the manifest format this package reads.
const ManifestFormat = 1

// maxManifest bounds RELEASE.json.
const maxManifest = 1 << 20

// Manifest is what deploy reads of RELEASE.json; other fields are ignored.
type Manifest struct {
	Format     int    `json:"format"`
	Name       string `json:"name"`
	Version    string `json:"version"`
	EntryPoint string `json:"entry_point,omitempty"`
	Script     string `json:"script,omitempty"`
	Hash       string `json:"hash"`
}

// ReleaseName is the release's directory name: "<version>-<hash12>".
func (m Manifest) ReleaseName() string { return m.Version + "-" + m.Hash[:12] }

// ParseManifest reads and validates RELEASE.json.
func ParseManifest(data []byte) (Manifest, error) {
	var m Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return Manifest{}, &ArtifactError{Reason: fmt.Sprintf("%s is not valid JSON: %v", ManifestName, err)}
	}
	bad := func(reason string) (Manifest, error) {
		return Manifest{}, &ArtifactError{Reason: ManifestName + ": " + reason}
	}
	switch {
	case m.Format != ManifestFormat:
		return bad(fmt.Sprintf("format %d is not format %d", m.Format, ManifestFormat))
	case !safeComponent(m.Name):
		return bad(fmt.Sprintf("name %q is not a plain name", m.Name))
	case !safeComponent(m.Version):
		return bad(fmt.Sprintf("version %q is not a plain version", m.Version))
	case len(m.Hash) != 64 || strings.Trim(m.Hash, "0123456789abcdef") != "":
		return bad(fmt.Sprintf("hash %q is not a hex SHA-256", m.Hash))
	}
	return m, nil
}

// safeComponent reports whether s can be part of a directory name.
func safeComponent(s string) bool {
	if s == "" || len(s) > 128 || strings.HasPrefix(s, ".") || strings.HasPrefix(s, "-") {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("._+!-", c)) {
			return false
		}
	}
	return true
}

// ArtifactError reports a release archive that is refused: unreadable,
// incomplete, unsafe or not matching its manifest.
type ArtifactError struct {
	Artifact string
	Reason   string
	Err      error
}

// Error names the artifact and the reason.
func (e *ArtifactError) Error() string {
	msg := e.Reason
	if e.Err != nil {
		if msg != "" {
			msg += ": "
		}
		msg += e.Err.Error()
	}
	if e.Artifact != "" {
		return "release " + e.Artifact + ": " + msg
	}
	return "release: " + msg
}

// Unwrap returns the cause.
func (e *ArtifactError) Unwrap() error { return e.Err }

// member is one hashed member of a release.
type member struct {
	name, kind, sum string
}

// unpacked is what reading an archive found.
type unpacked struct {
	manifest Manifest
	// top is the directory the release sits in inside the archive ("" for
	// the root).
	top  string
	hash string
}

// Verify reads the release archive at file completely, checking every
// member and the content hash, and returns its manifest. Nothing is
// written.
func Verify(ctx context.Context, file string, limits archive.Limits) (Manifest, error) {
	u, err := readArchive(ctx, file, "", limits)
	if err != nil {
		return Manifest{}, err
	}
	return u.manifest, nil
}

// readArchive reads the archive at file, unpacking it into dest when dest
// is not "" (an existing, empty directory), and checks it.
func readArchive(ctx context.Context, file, dest string, limits archive.Limits) (*unpacked, error) {
	fail := func(reason string, err error) (*unpacked, error) {
		return nil, &ArtifactError{Artifact: file, Reason: reason, Err: err}
	}
	f, err := os.Open(file)
	if err != nil {
		return nil, fmt.Errorf("opening release %s: %w", file, err)
	}
	defer f.Close()
	br := bufio.NewReader(f)
	var r io.Reader = br
	var gz *gzip.Reader
	if head, _ := br.Peek(2); bytes.Equal(head, []byte{0x1f, 0x8b}) {
		if gz, err = gzip.NewReader(br); err != nil {
			return fail("not a readable gzip stream", err)
		}
		r = gz
	}
	var members []member
	manifests := map[string][]byte{}
	tops := map[string]bool{}
	hasLinks := false
	err = archive.WalkTar(r, archive.TarOptions{Limits: limits, AllowSymlinks: true}, func(e archive.TarEntry, body io.Reader) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		first, _, _ := strings.Cut(e.Name, "/")
		tops[first] = true
		target := ""
		if dest != "" {
			if hasLinks {
				p, err := fsx.SafeJoin(dest, e.Name)
				if err != nil {
					return err
				}
				target = p
			} else {
				target = filepath.Join(dest, filepath.FromSlash(e.Name))
			}
		}
		switch {
		case e.Header.Typeflag == tar.TypeDir:
			if target != "" {
				if err := os.MkdirAll(target, 0o755); err != nil {
					return err
				}
			}
			return nil
		case e.Linkname != "":
			hasLinks = true
			if target != "" {
				if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
					return err
				}
				if err := os.Symlink(e.Linkname, target); err != nil {
					return err
				}
			}
			sum := sha256.Sum256([]byte(e.Linkname))
			members = append(members, member{e.Name, "l", hex.EncodeToString(sum[:])})
			return nil
		}
		kind := "f"
		if e.Header.Mode&0o111 != 0 {
			kind = "x"
		}
		h := sha256.New()
		var w io.Writer = h
		var manifest *bytes.Buffer
		if path.Base(e.Name) == ManifestName && strings.Count(e.Name, "/") <= 1 {
			if e.Header.Size > maxManifest {
				return fmt.Errorf("%s is larger than %d bytes", e.Name, maxManifest)
			}
			manifest = &bytes.Buffer{}
			w = io.MultiWriter(h, manifest)
		}
		var out *os.File
		if target != "" {
			if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
				return err
			}
			perm := os.FileMode(0o644)
			if kind == "x" {
				perm = 0o755
			}
			var err error
			if out, err = os.OpenFile(target, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm); err != nil {
				return err
			}
			w = io.MultiWriter(w, out)
		}
		n, err := io.Copy(w, body)
		if out != nil {
			if cerr := out.Close(); err == nil {
				err = cerr
			}
			if err == nil && kind == "x" {
				err = os.Chmod(target, 0o755)
			}
		}
		if err != nil {
			return fmt.Errorf("%s: %w", e.Name, err)
		}
		if n != e.Header.Size {
			return fmt.Errorf("%s: %w", e.Name, io.ErrUnexpectedEOF)
		}
		if manifest != nil {
			manifests[e.Name] = manifest.Bytes()
		}
		members = append(members, member{e.Name, kind, hex.EncodeToString(h.Sum(nil))})
		return nil
	})
	if err != nil {
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return nil, err
		}
		return fail("", err)
	}
	if gz != nil {
		// The tar reader stops at the end-of-archive blocks; reading on
		// checks the gzip trailer (a truncated or corrupt stream).
		if _, err := io.Copy(io.Discard, gz); err != nil {
			return fail("", err)
		}
	}

	u := &unpacked{}
	data, ok := manifests[ManifestName]
	if !ok && len(tops) == 1 {
		for t := range tops {
			u.top = t
		}
		data, ok = manifests[u.top+"/"+ManifestName]
	}
	if !ok {
		return fail("no "+ManifestName+" at the root of the archive or of its single top directory", nil)
	}
	m, err := ParseManifest(data)
	if err != nil {
		var ae *ArtifactError
		if errors.As(err, &ae) {
			ae.Artifact = file
		}
		return nil, err
	}
	u.manifest = m
	prefix := ""
	if u.top != "" {
		prefix = u.top + "/"
	}
	var lines []member
	for _, mb := range members {
		name := strings.TrimPrefix(mb.name, prefix)
		if name == ManifestName {
			continue
		}
		mb.name = name
		lines = append(lines, mb)
	}
	sort.Slice(lines, func(i, j int) bool { return lines[i].name < lines[j].name })
	sum := sha256.New()
	for _, l := range lines {
		fmt.Fprintf(sum, "%s %s\x00%s\n", l.kind, l.name, l.sum)
	}
	u.hash = hex.EncodeToString(sum.Sum(nil))
	if u.hash != m.Hash {
		return fail(fmt.Sprintf("content hash mismatch: %s says %s, the content hashes to %s", ManifestName, m.Hash, u.hash), nil)
	}
	return u, nil
}
