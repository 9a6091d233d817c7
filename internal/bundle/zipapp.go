package bundle

import (
	"fmt"
	"io"
	"os"
	"path"
	"strings"
	"time"

	"ferry/internal/archive"
	"ferry/internal/pkgname"
	"ferry/internal/zipapp"
)

// ZipappOptions describe one zip application.
type ZipappOptions struct {
	// Interpreter is the "#!" command ("" means zipapp.DefaultInterpreter).
	Interpreter string
	// EntryPoint is "module:function"; Script a console script name that
	// a bundled distribution defines. Exactly one is set.
	EntryPoint, Script string
	// InheritPath keeps the host's site-packages on sys.path at run time.
	InheritPath bool
	// RequiresPython is checked by the bootstrap before anything runs.
	RequiresPython string
	// Extract names distributions to unpack to disk even though they hold
	// no native code (they read their own files through __file__);
	// ":all:" means every one.
	Extract []string
	// Bytecode, when set, adds the compiled modules: beside their sources
	// for distributions imported from the zip (zipimport reads "mod.pyc"
	// there, and checks an unchecked hash-based pyc no further), in
	// __pycache__ for extracted ones. An interpreter of another version
	// ignores them and compiles the sources.
	Bytecode *Bytecode
	// Mtime stamps every member (SOURCE_DATE_EPOCH).
	Mtime time.Time
}

// ZipappResult says what WriteZipapp wrote.
type ZipappResult struct {
	Manifest zipapp.Manifest
	// Extracted are the distributions placed under extract/, Zipped the
	// ones imported from site-packages/ in the zip.
	Extracted, Zipped []pkgname.Name
}

// WriteZipapp writes the tree as an executable zip application to w.
func (t *Tree) WriteZipapp(w io.Writer, opts ZipappOptions) (*ZipappResult, error) {
	if (opts.EntryPoint == "") == (opts.Script == "") {
		return nil, &EntryPointError{Reason: "give exactly one of an entry point (module:function) and a script name"}
	}
	if opts.EntryPoint != "" {
		if err := CheckEntryPoint(opts.EntryPoint); err != nil {
			return nil, err
		}
	}
	extractAll, extract := false, map[pkgname.Name]bool{}
	for _, n := range opts.Extract {
		if n == ":all:" {
			extractAll = true
			continue
		}
		extract[pkgname.Name(pkgname.Normalize(n))] = true
	}
	res := &ZipappResult{}
	var entries []archive.Entry
	names := map[string]bool{}
	for _, d := range t.Dists {
		for _, f := range d.Files {
			names[f.Path] = true
		}
	}
	for _, d := range t.Dists {
		prefix := zipapp.SitePackages
		if d.Native || extractAll || extract[d.Name] {
			prefix = zipapp.ExtractDir
			res.Extracted = append(res.Extracted, d.Name)
		} else {
			res.Zipped = append(res.Zipped, d.Name)
		}
		for _, f := range d.Files {
			if strings.HasPrefix(f.Path, ScriptsDir+"/") {
				continue // console scripts: the zipapp is the program
			}
			if f.Linkname != "" {
				return nil, fmt.Errorf("%s: %s is a symbolic link, which a zip application cannot hold", d, f.Path)
			}
			entries = append(entries, archive.Entry{Name: prefix + f.Path, Executable: f.Executable, Open: t.open(f.Path)})
			if pyc, ok := opts.Bytecode.lookup(f.Path); ok {
				name := f.Path + "c"
				if prefix == zipapp.ExtractDir {
					dir, file := path.Split(f.Path)
					name = dir + "__pycache__/" + strings.TrimSuffix(file, ".py") + "." + opts.Bytecode.CacheTag + ".pyc"
				}
				if !names[name] {
					names[name] = true
					entries = append(entries, archive.Entry{Name: prefix + name, Open: openFile(pyc)})
				}
			}
		}
	}
	m, err := zipapp.Write(w, zipapp.Options{
		Interpreter: opts.Interpreter,
		Manifest: zipapp.Manifest{
			EntryPoint:     opts.EntryPoint,
			Script:         opts.Script,
			InheritPath:    opts.InheritPath,
			RequiresPython: opts.RequiresPython,
		},
		Entries: entries,
		Mtime:   opts.Mtime,
	})
	if err != nil {
		return nil, err
	}
	res.Manifest = m
	return res, nil
}

// lookup returns the .pyc of a source, if there is one.
func (b *Bytecode) lookup(src string) (string, bool) {
	if b == nil {
		return "", false
	}
	p, ok := b.pycs[src]
	return p, ok
}

func openFile(p string) func() (io.ReadCloser, error) {
	return func() (io.ReadCloser, error) { return os.Open(p) }
}
