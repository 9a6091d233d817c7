package backend

import (
	"bytes"
	"strings"
	"testing"
)

// FuzzRewriteShebang: no panic; the rewrite is idempotent; only the first
// line changes; the result starts with "#!python" exactly when a rewrite
// happened.
func FuzzRewriteShebang(f *testing.F) {
	for _, s := range []string{"#!/usr/bin/python\nx\n", "#!/usr/bin/env python3 -u\n", "#!/bin/sh\n", "", "#!python", "#!/x/python\r\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		out, changed := rewriteShebang(data)
		again, changed2 := rewriteShebang(out)
		if !bytes.Equal(out, again) {
			t.Errorf("not idempotent: %q -> %q -> %q", data, out, again)
		}
		if changed && !changed2 {
			t.Errorf("rewritten %q no longer matches", out)
		}
		if !changed && !bytes.Equal(out, data) {
			t.Errorf("unchanged input modified")
		}
		_, rest, _ := bytes.Cut(data, []byte("\n"))
		_, restOut, _ := bytes.Cut(out, []byte("\n"))
		if !bytes.Equal(rest, restOut) {
			t.Errorf("body changed")
		}
	})
}

// FuzzGlob: every pattern compiles and matching never panics; a pattern
// without magic characters matches itself.
func FuzzGlob(f *testing.F) {
	for _, s := range [][2]string{{"*.json", "a.json"}, {"**/x", "a/b/x"}, {"[!a]", "b"}, {"[", "["}, {"[z-a]", "q"}, {"a/**", "a/.h"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, pat, name string) {
		rc := reCache{}
		rc.globMatch(pat, name)
		rc.fnmatch(pat, name)
		if !strings.ContainsAny(pat, "*?[") && pat != "" {
			if !rc.fnmatch(pat, pat) {
				t.Errorf("fnmatch(%q, itself) = false", pat)
			}
		}
	})
}
