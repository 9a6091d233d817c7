package install

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"ferry/internal/distinfo"
	"ferry/internal/pkgname"
	"ferry/internal/record"
	"ferry/internal/wheel"
)

// plan is a transaction turned into journal steps.
type plan struct {
	journal *journal
	report  Report
	pycs    []string
}

// placement is a file a transaction creates.
type placement struct {
	dst     string
	src     string // link or copy from here, or
	content []byte // write this, or
	lazy    func() ([]byte, error)
	perm    os.FileMode
}

// planner collects a transaction's removals and placements.
type planner struct {
	l        Layout
	g        *guard
	id       string
	warnings []string

	removeSet map[string]bool
	places    map[string]*placement
	pycs      map[string]bool
	dirCache  map[string][]string // directory listings (for __pycache__)
}

func (e *Env) plan(txn Txn, opts Options) (*plan, error) {
	pl := &planner{
		l: e.Layout, g: newGuard(e.Layout.Roots), id: newTxnID(),
		removeSet: map[string]bool{}, places: map[string]*placement{},
		pycs: map[string]bool{}, dirCache: map[string][]string{},
	}
	var rep Report

	// What goes: the distributions asked for and every installed copy of
	// a project being installed.
	var gone []*Dist
	seen := map[string]bool{}
	addDist := func(d *Dist) {
		if !seen[d.Path] {
			seen[d.Path] = true
			gone = append(gone, d)
		}
	}
	for _, d := range txn.Remove {
		addDist(d)
	}
	names := map[pkgname.Name]bool{}
	for _, it := range txn.Install {
		if it.Wheel == nil {
			return nil, fmt.Errorf("install: item without a wheel")
		}
		if names[it.Wheel.Name] {
			return nil, fmt.Errorf("install: %s is given twice", it.Wheel.Name)
		}
		names[it.Wheel.Name] = true
		for _, d := range e.inv.Lookup(it.Wheel.Name) {
			addDist(d)
		}
	}
	for _, d := range gone {
		if err := pl.removeDist(d); err != nil {
			return nil, err
		}
		rep.Removed = append(rep.Removed, DistRef{Name: d.Name, Version: d.Version, Path: d.Path})
	}

	// What comes.
	compile := opts.Compile && e.Layout.CacheTag != "" && e.Layout.Python != ""
	installer := opts.Installer
	if installer == "" {
		installer = distinfo.DefaultInstaller
	}
	for _, it := range txn.Install {
		ref, err := pl.addWheel(it, installer, compile)
		if err != nil {
			return nil, err
		}
		rep.Installed = append(rep.Installed, ref)
		rep.Warnings = append(rep.Warnings, it.Wheel.Warnings...)
	}

	j, err := pl.journal()
	if err != nil {
		return nil, err
	}
	rep.Files = len(pl.places)
	rep.Warnings = append(rep.Warnings, pl.warnings...)
	p := &plan{journal: j, report: rep}
	for pyc := range pl.pycs {
		p.pycs = append(p.pycs, pyc)
	}
	sort.Strings(p.pycs)
	return p, nil
}

// removeDist adds a distribution's files (and the bytecode of its .py
// files) to the removal set; paths outside the environment are left
// alone with a warning.
func (pl *planner) removeDist(d *Dist) error {
	files, err := d.Files()
	if err != nil {
		return fmt.Errorf("cannot uninstall %s: %w", d, err)
	}
	for _, f := range files {
		p, err := pl.g.check(f)
		if err != nil {
			pl.warnings = append(pl.warnings, fmt.Sprintf("not removing %s (from %s): %v", f, d, err))
			continue
		}
		pl.remove(p)
		if strings.HasSuffix(p, ".py") {
			dir, base := filepath.Split(p)
			cache := filepath.Join(dir, "__pycache__")
			stem := strings.TrimSuffix(base, ".py") + "."
			for _, n := range pl.listDir(cache) {
				if strings.HasPrefix(n, stem) && strings.HasSuffix(n, ".pyc") {
					pl.remove(filepath.Join(cache, n))
				}
			}
			if strings.HasSuffix(p, ".py") {
				pl.remove(p + "c") // Python 2 style foo.pyc
			}
		}
	}
	if d.Kind == EggLink {
		if err := pl.dropEasyInstallLine(d); err != nil {
			return err
		}
	}
	return nil
}

// remove adds p to the removal set if it exists and is not a directory.
func (pl *planner) remove(p string) {
	st, err := os.Lstat(p)
	if err != nil || st.IsDir() {
		return
	}
	pl.removeSet[p] = true
}

func (pl *planner) listDir(dir string) []string {
	if names, ok := pl.dirCache[dir]; ok {
		return names
	}
	f, err := os.Open(dir)
	var names []string
	if err == nil {
		names, _ = f.Readdirnames(-1)
		f.Close()
	}
	pl.dirCache[dir] = names
	return names
}

// dropEasyInstallLine rewrites easy-install.pth without a develop
// install's line.
func (pl *planner) dropEasyInstallLine(d *Dist) error {
	pth := filepath.Join(d.Site, "easy-install.pth")
	b, err := os.ReadFile(pth)
	if err != nil {
		return nil
	}
	var out bytes.Buffer
	changed := false
	for _, line := range strings.SplitAfter(string(b), "\n") {
		t := strings.TrimSpace(line)
		if t != "" && filepath.Clean(t) == d.Location {
			changed = true
			continue
		}
		out.WriteString(line)
	}
	if !changed {
		return nil
	}
	p, err := pl.g.check(pth)
	if err != nil {
		return err
	}
	pl.places[p] = &placement{dst: p, content: out.Bytes(), perm: 0o644}
	return nil
}

func (pl *planner) schemeDir(s wheel.Scheme, project string) (string, error) {
	switch s {
	case wheel.Purelib:
		return pl.l.Scheme.Purelib, nil
	case wheel.Platlib:
		return pl.l.Scheme.Platlib, nil
	case wheel.Scripts:
		return pl.l.Scheme.Scripts, nil
	case wheel.Data:
		return pl.l.Scheme.Data, nil
	case wheel.Headers:
		return filepath.Join(pl.l.Headers, project), nil
	}
	return "", fmt.Errorf("unknown scheme %q", s)
}

// addWheel plans one wheel's files, launchers and dist-info records.
func (pl *planner) addWheel(it Item, installer string, compile bool) (DistRef, error) {
	u := it.Wheel
	lib := pl.l.Scheme.Purelib
	if !u.RootIsPurelib {
		lib = pl.l.Scheme.Platlib
	}
	info := u.DistInfo + "/"
	skip := map[string]bool{
		info + distinfo.RecordFile: true, info + "RECORD.jws": true, info + "RECORD.p7s": true,
		info + distinfo.InstallerFile: true, info + distinfo.RequestedFile: true, info + distinfo.DirectURLFile: true,
	}
	var rec []record.Entry
	addRec := func(dst string, h record.Hash, size int64) error {
		rel, err := filepath.Rel(lib, dst)
		if err != nil {
			return err
		}
		rec = append(rec, record.Entry{Path: filepath.ToSlash(rel), Hash: h, Size: size})
		return nil
	}
	put := func(pc *placement, h record.Hash, size int64) error {
		dst, err := pl.g.check(pc.dst)
		if err != nil {
			return fmt.Errorf("installing %s: %w", u.FileName, err)
		}
		pc.dst = dst
		pl.places[dst] = pc
		return addRec(dst, h, size)
	}
	written := func(dst string, content []byte, perm os.FileMode) error {
		sum := sha256.Sum256(content)
		return put(&placement{dst: dst, content: content, perm: perm}, record.Hash{Algorithm: record.SHA256, Digest: sum[:]}, int64(len(content)))
	}

	var pys []string
	for _, f := range u.Files {
		if skip[f.Path] {
			continue
		}
		base, err := pl.schemeDir(f.Scheme, u.DisplayName)
		if err != nil {
			return DistRef{}, fmt.Errorf("installing %s: %s: %w", u.FileName, f.Path, err)
		}
		dst := filepath.Join(base, filepath.FromSlash(f.Rel))
		src := filepath.Join(u.Dir, filepath.FromSlash(f.Path))
		if f.Scheme == wheel.Scripts && pl.l.Python != "" {
			content, rewrite, err := scriptContent(src, pl.l.Python)
			if err != nil {
				return DistRef{}, fmt.Errorf("installing %s: %w", u.FileName, err)
			}
			if rewrite {
				if err := written(dst, content, 0o755); err != nil {
					return DistRef{}, err
				}
				continue
			}
		}
		h, err := record.ParseHash(f.Hash)
		if err != nil {
			return DistRef{}, fmt.Errorf("installing %s: %s: %w", u.FileName, f.Path, err)
		}
		if err := put(&placement{dst: dst, src: src}, h, f.Size); err != nil {
			return DistRef{}, err
		}
		if compile && strings.HasSuffix(dst, ".py") && (f.Scheme == wheel.Purelib || f.Scheme == wheel.Platlib) {
			pys = append(pys, dst)
		}
	}
	if len(u.Launchers) > 0 && pl.l.Python == "" {
		return DistRef{}, fmt.Errorf("installing %s: no interpreter to write launchers for", u.FileName)
	}
	for _, ln := range u.Launchers {
		content, err := LauncherScript(pl.l.Python, ln)
		if err != nil {
			return DistRef{}, fmt.Errorf("installing %s: %w", u.FileName, err)
		}
		if err := written(filepath.Join(pl.l.Scheme.Scripts, ln.Name), content, 0o755); err != nil {
			return DistRef{}, err
		}
	}
	infoDir := filepath.Join(lib, u.DistInfo)
	if err := written(filepath.Join(infoDir, distinfo.InstallerFile), distinfo.InstallerContent(installer), 0o644); err != nil {
		return DistRef{}, err
	}
	if it.Requested {
		if err := written(filepath.Join(infoDir, distinfo.RequestedFile), nil, 0o644); err != nil {
			return DistRef{}, err
		}
	}
	if it.DirectURL != nil {
		b, err := it.DirectURL.Marshal()
		if err != nil {
			return DistRef{}, fmt.Errorf("installing %s: direct_url.json: %w", u.FileName, err)
		}
		if err := written(filepath.Join(infoDir, distinfo.DirectURLFile), b, 0o644); err != nil {
			return DistRef{}, err
		}
	}
	var pycs []string
	for _, py := range pys {
		dir, base := filepath.Split(py)
		pyc := filepath.Join(dir, "__pycache__", strings.TrimSuffix(base, ".py")+"."+pl.l.CacheTag+".pyc")
		pl.pycs[pyc] = true
		pycs = append(pycs, pyc)
	}
	recordPath := filepath.Join(infoDir, distinfo.RecordFile)
	recPath, err := pl.g.check(recordPath)
	if err != nil {
		return DistRef{}, err
	}
	pl.places[recPath] = &placement{dst: recPath, perm: 0o644, lazy: func() ([]byte, error) {
		all := append([]record.Entry(nil), rec...)
		for _, pyc := range pycs {
			if exists(pyc) {
				rel, _ := filepath.Rel(lib, pyc)
				all = append(all, record.Entry{Path: filepath.ToSlash(rel), Size: -1})
			}
		}
		rel, _ := filepath.Rel(lib, recPath)
		all = append(all, record.Entry{Path: filepath.ToSlash(rel), Size: -1})
		sort.Slice(all, func(i, j int) bool { return all[i].Path < all[j].Path })
		var buf bytes.Buffer
		if err := record.Write(&buf, all); err != nil {
			return nil, err
		}
		return buf.Bytes(), nil
	}}
	return DistRef{Name: u.Name, Version: u.Version, Path: infoDir}, nil
}

// scriptContent reads a .data/scripts file and rewrites a "#!python"
// shebang for python; rewrite is false (and content nil) when the script
// needs no change.
func scriptContent(src, python string) ([]byte, bool, error) {
	f, err := os.Open(src)
	if err != nil {
		return nil, false, err
	}
	defer f.Close()
	head := make([]byte, 8)
	n, _ := io.ReadFull(f, head)
	if !needsShebangRewrite(head[:n]) {
		return nil, false, nil
	}
	rest, err := io.ReadAll(f)
	if err != nil {
		return nil, false, err
	}
	return rewriteShebang(append(head[:n], rest...), python), true, nil
}

// journal orders the planned changes into steps: removals, new
// directories, placements, bytecode, and RECORD files last (they list
// the bytecode that was written).
func (pl *planner) journal() (*journal, error) {
	j := &journal{Format: journalFormat, ID: pl.id}
	for _, s := range append([]string{pl.l.Scheme.Purelib, pl.l.Scheme.Platlib, pl.l.Scheme.Scripts, pl.l.Scheme.Data, pl.l.Headers}, pl.l.Roots...) {
		if s != "" {
			j.Stops = append(j.Stops, filepath.Clean(s))
		}
	}
	sort.Strings(j.Stops)
	j.Stops = dedupeSorted(j.Stops)

	n := 0
	backup := func(p string) string {
		n++
		return backupName(p, pl.id, n)
	}
	// Removals (files being replaced are moved by their placement).
	removed := sortedKeys(pl.removeSet)
	backups := map[string]string{}
	for _, p := range removed {
		if _, replaced := pl.places[p]; replaced {
			continue
		}
		b := backup(p)
		backups[p] = b
		j.Ops = append(j.Ops, op{Kind: opRemove, Path: p, Backup: b})
	}
	// Existing bytecode at a path compilation will write is moved away.
	pycs := sortedKeys(pl.pycs)
	for _, pyc := range pycs {
		if _, ok := backups[pyc]; ok || !exists(pyc) {
			continue
		}
		b := backup(pyc)
		backups[pyc] = b
		j.Ops = append(j.Ops, op{Kind: opRemove, Path: pyc, Backup: b})
	}
	// New directories, parents first.
	dsts := sortedKeys(pl.places)
	mk := map[string]bool{}
	there := map[string]bool{} // directories known to exist
	need := func(d string) {
		for ; !mk[d] && !there[d]; d = filepath.Dir(d) {
			st, err := os.Lstat(d)
			if err == nil && (st.IsDir() || !pl.removeSet[d]) {
				there[d] = true
				return // exists (a file in the way fails the step, safely)
			}
			if filepath.Dir(d) == d {
				return
			}
			mk[d] = true
		}
	}
	for _, d := range dsts {
		need(filepath.Dir(d))
	}
	for _, pyc := range pycs {
		need(filepath.Dir(pyc))
	}
	dirs := sortedKeys(mk)
	sort.SliceStable(dirs, func(a, b int) bool {
		return strings.Count(dirs[a], string(filepath.Separator)) < strings.Count(dirs[b], string(filepath.Separator))
	})
	for _, d := range dirs {
		j.Ops = append(j.Ops, op{Kind: opMkdir, Path: d})
	}
	// Files.
	var lazy []op
	for _, d := range dsts {
		pc := pl.places[d]
		o := op{Kind: opPlace, Path: d, src: pc.src, content: pc.content, lazy: pc.lazy, perm: pc.perm}
		// Nothing exists yet in a directory the transaction creates.
		if pl.removeSet[d] || (!mk[filepath.Dir(d)] && exists(d)) {
			o.Backup = backup(d)
		}
		if pc.lazy != nil {
			lazy = append(lazy, o)
			continue
		}
		j.Ops = append(j.Ops, o)
	}
	if len(pycs) > 0 {
		var srcs []string
		for _, pyc := range pycs {
			j.Ops = append(j.Ops, op{Kind: opCreated, Path: pyc, Backup: backups[pyc]})
		}
		for _, d := range dsts {
			if strings.HasSuffix(d, ".py") {
				dir, base := filepath.Split(d)
				if pl.pycs[filepath.Join(dir, "__pycache__", strings.TrimSuffix(base, ".py")+"."+pl.l.CacheTag+".pyc")] {
					srcs = append(srcs, d)
				}
			}
		}
		j.Ops = append(j.Ops, op{Kind: opCompile, compile: srcs})
	}
	j.Ops = append(j.Ops, lazy...)
	return j, nil
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
