package cli

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"ferry/internal/iostreams"
	"ferry/internal/server/servertest"
)

func TestIndexArgs(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		want     indexOptions
		wantCode int
	}{
		{name: "dir", args: []string{"wheels"}, want: indexOptions{Dir: "wheels", UploadTime: "mtime"}},
		{name: "all flags", args: []string{"-o", "out", "--upload-time", "none", "--json", "w"},
			want: indexOptions{Dir: "w", Output: "out", UploadTime: "none", JSON: true}},
		{name: "fixed time", args: []string{"--upload-time=2024-01-02T03:04:05Z", "w"},
			want: indexOptions{Dir: "w", UploadTime: "2024-01-02T03:04:05Z"}},
		{name: "bad time", args: []string{"--upload-time", "tomorrow", "w"}, wantCode: ExitUsage},
		{name: "no dir", args: nil, wantCode: ExitUsage},
		{name: "empty dir", args: []string{""}, wantCode: ExitUsage},
		{name: "two dirs", args: []string{"a", "b"}, wantCode: ExitUsage},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			checkParse(t, "index", indexCmd, tc.args, tc.want, tc.wantCode == ExitUsage)
		})
	}
}

func TestIndexRun(t *testing.T) {
	work := t.TempDir()
	dist := filepath.Join(work, "dist")
	os.Mkdir(dist, 0o755)
	servertest.WriteDir(t, dist,
		servertest.MustWheel(servertest.WheelSpec{Name: "demo", Version: "1.0"}),
		servertest.Sdist("demo", "1.0", ""),
		servertest.MustWheel(servertest.WheelSpec{Name: "other", Version: "2.0"}))
	ios, _, out, errOut := iostreams.Test()
	f := &Factory{IO: ios, Getenv: func(string) string { return "" }, Dir: work}
	if code := Main(context.Background(), []string{"index", "dist", "-o", "site", "--json"}, f); code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var got indexJSON
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	want := indexJSON{Output: filepath.Join(work, "site"), Projects: 2, Files: 3, Metadata: 2, Warnings: []string{}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("summary (-want +got):\n%s", diff)
	}
	for _, p := range []string{"site/simple/demo/index.json", "site/simple/other/index.html", "site/demo-1.0-py3-none-any.whl.metadata"} {
		if _, err := os.Stat(filepath.Join(work, p)); err != nil {
			t.Errorf("missing %s", p)
		}
	}
	out.Reset()
	if code := Main(context.Background(), []string{"index", "dist"}, f); code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if got := strings.TrimSpace(out.String()); got != "Indexed 3 files of 2 projects (2 metadata files) into dist/simple/" {
		t.Errorf("stdout %q", got)
	}
}
