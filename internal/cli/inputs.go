package cli

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"ferry/internal/distname"
	"ferry/internal/fetch"
	"ferry/internal/httpx"
	"ferry/internal/index"
	"ferry/internal/pep508"
	"ferry/internal/pkgname"
	"ferry/internal/project"
	"ferry/internal/reqfile"
)

// inputSet is everything the user asked for, from the command line and
// requirements files, with the options the files carry.
type inputSet struct {
	Request project.Request
	// Layer holds index options given in requirements files.
	Layer                            index.Layer
	Pre, PreferBinary, RequireHashes bool
	Formats                          project.FormatControl
	Warnings                         []string
}

// inputSources are the flags that name inputs.
type inputSources struct {
	Args        []string
	Requirement []string
	Constraint  []string
	Editable    []string
}

// readInputs parses every input. Requirements files may be paths or URLs;
// -r and -c inside them are followed.
func readInputs(ctx context.Context, f *Factory, src inputSources) (*inputSet, error) {
	set := &inputSet{Layer: index.Layer{}}
	for _, e := range src.Editable {
		in, err := pathInput(f.Dir, e)
		if err != nil {
			return nil, fmt.Errorf("-e %s: %w", e, err)
		}
		if !isDirPath(in.Path) {
			return nil, fmt.Errorf("-e %s: an editable install needs a project directory", e)
		}
		in.Editable = true
		set.Request.Inputs = append(set.Request.Inputs, in)
	}
	for _, a := range src.Args {
		in, err := argInput(f.Dir, a)
		if err != nil {
			return nil, err
		}
		set.Request.Inputs = append(set.Request.Inputs, in)
	}
	opener := reqfileOpener()
	ropts := &reqfile.Options{Getenv: func(k string) (string, bool) {
		v := f.Getenv(k)
		return v, v != ""
	}}
	for _, name := range src.Requirement {
		rf, err := reqfile.Parse(ctx, reqLocation(f.Dir, name), opener, ropts)
		if err != nil {
			return nil, err
		}
		if err := set.addFile(rf); err != nil {
			return nil, err
		}
	}
	for _, name := range src.Constraint {
		copts := *ropts
		copts.Constraint = true
		rf, err := reqfile.Parse(ctx, reqLocation(f.Dir, name), opener, &copts)
		if err != nil {
			return nil, err
		}
		if err := set.addFile(rf); err != nil {
			return nil, err
		}
	}
	return set, nil
}

func (set *inputSet) addFile(rf *reqfile.File) error {
	for _, w := range rf.Warnings {
		set.Warnings = append(set.Warnings, w.String())
	}
	for _, r := range rf.Requirements {
		in, err := reqInput(r)
		if err != nil {
			return err
		}
		set.Request.Inputs = append(set.Request.Inputs, in)
	}
	for _, r := range rf.Constraints {
		if r.Kind != reqfile.Named && r.Req.Name == "" {
			return fmt.Errorf("%s: a constraint must name its project (name @ url)", r.Pos)
		}
		set.Request.Constraints = append(set.Request.Constraints, r.Req)
	}
	g := rf.Global
	if g.NoIndex {
		set.Layer.Set(index.KeyNoIndex, "true")
	}
	if g.IndexURL != "" {
		set.Layer[index.KeyIndexURL] = []string{g.IndexURL}
	}
	set.Layer.Set(index.KeyExtraIndexURL, g.ExtraIndexURLs...)
	set.Layer.Set(index.KeyFindLinks, g.FindLinks...)
	set.Layer.Set(index.KeyTrustedHost, g.TrustedHosts...)
	for k, v := range set.Layer {
		if len(v) == 0 {
			delete(set.Layer, k)
		}
	}
	set.Pre = set.Pre || g.Pre
	set.PreferBinary = set.PreferBinary || g.PreferBinary
	set.RequireHashes = set.RequireHashes || g.RequireHashes
	set.Formats.NoBinary = append(set.Formats.NoBinary, g.FormatControl.NoBinary...)
	set.Formats.OnlyBinary = append(set.Formats.OnlyBinary, g.FormatControl.OnlyBinary...)
	return nil
}

// reqInput turns one requirements-file line into an input.
func reqInput(r reqfile.Requirement) (project.Input, error) {
	in := project.Input{Origin: r.Pos.String(), Editable: r.Editable}
	for _, h := range r.Hashes {
		d, err := fetch.ParseDigest(h.String())
		if err != nil {
			return in, fmt.Errorf("%s: %w", r.Pos, err)
		}
		in.Hashes = append(in.Hashes, d)
	}
	switch r.Kind {
	case reqfile.Named:
		in.Req = r.Req
		if r.Editable {
			return in, fmt.Errorf("%s: -e needs a local project directory, not %q", r.Pos, r.Text)
		}
	case reqfile.URL:
		if r.VCS() != "" {
			return in, fmt.Errorf("%s: version-control requirements (%s) are not supported; install a built wheel or a local checkout", r.Pos, r.Text)
		}
		req := r.Req
		if req.Name == "" {
			name, err := nameFromFilename(req.URL)
			if err != nil {
				return in, fmt.Errorf("%s: %w", r.Pos, err)
			}
			req.Name, req.Normalized = string(name), name
		}
		in.Req = req
	case reqfile.Path:
		in.Path = r.Path
		in.Extras = r.Req.Extras
		in.Marker = r.Req.Marker
	}
	return in, nil
}

// argInput reads one command-line argument: a requirement ("flask>=3",
// "app[extra] @ https://..."), a URL of a wheel or sdist, or a local path
// (with optional extras, "./proj[test]").
func argInput(dir, a string) (project.Input, error) {
	if looksLikePath(a) {
		return pathInput(dir, a)
	}
	if strings.Contains(a, "://") && !strings.Contains(a, "@") {
		name, err := nameFromFilename(a)
		if err != nil {
			return project.Input{}, err
		}
		a = string(name) + " @ " + a
	}
	r, err := pep508.Parse(a)
	if err != nil {
		return project.Input{}, &FlagError{Err: err}
	}
	if strings.HasPrefix(r.URL, "file:") {
		u, err := url.Parse(r.URL)
		if err == nil && isDirPath(u.Path) {
			return project.Input{Path: u.Path, Extras: r.Extras, Marker: r.Marker}, nil
		}
	}
	return project.Input{Req: r}, nil
}

// looksLikePath follows pip: a path separator, a leading dot, or an
// existing file with an archive's extension makes an argument a path.
func looksLikePath(a string) bool {
	base, _, _ := strings.Cut(a, "[")
	if strings.HasPrefix(base, ".") || strings.HasPrefix(base, "/") || strings.HasPrefix(base, "~") {
		return true
	}
	if strings.Contains(base, "://") || strings.Contains(a, "@") {
		return false
	}
	if strings.ContainsRune(base, filepath.Separator) {
		return true
	}
	lower := strings.ToLower(base)
	for _, ext := range []string{".whl", ".tar.gz", ".zip", ".tgz", ".tar.bz2", ".tar.xz"} {
		if strings.HasSuffix(lower, ext) {
			return true
		}
	}
	return false
}

// pathInput reads "path[extra1,extra2]".
func pathInput(dir, a string) (project.Input, error) {
	p, extras := a, ""
	if i := strings.LastIndex(a, "["); i > 0 && strings.HasSuffix(a, "]") {
		p, extras = a[:i], a[i+1:len(a)-1]
	}
	if strings.HasPrefix(p, "file:") {
		u, err := url.Parse(p)
		if err != nil {
			return project.Input{}, fmt.Errorf("%s: invalid file URL", a)
		}
		p = u.Path
	}
	if !filepath.IsAbs(p) {
		p = filepath.Join(dir, p)
	}
	p = filepath.Clean(p)
	if _, err := os.Stat(p); err != nil {
		return project.Input{}, fmt.Errorf("%s: %w", a, err)
	}
	in := project.Input{Path: p}
	for _, e := range strings.Split(extras, ",") {
		if e = strings.TrimSpace(e); e == "" {
			continue
		}
		n, err := pkgname.Parse(e)
		if err != nil {
			return project.Input{}, fmt.Errorf("%s: extra %q: %w", a, e, err)
		}
		in.Extras = append(in.Extras, n)
	}
	return in, nil
}

// nameFromFilename reads the project name from a URL's file name.
func nameFromFilename(raw string) (pkgname.Name, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("invalid URL %s", httpx.Redact(raw))
	}
	base := filepath.Base(u.Path)
	if wn, err := distname.ParseWheel(base); err == nil {
		return wn.Name, nil
	}
	if sn, err := distname.ParseSdist(base); err == nil {
		return sn.Name, nil
	}
	return "", fmt.Errorf("cannot tell the project of %s from its file name: write it as NAME @ URL", httpx.Redact(raw))
}

func isDirPath(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}

func reqLocation(dir, name string) string {
	if filepath.IsAbs(name) || hasScheme(name) {
		return name
	}
	return filepath.Join(dir, name)
}

// reqfileOpener reads requirements files from disk and over HTTP(S).
func reqfileOpener() reqfile.Opener {
	disk := reqfile.FSOpener{FS: os.DirFS("/")}
	return reqfile.OpenerFunc(func(ctx context.Context, loc string) ([]byte, error) {
		if strings.HasPrefix(loc, "http://") || strings.HasPrefix(loc, "https://") {
			c, err := httpx.New(httpx.Options{})
			if err != nil {
				return nil, err
			}
			data, _, err := c.GetBytes(ctx, loc, nil, 16<<20)
			return data, err
		}
		return disk.Open(ctx, loc)
	})
}
