package cli

import (
	"context"
	"errors"
	"testing"
	"time"

	"ferry/internal/backend"
)

func TestBuildArgs(t *testing.T) {
	str := func(s string) *string { return &s }
	yes, no := true, false
	tests := []struct {
		name     string
		args     []string
		want     buildOptions
		wantCode int
	}{
		{name: "defaults", want: buildOptions{Path: "."}},
		{name: "path and modes", args: []string{"-s", "-w", "proj"}, want: buildOptions{Path: "proj", Sdist: true, Wheel: true}},
		{name: "long flags", args: []string{"--sdist", "--outdir", "out", "--backend", "native", "--json", "--sdist-format", "zip"},
			want: buildOptions{Path: ".", Sdist: true, OutDir: "out", Backend: "native", JSON: true, SdistFormat: "zip"}},
		{name: "config settings", args: []string{"-C", "a=1", "-Cb=2", "--config-setting", "a=3"}, want: buildOptions{Path: ".", ConfigSettings: []string{"a=1", "b=2", "a=3"}}},
		{name: "tags", args: []string{"--tag-build", ".dev", "--tag-date", "--use-git=false"}, want: buildOptions{Path: ".", TagBuild: str(".dev"), TagDate: &yes, UseGit: &no}},
		{name: "empty tag-build", args: []string{"--tag-build="}, want: buildOptions{Path: ".", TagBuild: str("")}},
		{name: "bad backend", args: []string{"--backend", "x"}, wantCode: ExitUsage},
		{name: "bad format", args: []string{"--sdist-format", "rar"}, wantCode: ExitUsage},
		{name: "bad setting", args: []string{"-C", "=v"}, wantCode: ExitUsage},
		{name: "two paths", args: []string{"a", "b"}, wantCode: ExitUsage},
		{name: "empty path", args: []string{""}, wantCode: ExitUsage},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			checkParse(t, "build", buildCmd, tc.args, tc.want, tc.wantCode == ExitUsage)
		})
	}
}

func TestSourceDateEpoch(t *testing.T) {
	tests := []struct {
		env     string
		want    time.Time
		wantErr bool
	}{
		{"", time.Time{}, false},
		{"1700000000", time.Unix(1700000000, 0).UTC(), false},
		{" 0 ", time.Unix(0, 0).UTC(), false},
		{"yesterday", time.Time{}, true},
		{"-5", time.Time{}, true},
	}
	for _, tc := range tests {
		f := &Factory{Getenv: func(string) string { return tc.env }}
		mtime, date, err := sourceDateEpoch(f)
		if (err != nil) != tc.wantErr {
			t.Errorf("%q: err = %v", tc.env, err)
			continue
		}
		if !mtime.Equal(tc.want) {
			t.Errorf("%q: mtime = %v, want %v", tc.env, mtime, tc.want)
		}
		if !tc.wantErr && tc.env != "" && !date.Equal(tc.want) {
			t.Errorf("%q: date = %v", tc.env, date)
		}
		if !tc.wantErr && tc.env == "" && date.IsZero() {
			t.Errorf("no SOURCE_DATE_EPOCH: the date must be now")
		}
	}
}

func TestBuildOpener(t *testing.T) {
	dir := t.TempDir()
	var chosen backend.Path
	_, err := buildOpener(backend.Options{}, backend.Declared, true, &chosen)(context.Background(), dir)
	var nd *backend.NeedsDeclaredError
	if !errors.As(err, &nd) || chosen != backend.Declared {
		t.Errorf("forced declared: err = %v, chosen %v", err, chosen)
	}
	h, err := buildOpener(backend.Options{}, backend.Native, false, &chosen)(context.Background(), dir)
	if err != nil || chosen != backend.Native {
		t.Fatalf("empty project: %v %v", err, chosen)
	}
	if _, ok := h.(*backend.NativeHooks); !ok {
		t.Errorf("hooks = %T", h)
	}
}
