package deploy_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"ferry/internal/archive"
	"ferry/internal/deploy"
	"ferry/internal/fsx"
)

// tm is one tar member of a test archive.
type tm struct {
	name string
	body string
	mode int64
	typ  byte
	link string
}

// release describes a test release: files at the release root (a name
// ending in "*" is executable, "name -> target" a link).
type release struct {
	version string
	files   []string
	// top is the archive's top directory ("" for none).
	top string
	// manifest overrides RELEASE.json when set.
	manifest string
	// hash overrides the manifest's hash when set.
	hash string
	// extra members are added verbatim (names as written).
	extra []tm
	plain bool // no gzip
}

// build writes the archive and returns it with the release's name.
func (r release) build(t testing.TB) ([]byte, string) {
	t.Helper()
	var members []tm
	for _, f := range r.files {
		switch {
		case strings.Contains(f, " -> "):
			name, target, _ := strings.Cut(f, " -> ")
			members = append(members, tm{name: name, typ: tar.TypeSymlink, link: target, mode: 0o777})
		case strings.HasSuffix(f, "*"):
			name := strings.TrimSuffix(f, "*")
			members = append(members, tm{name: name, body: "#!/bin/sh\necho " + name + "\n", mode: 0o755, typ: tar.TypeReg})
		default:
			members = append(members, tm{name: f, body: "content of " + f + " in " + r.version + "\n", mode: 0o644, typ: tar.TypeReg})
		}
	}
	// The content hash, as the package documents it.
	sort.Slice(members, func(i, j int) bool { return members[i].name < members[j].name })
	h := sha256.New()
	for _, m := range members {
		kind, content := "f", m.body
		switch {
		case m.typ == tar.TypeSymlink:
			kind, content = "l", m.link
		case m.mode&0o111 != 0:
			kind = "x"
		}
		sum := sha256.Sum256([]byte(content))
		fmt.Fprintf(h, "%s %s\x00%s\n", kind, m.name, hex.EncodeToString(sum[:]))
	}
	hash := hex.EncodeToString(h.Sum(nil))
	if r.hash != "" {
		hash = r.hash
	}
	manifest := r.manifest
	if manifest == "" {
		manifest = fmt.Sprintf(`{"format": 1, "name": "app", "version": %q, "entry_point": "app:main", "script": "app", "hash": %q}`, r.version, hash)
	}
	prefix := ""
	if r.top != "" {
		prefix = r.top + "/"
	}
	all := []tm{}
	if r.top != "" {
		all = append(all, tm{name: r.top + "/", typ: tar.TypeDir, mode: 0o755})
	}
	all = append(all, tm{name: prefix + "RELEASE.json", body: manifest, mode: 0o644, typ: tar.TypeReg})
	for _, m := range members {
		m.name = prefix + m.name
		all = append(all, m)
	}
	all = append(all, r.extra...)
	var buf bytes.Buffer
	var gz *gzip.Writer
	var tw *tar.Writer
	if r.plain {
		tw = tar.NewWriter(&buf)
	} else {
		gz = gzip.NewWriter(&buf)
		tw = tar.NewWriter(gz)
	}
	for _, m := range all {
		hdr := &tar.Header{Name: m.name, Mode: m.mode, Typeflag: m.typ, Linkname: m.link, ModTime: time.Unix(1700000000, 0)}
		if m.typ == tar.TypeReg {
			hdr.Size = int64(len(m.body))
		}
		if err := tw.WriteHeader(hdr); err != nil {
			t.Fatal(err)
		}
		if m.typ == tar.TypeReg {
			tw.Write([]byte(m.body))
		}
	}
	tw.Close()
	if gz != nil {
		gz.Close()
	}
	return buf.Bytes(), r.version + "-" + hash[:12]
}

func (r release) file(t *testing.T) (string, string) {
	t.Helper()
	data, name := r.build(t)
	p := filepath.Join(t.TempDir(), "app-"+r.version+".tar.gz")
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p, name
}

var appFiles = []string{"app/app/__init__.py", "vendor/lib/__init__.py", "bin/app*", "requirements.txt"}

func rel(version string) release {
	return release{version: version, files: appFiles, top: "app-" + version}
}

func current(t *testing.T, dir string) string {
	t.Helper()
	name, err := deploy.Current(dir)
	if err != nil {
		t.Fatal(err)
	}
	return name
}

func releases(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(filepath.Join(dir, deploy.ReleasesDir))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range ents {
		out = append(out, e.Name())
	}
	return out
}

// reader resolves current in a loop until stop, counting the times it did
// not find a complete release.
func reader(dir string, stop <-chan struct{}, bad *atomic.Int64, reads *atomic.Int64, wg *sync.WaitGroup) {
	defer wg.Done()
	for {
		select {
		case <-stop:
			return
		default:
		}
		target, err := os.Readlink(filepath.Join(dir, deploy.CurrentLink))
		if err != nil {
			if !errors.Is(err, os.ErrNotExist) {
				bad.Add(1)
			}
			continue
		}
		reads.Add(1)
		for _, f := range []string{"RELEASE.json", "bin/app", "app/app/__init__.py"} {
			if _, err := os.Stat(filepath.Join(dir, target, f)); err != nil {
				bad.Add(1)
			}
		}
	}
}

func TestDeployRollback(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "srv")
	var bad, reads atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go reader(dir, stop, &bad, &reads, &wg)
	}
	clock := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	opts := deploy.Options{Now: func() time.Time { clock = clock.Add(time.Minute); return clock }}

	v1, n1 := rel("1.0").file(t)
	v2, n2 := rel("2.0").file(t)
	res, err := deploy.Deploy(ctx, dir, v1, opts)
	if err != nil {
		t.Fatal(err)
	}
	want := &deploy.Result{Dir: dir, Release: n1, ReleaseDir: filepath.Join(dir, "releases", n1), Version: "1.0", Hash: res.Hash, Removed: []string{}}
	if diff := cmp.Diff(want, res); diff != "" {
		t.Errorf("first deploy (-want +got):\n%s", diff)
	}
	if got := current(t, dir); got != n1 {
		t.Errorf("current = %s, want %s", got, n1)
	}
	if target, _ := os.Readlink(filepath.Join(dir, "current")); target != filepath.Join("releases", n1) {
		t.Errorf("current -> %s: want a relative link", target)
	}
	st, err := os.Stat(filepath.Join(dir, "current", "bin", "app"))
	if err != nil || st.Mode().Perm() != 0o755 {
		t.Errorf("bin/app: %v %v", st, err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "current", "app", "app", "__init__.py")); string(b) != "content of app/app/__init__.py in 1.0\n" {
		t.Errorf("app/__init__.py = %q", b)
	}

	for i := range 3 {
		res, err = deploy.Deploy(ctx, dir, v2, opts)
		if err != nil {
			t.Fatal(err)
		}
		if res.Release != n2 || res.Reused != (i > 0) {
			t.Errorf("deploy %d of v2: %+v", i, res)
		}
		if i == 0 && res.Previous != n1 {
			t.Errorf("previous = %q", res.Previous)
		}
	}
	if got := current(t, dir); got != n2 {
		t.Errorf("current = %s, want %s", got, n2)
	}
	res, err = deploy.Rollback(ctx, dir, "", opts)
	if err != nil || res.Release != n1 || res.Previous != n2 || res.Version != "1.0" {
		t.Fatalf("rollback: %+v, %v", res, err)
	}
	if got := current(t, dir); got != n1 {
		t.Errorf("after rollback current = %s", got)
	}
	var nr *deploy.NoReleaseError
	if _, err := deploy.Rollback(ctx, dir, "", opts); !errors.As(err, &nr) {
		t.Errorf("rolling back past the first release: %v", err)
	}
	if res, err := deploy.Rollback(ctx, dir, n2, opts); err != nil || res.Release != n2 {
		t.Errorf("rollback to %s: %+v %v", n2, res, err)
	}
	if _, err := deploy.Rollback(ctx, dir, "9.9-000000000000", opts); !errors.As(err, &nr) {
		t.Errorf("rollback to a missing release: %v", err)
	}
	if _, err := deploy.Rollback(ctx, dir, "../../etc", opts); !errors.As(err, &nr) {
		t.Errorf("rollback to ../../etc: %v", err)
	}
	// Redeploying v1 makes it the newest.
	if _, err := deploy.Deploy(ctx, dir, v1, opts); err != nil {
		t.Fatal(err)
	}
	state, err := deploy.ReadState(dir)
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, r := range state.Releases {
		order = append(order, r.Name)
	}
	if diff := cmp.Diff([]string{n2, n1}, order); diff != "" {
		t.Errorf("state order (-want +got):\n%s", diff)
	}
	if res, err := deploy.Rollback(ctx, dir, "", opts); err != nil || res.Release != n2 {
		t.Errorf("rollback after redeploy: %+v %v", res, err)
	}
	close(stop)
	wg.Wait()
	if bad.Load() != 0 || reads.Load() == 0 {
		t.Errorf("readers saw an incomplete current %d times in %d reads", bad.Load(), reads.Load())
	}
	if diff := cmp.Diff([]string{n1, n2}, releases(t, dir)); diff != "" {
		t.Errorf("releases/ (-want +got):\n%s", diff)
	}
}

func TestKeep(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	var names []string
	for i := 1; i <= 6; i++ {
		p, n := rel(fmt.Sprintf("%d.0", i)).file(t)
		names = append(names, n)
		res, err := deploy.Deploy(ctx, dir, p, deploy.Options{Keep: 3})
		if err != nil {
			t.Fatal(err)
		}
		if i == 4 && !cmp.Equal(res.Removed, []string{names[0]}) {
			t.Errorf("deploy 4 removed %v", res.Removed)
		}
	}
	if diff := cmp.Diff(names[3:], releases(t, dir)); diff != "" {
		t.Errorf("kept (-want +got):\n%s", diff)
	}
	// Keep 1 still keeps the release before the current one.
	p, n7 := rel("7.0").file(t)
	if _, err := deploy.Deploy(ctx, dir, p, deploy.Options{Keep: 1}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{names[5], n7}, releases(t, dir)); diff != "" {
		t.Errorf("keep 1 (-want +got):\n%s", diff)
	}
	// After a rollback to 6.0, a new deploy with keep 1 keeps 6.0 (the
	// one current before) and 7.0 (the one deployed before the new one).
	if _, err := deploy.Rollback(ctx, dir, "", deploy.Options{}); err != nil {
		t.Fatal(err)
	}
	p, n8 := rel("8.0").file(t)
	if _, err := deploy.Deploy(ctx, dir, p, deploy.Options{Keep: 1}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{names[5], n7, n8}, releases(t, dir)); diff != "" {
		t.Errorf("after rollback (-want +got):\n%s", diff)
	}
}

// snapshot lists every path under dir with its link target or size.
func snapshot(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		switch {
		case rel == deploy.LockFile:
		case info.Mode()&os.ModeSymlink != 0:
			target, _ := os.Readlink(p)
			out = append(out, rel+" -> "+target)
		default:
			out = append(out, fmt.Sprintf("%s %d", rel, info.Size()))
		}
		return nil
	})
	return out
}

func TestCorruptArtifacts(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	outside := t.TempDir()
	good, n1 := rel("1.0").file(t)
	if _, err := deploy.Deploy(ctx, dir, good, deploy.Options{}); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, dir)
	data, _ := rel("2.0").build(t)
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"truncated", data[:len(data)/2], "unexpected EOF"},
		{"truncated-trailer", data[:len(data)-4], "unexpected EOF"},
		{"garbage", []byte("this is not a release"), "reading tar"},
		{"hash-mismatch", first(release{version: "2.0", files: appFiles, top: "app-2.0", hash: strings.Repeat("ab", 32)}.build(t)), "content hash mismatch"},
		{"tampered", tamper(t, data), "content hash mismatch"},
		{"escape", first(release{version: "2.0", files: appFiles, top: "app-2.0", extra: []tm{{name: "app-2.0/../../evil", body: "x", mode: 0o644, typ: tar.TypeReg}}}.build(t)), "escapes"},
		{"absolute", first(release{version: "2.0", files: appFiles, extra: []tm{{name: outside + "/evil", body: "x", mode: 0o644, typ: tar.TypeReg}}}.build(t)), "absolute"},
		{"link-escape", first(release{version: "2.0", files: append([]string{"up -> ../../.."}, appFiles...), top: "app-2.0"}.build(t)), "outside the archive"},
		{"write-through-link", first(release{version: "2.0", files: append([]string{"out -> lib"}, appFiles...), top: "app-2.0",
			extra: []tm{{name: "app-2.0/lib", typ: tar.TypeSymlink, link: "../../../" + filepath.Base(outside), mode: 0o777}}}.build(t)), "outside"},
		{"no-manifest", first(release{version: "2.0", files: appFiles, top: "app-2.0", manifest: "-"}.build(t)), "invalid"},
		{"manifest-missing", noManifest(t), "no RELEASE.json"},
		{"bad-version", first(release{version: "../2.0", files: appFiles, top: "app"}.build(t)), "not a plain version"},
		{"two-tops", first(release{version: "2.0", files: appFiles, top: "app-2.0", extra: []tm{{name: "other/x", body: "x", mode: 0o644, typ: tar.TypeReg}}}.build(t)), "no RELEASE.json"},
		{"device", first(release{version: "2.0", files: appFiles, top: "app-2.0", extra: []tm{{name: "app-2.0/dev", typ: tar.TypeChar, mode: 0o644}}}.build(t)), "unsupported member type"},
		{"duplicate", first(release{version: "2.0", files: appFiles, top: "app-2.0", extra: []tm{{name: "app-2.0/requirements.txt", body: "x", mode: 0o644, typ: tar.TypeReg}}}.build(t)), "duplicate"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "bad.tar.gz")
			os.WriteFile(p, tc.data, 0o644)
			_, err := deploy.Deploy(ctx, dir, p, deploy.Options{})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("deploy: %v, want an error with %q", err, tc.want)
			}
			if _, verr := deploy.Verify(ctx, p, deployLimits()); verr == nil {
				t.Errorf("Verify accepted it")
			}
			if got := current(t, dir); got != n1 {
				t.Errorf("current = %s, want %s", got, n1)
			}
			if diff := cmp.Diff(before, snapshot(t, dir)); diff != "" {
				t.Errorf("the deploy directory changed (-before +after):\n%s", diff)
			}
			if ents, _ := os.ReadDir(outside); len(ents) > 0 {
				t.Errorf("a file was written outside: %v", ents)
			}
		})
	}
	t.Run("missing-file", func(t *testing.T) {
		if _, err := deploy.Deploy(ctx, dir, filepath.Join(t.TempDir(), "none.tar.gz"), deploy.Options{}); err == nil {
			t.Error("deployed a missing file")
		}
	})
	t.Run("directory", func(t *testing.T) {
		var ae *deploy.ArtifactError
		if _, err := deploy.Deploy(ctx, dir, t.TempDir(), deploy.Options{}); !errors.As(err, &ae) || !strings.Contains(err.Error(), "is a directory") {
			t.Errorf("deployed a directory: %v", err)
		}
		if diff := cmp.Diff(before, snapshot(t, dir)); diff != "" {
			t.Errorf("the deploy directory changed (-before +after):\n%s", diff)
		}
	})
}

func first(b []byte, _ string) []byte { return b }

// tamper changes one byte of a member's content inside the archive
// (recompressed), keeping RELEASE.json.
func tamper(t *testing.T, data []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	var raw bytes.Buffer
	raw.ReadFrom(zr)
	b := bytes.Replace(raw.Bytes(), []byte("content of vendor/lib/__init__.py in 2.0"), []byte("CONTENT of vendor/lib/__init__.py in 2.0"), 1)
	var out bytes.Buffer
	gz := gzip.NewWriter(&out)
	gz.Write(b)
	gz.Close()
	return out.Bytes()
}

func noManifest(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	tw.WriteHeader(&tar.Header{Name: "app/x.py", Mode: 0o644, Size: 1, Typeflag: tar.TypeReg})
	tw.Write([]byte("x"))
	tw.Close()
	gz.Close()
	return buf.Bytes()
}

func deployLimits() archive.Limits { return archive.DefaultLimits() }

func TestArchiveForms(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		r    release
	}{
		{"root", release{version: "1.0", files: appFiles}},
		{"plain-tar", release{version: "1.0", files: appFiles, top: "x", plain: true}},
		{"inner-link", release{version: "1.0", files: append([]string{"bin/run -> app"}, appFiles...), top: "app-1.0"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			p, n := tc.r.file(t)
			m, err := deploy.Verify(ctx, p, deployLimits())
			if err != nil || m.ReleaseName() != n {
				t.Fatalf("verify: %+v %v", m, err)
			}
			if _, err := deploy.Deploy(ctx, dir, p, deploy.Options{}); err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(filepath.Join(dir, "current", "RELEASE.json")); err != nil {
				t.Error(err)
			}
		})
	}
}

func TestHook(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	v1, n1 := rel("1.0").file(t)
	v2, n2 := rel("2.0").file(t)
	log := filepath.Join(t.TempDir(), "hook.log")
	env := append(os.Environ(), "HOOKLOG="+log)
	hook := `echo "$FERRY_RELEASE $FERRY_RELEASE_VERSION $FERRY_PREVIOUS_RELEASE $(basename "$FERRY_RELEASE_DIR") $(pwd)" >> "$HOOKLOG"; test -f current/RELEASE.json; echo restarted`
	var out bytes.Buffer
	res, err := deploy.Deploy(ctx, dir, v1, deploy.Options{Hook: hook, Environ: env, HookOutput: &out})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hooks) != 1 || res.Hooks[0].ExitCode != 0 || res.Hooks[0].Output != "restarted\n" || out.String() != "restarted\n" {
		t.Errorf("hook run: %+v, streamed %q", res.Hooks, out.String())
	}
	b, _ := os.ReadFile(log)
	real, _ := filepath.EvalSymlinks(dir)
	if want := n1 + " 1.0  " + n1 + " "; !strings.HasPrefix(string(b), want) || !strings.Contains(string(b), real) {
		t.Errorf("hook saw %q, want %q...", b, want)
	}

	failing := `echo "failing for $FERRY_RELEASE" >&2; test "$FERRY_RELEASE" != ` + n2
	res, err = deploy.Deploy(ctx, dir, v2, deploy.Options{Hook: failing, Environ: env})
	var he *deploy.HookError
	if !errors.As(err, &he) || he.RolledBack || he.Run.ExitCode != 1 || !strings.Contains(he.Run.Output, "failing for "+n2) {
		t.Fatalf("failing hook: %v (%+v)", err, he)
	}
	if current(t, dir) != n2 || res.Release != n2 {
		t.Errorf("without --rollback-on-hook-failure the new release stays: current %s", current(t, dir))
	}
	if _, err := deploy.Rollback(ctx, dir, n1, deploy.Options{}); err != nil {
		t.Fatal(err)
	}
	res, err = deploy.Deploy(ctx, dir, v2, deploy.Options{Hook: failing, Environ: env, RollbackOnHookFailure: true})
	if !errors.As(err, &he) || !he.RolledBack || !res.RolledBack {
		t.Fatalf("rollback on hook failure: %v %+v", err, res)
	}
	if current(t, dir) != n1 || res.Release != n1 || res.Previous != n2 || len(res.Hooks) != 2 || res.Hooks[1].ExitCode != 0 || res.Hooks[1].Release != n1 {
		t.Errorf("after the failed hook: current %s, result %+v", current(t, dir), res)
	}
	if !strings.Contains(err.Error(), "switched back") {
		t.Errorf("error: %v", err)
	}
}

func TestLock(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	p, _ := rel("1.0").file(t)
	unlock, err := fsx.Lock(ctx, filepath.Join(dir, deploy.LockFile))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := deploy.Deploy(ctx, dir, p, deploy.Options{}); !errors.Is(err, deploy.ErrLocked) {
		t.Errorf("deploy while locked: %v", err)
	}
	if _, err := deploy.Rollback(ctx, dir, "", deploy.Options{}); !errors.Is(err, deploy.ErrLocked) {
		t.Errorf("rollback while locked: %v", err)
	}
	time.AfterFunc(300*time.Millisecond, unlock)
	if _, err := deploy.Deploy(ctx, dir, p, deploy.Options{LockWait: 10 * time.Second}); err != nil {
		t.Errorf("deploy waiting for the lock: %v", err)
	}
	// Concurrent deploys of different releases: each completes, and
	// current is one of them.
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for i := range 4 {
		q, _ := rel(fmt.Sprintf("3.%d", i)).file(t)
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := deploy.Deploy(ctx, dir, q, deploy.Options{LockWait: 30 * time.Second})
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "current", "RELEASE.json")); err != nil {
		t.Error(err)
	}
	if st, _ := deploy.ReadState(dir); len(st.Releases) != 5 {
		t.Errorf("state holds %d releases, want 5", len(st.Releases))
	}
}

func TestUnusableDir(t *testing.T) {
	ctx := context.Background()
	p, _ := rel("1.0").file(t)
	t.Run("under-a-file", func(t *testing.T) {
		file := filepath.Join(t.TempDir(), "f")
		os.WriteFile(file, nil, 0o644)
		_, err := deploy.Deploy(ctx, filepath.Join(file, "srv"), p, deploy.Options{})
		if err == nil || !strings.Contains(err.Error(), "is not usable") {
			t.Errorf("deploy under a file: %v", err)
		}
	})
	t.Run("read-only", func(t *testing.T) {
		if os.Geteuid() == 0 {
			t.Skip("running as root: permissions do not stop writes (the under-a-file case covers the error path)")
		}
		dir := t.TempDir()
		good, n1 := rel("0.9").file(t)
		if _, err := deploy.Deploy(ctx, dir, good, deploy.Options{}); err != nil {
			t.Fatal(err)
		}
		os.Chmod(filepath.Join(dir, "releases"), 0o555)
		os.Chmod(dir, 0o555)
		defer os.Chmod(dir, 0o755)
		defer os.Chmod(filepath.Join(dir, "releases"), 0o755)
		_, err := deploy.Deploy(ctx, dir, p, deploy.Options{})
		if err == nil || !strings.Contains(err.Error(), "permission denied") {
			t.Errorf("deploy into a read-only directory: %v", err)
		}
		if current(t, dir) != n1 {
			t.Errorf("current changed")
		}
	})
	t.Run("current-is-a-directory", func(t *testing.T) {
		dir := t.TempDir()
		os.MkdirAll(filepath.Join(dir, "current"), 0o755)
		_, err := deploy.Deploy(ctx, dir, p, deploy.Options{})
		if err == nil || !strings.Contains(err.Error(), "not a symbolic link") {
			t.Errorf("deploy over a current directory: %v", err)
		}
		if st, err := os.Lstat(filepath.Join(dir, "current")); err != nil || !st.IsDir() {
			t.Errorf("current was replaced")
		}
	})
}

func TestParseManifest(t *testing.T) {
	hash := strings.Repeat("0a", 32)
	for _, tc := range []struct {
		json string
		ok   bool
	}{
		{`{"format":1,"name":"app","version":"1.0","hash":"` + hash + `"}`, true},
		{`{"format":1,"name":"app","version":"1!2.0+local.7","hash":"` + hash + `","extra":true}`, true},
		{`{"format":2,"name":"app","version":"1.0","hash":"` + hash + `"}`, false},
		{`{"format":1,"name":"app","version":"1.0/..","hash":"` + hash + `"}`, false},
		{`{"format":1,"name":"app","version":".hidden","hash":"` + hash + `"}`, false},
		{`{"format":1,"name":"","version":"1.0","hash":"` + hash + `"}`, false},
		{`{"format":1,"name":"app","version":"1.0","hash":"ABC"}`, false},
		{`[]`, false},
	} {
		_, err := deploy.ParseManifest([]byte(tc.json))
		if (err == nil) != tc.ok {
			t.Errorf("ParseManifest(%s): %v", tc.json, err)
		}
	}
}

func FuzzParseManifest(f *testing.F) {
	f.Add([]byte(`{"format":1,"name":"app","version":"1.0","hash":"` + strings.Repeat("0a", 32) + `"}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := deploy.ParseManifest(data)
		if err != nil {
			return
		}
		if name := m.ReleaseName(); strings.ContainsAny(name, "/\\\x00") || strings.HasPrefix(name, ".") {
			t.Errorf("unsafe release name %q", name)
		}
	})
}

// FuzzVerify feeds arbitrary bytes to Verify: it must not panic, and what it
// accepts must deploy.
func FuzzVerify(f *testing.F) {
	good, _ := rel("1.0").build(f)
	f.Add(good)
	f.Add(good[:len(good)/2])
	f.Add([]byte("not a tar"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(t.TempDir(), "r.tar.gz")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		m, err := deploy.Verify(context.Background(), p, deployLimits())
		if err != nil {
			return
		}
		res, err := deploy.Deploy(context.Background(), t.TempDir(), p, deploy.Options{})
		if err != nil || res.Release != m.ReleaseName() {
			t.Errorf("Verify accepted what Deploy refuses: %v", err)
		}
	})
}
