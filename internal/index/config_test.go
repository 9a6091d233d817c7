package index_test

import (
	"io/fs"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"ferry/internal/httpx"
	"ferry/internal/index"
	"ferry/internal/server"
	"ferry/internal/server/servertest"
)

func TestParsePipConf(t *testing.T) {
	conf := "\ufeff# comment\n[global]\nindex_url = https://a.example/simple\n; another comment\n--timeout: 30\n" +
		"extra-index-url =\n    https://b.example/simple\n    https://c.example/simple\n\n[install]\nTrusted-Host = a.example b.example\n"
	got, err := index.ParsePipConf([]byte(conf))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]map[string]string{
		"global": {"index-url": "https://a.example/simple", "timeout": "30",
			"extra-index-url": "\nhttps://b.example/simple\nhttps://c.example/simple"},
		"install": {"trusted-host": "a.example b.example"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	for _, bad := range []string{"key = outside\n", "[unterminated\n", "[global]\njust words\n"} {
		if _, err := index.ParsePipConf([]byte(bad)); err == nil {
			t.Errorf("ParsePipConf(%q) accepted", bad)
		}
	}
}

func FuzzParsePipConf(f *testing.F) {
	f.Add([]byte("[global]\nindex-url = x\n  y\n"))
	f.Add([]byte("[a]\n[b]\nk: v\n;c\n#d\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		sections, err := index.ParsePipConf(data)
		if err != nil {
			return
		}
		for name, kv := range sections {
			for k := range kv {
				if k != strings.ToLower(k) || strings.Contains(k, "_") {
					t.Fatalf("section %q: key %q not normalized", name, k)
				}
			}
		}
	})
}

func TestLoadSettings(t *testing.T) {
	const home = "/home/u"
	files := map[string]string{
		"/etc/xdg/pip/pip.conf":        "[global]\nindex-url = https://xdg-global.example/simple\n",
		"/etc/pip.conf":                "[global]\nindex-url = https://global.example/simple\ntimeout = 7\n[install]\nretries = 2\n",
		home + "/.pip/pip.conf":        "[global]\nindex-url = https://legacy-user.example/simple\n",
		home + "/.config/pip/pip.conf": "[global]\nindex-url = https://user.example/simple\nextra-index-url = https://extra-user.example/simple\n",
		"/venv/pip.conf":               "[global]\nfind-links = /wheels /more\n",
		"/custom.conf":                 "[global]\nindex-url = https://custom.example/simple\n",
	}
	read := func(p string) ([]byte, error) {
		if s, ok := files[filepath.ToSlash(p)]; ok {
			return []byte(s), nil
		}
		return nil, fs.ErrNotExist
	}
	tests := []struct {
		name    string
		env     map[string]string
		flags   index.Layer
		command string
		prefix  string
		iso     bool
		want    index.Settings
	}{
		{name: "files in pip's order", env: map[string]string{}, command: "install",
			want: index.Settings{IndexURL: "https://user.example/simple", ExtraIndexURLs: []string{"https://extra-user.example/simple"},
				Timeout: 7 * time.Second, Retries: 2,
				Files: []string{"/etc/xdg/pip/pip.conf", "/etc/pip.conf", home + "/.pip/pip.conf", home + "/.config/pip/pip.conf"}}},
		{name: "command section only for that command", env: map[string]string{}, command: "download",
			want: index.Settings{IndexURL: "https://user.example/simple", ExtraIndexURLs: []string{"https://extra-user.example/simple"},
				Timeout: 7 * time.Second, Retries: -1,
				Files: []string{"/etc/xdg/pip/pip.conf", "/etc/pip.conf", home + "/.pip/pip.conf", home + "/.config/pip/pip.conf"}}},
		{name: "VIRTUAL_ENV site file", env: map[string]string{"VIRTUAL_ENV": "/venv"},
			want: index.Settings{IndexURL: "https://user.example/simple", ExtraIndexURLs: []string{"https://extra-user.example/simple"},
				FindLinks: []string{"/wheels", "/more"}, Timeout: 7 * time.Second, Retries: -1,
				Files: []string{"/etc/xdg/pip/pip.conf", "/etc/pip.conf", home + "/.pip/pip.conf", home + "/.config/pip/pip.conf", "/venv/pip.conf"}}},
		{name: "PIP_CONFIG_FILE replaces the user files", env: map[string]string{"PIP_CONFIG_FILE": "/custom.conf"},
			want: index.Settings{IndexURL: "https://custom.example/simple", Timeout: 7 * time.Second, Retries: -1,
				Files: []string{"/etc/xdg/pip/pip.conf", "/etc/pip.conf", "/custom.conf"}}},
		{name: "PIP_ environment over files", env: map[string]string{"PIP_INDEX_URL": "https://env.example/simple",
			"PIP_EXTRA_INDEX_URL": "https://e1.example/simple https://e2.example/simple", "PIP_NO_INDEX": "yes",
			"PIP_TRUSTED_HOST": "e1.example", "PIP_CERT": "/ca.pem", "PIP_FIND_LINKS": "/fl"},
			want: index.Settings{IndexURL: "https://env.example/simple", ExtraIndexURLs: []string{"https://e1.example/simple", "https://e2.example/simple"},
				NoIndex: true, TrustedHosts: []string{"e1.example"}, Cert: "/ca.pem", FindLinks: []string{"/fl"}, Timeout: 7 * time.Second, Retries: -1,
				Files: []string{"/etc/xdg/pip/pip.conf", "/etc/pip.conf", home + "/.pip/pip.conf", home + "/.config/pip/pip.conf"}}},
		{name: "FERRY_ over PIP_", env: map[string]string{"PIP_INDEX_URL": "https://env.example/simple", "FERRY_INDEX_URL": "https://ferry.example/simple",
			"FERRY_INDEX_STRATEGY": "unsafe-best-match", "FERRY_EXCLUDE_NEWER": "2024-01-01T00:00:00Z"},
			want: index.Settings{IndexURL: "https://ferry.example/simple", ExtraIndexURLs: []string{"https://extra-user.example/simple"},
				Timeout: 7 * time.Second, Retries: -1, Strategy: index.UnsafeBestMatch, ExcludeNewer: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC),
				Files: []string{"/etc/xdg/pip/pip.conf", "/etc/pip.conf", home + "/.pip/pip.conf", home + "/.config/pip/pip.conf"}}},
		{name: "flags over everything; list flags add", env: map[string]string{"FERRY_INDEX_URL": "https://ferry.example/simple"},
			flags: index.Layer{index.KeyIndexURL: {"https://flag.example/simple"}, index.KeyExtraIndexURL: {"https://flag-extra.example/simple"}, index.KeyTimeout: {"1.5"}},
			want: index.Settings{IndexURL: "https://flag.example/simple", ExtraIndexURLs: []string{"https://extra-user.example/simple", "https://flag-extra.example/simple"},
				Timeout: 1500 * time.Millisecond, Retries: -1,
				Files: []string{"/etc/xdg/pip/pip.conf", "/etc/pip.conf", home + "/.pip/pip.conf", home + "/.config/pip/pip.conf"}}},
		{name: "isolated reads flags only", env: map[string]string{"PIP_INDEX_URL": "https://env.example/simple"}, iso: true,
			flags: index.Layer{index.KeyNoIndex: {"true"}},
			want:  index.Settings{NoIndex: true, Retries: -1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := map[string]string{"HOME": home}
			for k, v := range tc.env {
				env[k] = v
			}
			got, err := index.LoadSettings(tc.flags, index.ConfigEnv{
				Getenv: func(k string) string { return env[k] }, ReadFile: read, Command: tc.command, Prefix: tc.prefix, Isolated: tc.iso,
			})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	t.Run("errors", func(t *testing.T) {
		for _, flags := range []index.Layer{
			{index.KeyNoIndex: {"perhaps"}}, {index.KeyTimeout: {"soon"}}, {index.KeyRetries: {"-3"}},
			{index.KeyIndexStrategy: {"best"}}, {index.KeyExcludeNewer: {"yesterday"}},
		} {
			if _, err := index.LoadSettings(flags, index.ConfigEnv{Getenv: func(string) string { return "" }, Isolated: true}); err == nil {
				t.Errorf("%v accepted", flags)
			}
		}
		bad := func(string) ([]byte, error) { return []byte("[global\n"), nil }
		if _, err := index.LoadSettings(nil, index.ConfigEnv{Getenv: func(string) string { return "" }, ReadFile: bad}); err == nil || !strings.Contains(err.Error(), "pip.conf") {
			t.Errorf("broken pip.conf: %v", err)
		}
	})
}

func TestSettingsDerived(t *testing.T) {
	s := index.Settings{ExtraIndexURLs: []string{"https://x.example/simple"}, Retries: 0, TrustedHosts: []string{"x.example"}, Timeout: time.Second}
	if diff := cmp.Diff([]string{index.DefaultIndexURL, "https://x.example/simple"}, s.IndexURLs()); diff != "" {
		t.Errorf("IndexURLs (-want +got):\n%s", diff)
	}
	o := s.ClientOptions()
	if o.Retries != -1 || o.Timeout != time.Second || len(o.TrustedHosts) != 1 {
		t.Errorf("ClientOptions = %+v", o)
	}
	s.NoIndex = true
	if len(s.IndexURLs()) != 0 {
		t.Errorf("--no-index still lists %v", s.IndexURLs())
	}
}

func TestSettingsOpen(t *testing.T) {
	d := newDemo(t, server.Options{})
	work := t.TempDir()
	servertest.WriteDir(t, filepath.Join(work), servertest.MustWheel(servertest.WheelSpec{Name: "demo", Version: "5.0"}))
	var hits int
	d2, _ := servertest.Serve(t, d.dir, server.Options{}, func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits++; h.ServeHTTP(w, r) })
	})
	s, err := index.LoadSettings(index.Layer{
		index.KeyIndexURL:      {d.simpleBase},
		index.KeyExtraIndexURL: {d2.URL + "/simple/"},
		index.KeyFindLinks:     {"."},
	}, index.ConfigEnv{Getenv: func(string) string { return "" }, Isolated: true})
	if err != nil {
		t.Fatal(err)
	}
	idx, err := s.Open(work, index.Options{Client: client(t, httpx.Options{})})
	if err != nil {
		t.Fatal(err)
	}
	p, err := idx.Project(ctx, "demo")
	if err != nil {
		t.Fatal(err)
	}
	var vs []string
	for _, f := range p.Files {
		vs = append(vs, f.Version.String())
	}
	if diff := cmp.Diff([]string{"1.0", "1.0", "2.0", "5.0"}, vs); diff != "" {
		t.Errorf("versions (-want +got):\n%s", diff)
	}
	if hits != 0 {
		t.Errorf("first-index asked the extra index %d times", hits)
	}
}
