package distinfo

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf16"
)

// DirectURL is the content of direct_url.json (PEP 610): where a
// distribution installed from a URL, a local directory or a VCS came from.
// Exactly one of ArchiveInfo, DirInfo and VCSInfo is set.
type DirectURL struct {
	// URL is the URL the distribution was installed from, without
	// credentials (except "git" as an ssh user, or environment variables).
	URL string
	// Subdirectory is the path of the project within the archive or
	// repository, "" for its root.
	Subdirectory string
	ArchiveInfo  *ArchiveInfo
	DirInfo      *DirInfo
	VCSInfo      *VCSInfo
}

// ArchiveInfo describes an installation from an archive (a wheel or an
// sdist) by URL or path.
type ArchiveInfo struct {
	// Hash is the deprecated single "algorithm=hexdigest" form; "" when
	// absent.
	Hash string
	// Hashes maps algorithm names to hex digests; nil when absent.
	Hashes map[string]string
}

// AllHashes returns Hashes together with the legacy Hash (which does not
// override an entry of Hashes), as pip reads them.
func (a ArchiveInfo) AllHashes() map[string]string {
	out := map[string]string{}
	for k, v := range a.Hashes {
		out[k] = v
	}
	if name, value, ok := strings.Cut(a.Hash, "="); ok {
		if _, dup := out[name]; !dup {
			out[name] = value
		}
	}
	return out
}

// DirInfo describes an installation from a local directory.
type DirInfo struct {
	// Editable is true for an editable (development mode) installation.
	Editable bool
}

// VCSInfo describes an installation from a version control system.
type VCSInfo struct {
	VCS               string // "git", "hg", "bzr" or "svn"
	RequestedRevision string // the branch, tag or ref asked for, "" when none
	CommitID          string // the exact commit installed
}

// ParseDirectURL reads direct_url.json, checking the types of the known
// keys and that exactly one of archive_info, dir_info and vcs_info is
// present, as pip does. Unknown keys are ignored.
func ParseDirectURL(data []byte) (DirectURL, error) {
	fail := func(format string, args ...any) (DirectURL, error) {
		return DirectURL{}, fmt.Errorf("%s: %s", DirectURLFile, fmt.Sprintf(format, args...))
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		return fail("%v", err)
	}
	if top == nil {
		return fail("not a JSON object")
	}
	var d DirectURL
	var err error
	if d.URL, err = getString(top, "url", true); err != nil {
		return fail("%v", err)
	}
	if d.Subdirectory, err = getString(top, "subdirectory", false); err != nil {
		return fail("%v", err)
	}
	infos := 0
	if raw, ok := top["archive_info"]; ok {
		infos++
		obj, err := getObject(raw, "archive_info")
		if err != nil {
			return fail("%v", err)
		}
		a := &ArchiveInfo{}
		if a.Hash, err = getString(obj, "hash", false); err != nil {
			return fail("archive_info: %v", err)
		}
		if a.Hash != "" && !strings.Contains(a.Hash, "=") {
			return fail("archive_info: invalid hash format %q, want algorithm=hexdigest", a.Hash)
		}
		if rawHashes, ok := obj["hashes"]; ok {
			if err := json.Unmarshal(rawHashes, &a.Hashes); err != nil || a.Hashes == nil {
				return fail("archive_info: hashes must be an object of strings")
			}
		}
		d.ArchiveInfo = a
	}
	if raw, ok := top["dir_info"]; ok {
		infos++
		obj, err := getObject(raw, "dir_info")
		if err != nil {
			return fail("%v", err)
		}
		di := &DirInfo{}
		if rawEd, ok := obj["editable"]; ok {
			if err := json.Unmarshal(rawEd, &di.Editable); err != nil || string(rawEd) == "null" {
				return fail("dir_info: editable must be a boolean")
			}
		}
		d.DirInfo = di
	}
	if raw, ok := top["vcs_info"]; ok {
		infos++
		obj, err := getObject(raw, "vcs_info")
		if err != nil {
			return fail("%v", err)
		}
		v := &VCSInfo{}
		if v.VCS, err = getString(obj, "vcs", true); err != nil {
			return fail("vcs_info: %v", err)
		}
		if v.CommitID, err = getString(obj, "commit_id", true); err != nil {
			return fail("vcs_info: %v", err)
		}
		if v.RequestedRevision, err = getString(obj, "requested_revision", false); err != nil {
			return fail("vcs_info: %v", err)
		}
		d.VCSInfo = v
	}
	switch infos {
	case 0:
		return fail("missing one of archive_info, dir_info, vcs_info")
	case 1:
	default:
		return fail("more than one of archive_info, dir_info, vcs_info")
	}
	return d, nil
}

func getObject(raw json.RawMessage, key string) (map[string]json.RawMessage, error) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil || obj == nil {
		return nil, fmt.Errorf("%s must be an object", key)
	}
	return obj, nil
}

func getString(obj map[string]json.RawMessage, key string, required bool) (string, error) {
	raw, ok := obj[key]
	if !ok || string(raw) == "null" {
		if required {
			return "", fmt.Errorf("missing %s", key)
		}
		return "", nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", fmt.Errorf("%s must be a string", key)
	}
	if required && s == "" {
		return "", fmt.Errorf("empty %s", key)
	}
	return s, nil
}

// Validate checks what ParseDirectURL checks.
func (d DirectURL) Validate() error {
	n := 0
	for _, set := range []bool{d.ArchiveInfo != nil, d.DirInfo != nil, d.VCSInfo != nil} {
		if set {
			n++
		}
	}
	switch {
	case d.URL == "":
		return errors.New("direct URL: empty url")
	case n != 1:
		return errors.New("direct URL: want exactly one of archive_info, dir_info, vcs_info")
	case d.VCSInfo != nil && (d.VCSInfo.VCS == "" || d.VCSInfo.CommitID == ""):
		return errors.New("direct URL: vcs_info needs vcs and commit_id")
	case d.ArchiveInfo != nil && d.ArchiveInfo.Hash != "" && !strings.Contains(d.ArchiveInfo.Hash, "="):
		return fmt.Errorf("direct URL: invalid archive_info hash %q", d.ArchiveInfo.Hash)
	}
	return nil
}

// Marshal returns d as pip writes direct_url.json: json.dumps with sorted
// keys, ", " and ": " separators, non-ASCII escaped, absent values left
// out (and editable only when true).
func (d DirectURL) Marshal() ([]byte, error) {
	if err := d.Validate(); err != nil {
		return nil, err
	}
	top := obj{}
	top.add("url", str(d.URL))
	if d.Subdirectory != "" {
		top.add("subdirectory", str(d.Subdirectory))
	}
	switch {
	case d.ArchiveInfo != nil:
		a := obj{}
		if d.ArchiveInfo.Hash != "" {
			a.add("hash", str(d.ArchiveInfo.Hash))
		}
		if d.ArchiveInfo.Hashes != nil {
			h := obj{}
			for k, v := range d.ArchiveInfo.Hashes {
				h.add(k, str(v))
			}
			a.add("hashes", h.String())
		}
		top.add("archive_info", a.String())
	case d.DirInfo != nil:
		di := obj{}
		if d.DirInfo.Editable {
			di.add("editable", "true")
		}
		top.add("dir_info", di.String())
	case d.VCSInfo != nil:
		v := obj{}
		v.add("vcs", str(d.VCSInfo.VCS))
		if d.VCSInfo.RequestedRevision != "" {
			v.add("requested_revision", str(d.VCSInfo.RequestedRevision))
		}
		v.add("commit_id", str(d.VCSInfo.CommitID))
		top.add("vcs_info", v.String())
	}
	return []byte(top.String()), nil
}

// obj collects the members of a JSON object and writes them sorted by key
// the way Python's json.dumps(sort_keys=True) does.
type obj [][2]string

func (o *obj) add(key, value string) { *o = append(*o, [2]string{key, value}) }

// String returns the object as JSON.
func (o obj) String() string {
	// Python sorts keys by code point; Go strings compare by UTF-8 bytes,
	// which orders code points the same way.
	slices.SortFunc(o, func(a, b [2]string) int { return strings.Compare(a[0], b[0]) })
	var b bytes.Buffer
	b.WriteByte('{')
	for i, kv := range o {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(str(kv[0]))
		b.WriteString(": ")
		b.WriteString(kv[1])
	}
	b.WriteByte('}')
	return b.String()
}

// str encodes s as Python's json.dumps does with ensure_ascii.
func str(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\b':
			b.WriteString(`\b`)
		case r == '\f':
			b.WriteString(`\f`)
		case r < 0x20 || r > 0x7e:
			if r > 0xffff {
				r1, r2 := utf16.EncodeRune(r)
				fmt.Fprintf(&b, `\u%04x\u%04x`, r1, r2)
			} else {
				fmt.Fprintf(&b, `\u%04x`, r)
			}
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
