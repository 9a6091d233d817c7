package main

import (
	"bytes"
	"strings"
	"testing"
)

// TestReportFromFixture keeps the report generator from rotting: it reads a
// small results directory and checks the rows, ratios and "not yet" marks.
func TestReportFromFixture(t *testing.T) {
	rep, err := Load("testdata/results", "testdata/notes")
	if err != nil {
		t.Fatal(err)
	}
	rep.Date = "2026-01-01"
	rep.Machine = map[string]string{"cores": "2"}
	var buf bytes.Buffer
	if err := rep.WriteMarkdown(&buf); err != nil {
		t.Fatal(err)
	}
	md := buf.String()
	for _, want := range []string{
		"| venv | 0.010 s | uv 0.020 s | 0.50 |",
		"| build | not yet | uv 1.000 s | |",
		"| install-trio-warm | not run | | |",
		"| python -m venv | 0.900 s | 0.800 s | 1.000 s | 3 | 0.01 |",
		"- uv uv 0.13.9",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("report lacks %q:\n%s", want, md)
		}
	}
}
