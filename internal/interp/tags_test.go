package interp

import (
	"context"
	"os/exec"
	"strings"
	"testing"
)

// TestSupportedTagsMatchPip checks the tags derived from a queried
// interpreter against pip's own list for it.
func TestSupportedTagsMatchPip(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not on PATH")
	}
	out, err := exec.Command(py, "-c", "from pip._internal.utils.compatibility_tags import get_supported\nprint('\\n'.join(str(t) for t in get_supported()))").Output()
	if err != nil {
		t.Skip("pip not importable by python3")
	}
	info, err := Query(context.Background(), py, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	got, err := info.SupportedTags()
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Fields(string(out))
	if len(got) != len(want) {
		t.Fatalf("%d tags, pip has %d", len(got), len(want))
	}
	for i := range want {
		if got[i].String() != want[i] {
			t.Fatalf("tag %d: %s, pip has %s", i, got[i], want[i])
		}
	}
}
