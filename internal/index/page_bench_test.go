package index

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"ferry/internal/simpleapi"
)

// largePage returns a PEP 691 page shaped like cryptography's on PyPI:
// n files over n/20 releases, wheels for many platforms plus an sdist.
func largePage(n int) []byte {
	var b strings.Builder
	b.WriteString(`{"meta":{"api-version":"1.1"},"name":"big","files":[`)
	plats := []string{"cp39-abi3-manylinux_2_28_x86_64", "cp39-abi3-musllinux_1_2_aarch64", "cp37-abi3-win_amd64", "cp39-abi3-macosx_10_12_universal2", "pp310-pypy310_pp73-manylinux_2_28_x86_64"}
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		v := fmt.Sprintf("%d.%d.%d", i/200, (i/20)%10, 0)
		name := fmt.Sprintf("big-%s.tar.gz", v)
		if i%20 != 0 {
			name = fmt.Sprintf("big-%s-%s.whl", v, plats[i%len(plats)])
		}
		fmt.Fprintf(&b, `{"filename":%q,"hashes":{"sha256":"%064x"},"requires-python":">=3.7","size":%d,"upload-time":"2024-01-02T03:04:05.123456Z","url":"https://files.example/packages/%02x/%02x/%060x/%s","yanked":false,"core-metadata":{"sha256":"%064x"}}`,
			name, i, 1000+i, i%256, (i/256)%256, i, name, i+1)
	}
	b.WriteString(`]}`)
	return []byte(b.String())
}

// BenchmarkProjectPage measures reading a large index page into Files:
// the part of a cold resolve spent on the CPU between a page's arrival
// and the request for its likely metadata.
func BenchmarkProjectPage(b *testing.B) {
	data := largePage(3700)
	base, _ := url.Parse("https://index.example/simple/big/")
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		p, err := simpleapi.ParseJSON(data, base)
		if err != nil {
			b.Fatal(err)
		}
		warn := newInvalidWarnings(nil)
		specs := specMemo{}
		n := 0
		for _, sf := range p.Files {
			sf.URL = stripUser(sf.URL)
			if _, ok := fileFrom(sf, "big", "x", warn, specs); ok {
				n++
			}
		}
		if n != len(p.Files) {
			b.Fatalf("%d of %d files read", n, len(p.Files))
		}
	}
}
