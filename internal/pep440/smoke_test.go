package pep440

import "testing"

func TestSmokeSpecifiers(t *testing.T) {
	tests := []struct {
		spec, version string
		want          bool
	}{
		{">=1.0,<2.0", "1.5", true},
		{">=1.0,<2.0", "2.0rc1", false},
		{"==1.*", "1.9.post1", true},
		{"~=1.4.5", "1.5", false},
		{"!=1.0", "1.0+local", false},
		{">1.0", "1.0.post1", false},
		{"<=1.0", "1.0+x", true},
	}
	for _, tc := range tests {
		t.Run(tc.spec+" "+tc.version, func(t *testing.T) {
			s := MustParseSpecifiers(tc.spec)
			if got := s.Contains(MustParse(tc.version), PrereleasesAllow); got != tc.want {
				t.Errorf("Contains = %v, want %v", got, tc.want)
			}
			if got := FromSpecifiers(s).Contains(MustParse(tc.version)); got != tc.want {
				t.Errorf("Set Contains = %v, want %v (set %s)", got, tc.want, FromSpecifiers(s))
			}
		})
	}
	if MustParse("0.dev0").key != minKey {
		t.Errorf("minKey mismatch")
	}
}
