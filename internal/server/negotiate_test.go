package server

import (
	"net/http/httptest"
	"net/url"
	"testing"
)

func TestNegotiate(t *testing.T) {
	tests := []struct {
		accept, query string
		want          int
		ok            bool
	}{
		{"", "", formatHTML, true},
		{"*/*", "", formatHTML, true},
		{"text/*", "", formatHTML, true},
		{"application/*", "", formatHTMLv1, true},
		{"application/vnd.pypi.simple.v1+json", "", formatJSONv1, true},
		{"application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01", "", formatJSONv1, true},
		{"text/html, application/vnd.pypi.simple.v1+json", "", formatHTML, true},
		{"application/vnd.pypi.simple.v1+json;q=0, */*;q=0.1", "", formatHTML, true},
		{"application/vnd.pypi.simple.v1+json;q=0", "", 0, false},
		{"image/png", "", 0, false},
		{"garbage;;;", "", 0, false},
		{"text/html", "application/vnd.pypi.simple.v1+json", formatJSONv1, true},
	}
	for _, tc := range tests {
		r := httptest.NewRequest("GET", "/simple/x/", nil)
		if tc.query != "" {
			r.URL.RawQuery = "format=" + url.QueryEscape(tc.query)
		}
		if tc.accept != "" {
			r.Header.Set("Accept", tc.accept)
		}
		got, ok := negotiate(r)
		if got != tc.want || ok != tc.ok {
			t.Errorf("negotiate(%q, %q) = %d, %v; want %d, %v", tc.accept, tc.query, got, ok, tc.want, tc.ok)
		}
	}
}

func FuzzNegotiate(f *testing.F) {
	f.Add("application/vnd.pypi.simple.v1+json;q=0.5, text/html")
	f.Add("*/*;q=abc, ,;,")
	f.Fuzz(func(t *testing.T, accept string) {
		r := httptest.NewRequest("GET", "/simple/x/", nil)
		r.Header.Set("Accept", accept)
		got, ok := negotiate(r)
		if ok && (got < formatHTML || got > formatJSONv1) {
			t.Fatalf("negotiate(%q) = %d", accept, got)
		}
	})
}
