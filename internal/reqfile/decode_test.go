package reqfile

import (
	"errors"
	"testing"
)

func TestDecode(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		fallback string
		want     string
		warnLine int // 0: no warning
		wantErr  bool
	}{
		{"utf-8", "caf\xc3\xa9", "", "café", 0, false},
		{"utf-8 bom", "\xef\xbb\xbfa", "", "a", 0, false},
		{"utf-16 le bom", "\xff\xfea\x00\xe9\x00", "", "aé", 0, false},
		{"utf-16 be bom", "\xfe\xff\x00a\x00\xe9", "", "aé", 0, false},
		{"utf-32 le bom", "\xff\xfe\x00\x00a\x00\x00\x00", "", "a", 0, false},
		{"utf-32 be bom", "\x00\x00\xfe\xff\x00\x00\x00a", "", "a", 0, false},
		{"latin-1 declaration", "# -*- coding: latin-1 -*-\n\xe9", "", "# -*- coding: latin-1 -*-\né", 0, false},
		{"declaration on line 2", "#!x\n# vim: set fileencoding=iso8859_15 :\n\xa4", "", "#!x\n# vim: set fileencoding=iso8859_15 :\n€", 0, false},
		{"cp1252 declaration", "#coding=cp1252\n\x80", "", "#coding=cp1252\n€", 0, false},
		{"windows-1250 declaration", "# coding: windows-1250\n\x8a", "", "# coding: windows-1250\nŠ", 0, false},
		{"utf-16 declaration without bom", "# coding: utf-16\n", "", "", 0, false},
		{"declaration on line 3 is ignored", "\n\n# coding: latin-1\n\xe9", "", "\n\n# coding: latin-1\né", 4, false},
		{"declaration must start the line", " # coding: latin-1\n\xe9", "", " # coding: latin-1\né", 2, false},
		{"ascii declaration rejects high bytes", "# coding: ascii\n\xe9", "", "", 0, true},
		{"utf-8 declaration rejects latin-1", "# coding=utf8\n\xe9", "", "", 0, true},
		{"fallback latin-1", "a\nb\xff", "", "a\nbÿ", 2, false},
		{"fallback cp1252", "\x80", "cp1252", "€", 1, false},
		{"fallback utf-8 fails", "\xff", "utf-8", "", 0, true},
		{"unknown declared encoding", "# coding: nope-1\n", "", "", 0, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, warn, err := decode([]byte(tc.in), tc.fallback)
			if tc.wantErr {
				if err == nil {
					t.Errorf("decode(%q) = %q, want an error", tc.in, got)
				}
				return
			}
			if err != nil {
				t.Fatalf("decode(%q): %v", tc.in, err)
			}
			if tc.name == "utf-16 declaration without bom" {
				return // only checks that the name is known
			}
			if got != tc.want {
				t.Errorf("decode(%q) = %q, want %q", tc.in, got, tc.want)
			}
			warnLine := 0
			if warn != nil {
				warnLine = warn.line
			}
			if warnLine != tc.warnLine {
				t.Errorf("decode(%q) warning %v, want one on line %d", tc.in, warn, tc.warnLine)
			}
		})
	}
	if _, _, err := decode([]byte("# coding: nope-1\n"), ""); !errors.Is(err, errUnknownEncoding) {
		t.Errorf("unknown encoding error %v does not wrap errUnknownEncoding", err)
	}
}
