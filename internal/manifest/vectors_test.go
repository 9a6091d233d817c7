package manifest

import (
	"errors"
	"path"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/text/unicode/norm"

	"ferry/internal/testkit"
)

// manifestVectors is the shape of ../shared/vectors/manifest_in.json.
type manifestVectors struct {
	Groups struct {
		PatternTranslation struct {
			Semantics string
			Cases     []struct {
				Pattern    string
				Matches    []string
				Mismatches []string
			}
		} `json:"pattern_translation"`
		ProcessTemplateLine struct {
			Semantics string
			Cases     []struct {
				Name     string
				Allfiles []string
				Files    []string
				Lines    []string
				Expected []string
				Warn     bool
			}
		} `json:"filelist_process_template_line"`
		InvalidLines struct {
			Semantics string
			Cases     []string
		} `json:"filelist_invalid_lines"`
		EggInfoManifest struct {
			Semantics  string
			Tree       []string
			Defaults   []string
			SetupAttrs struct {
				Name     string
				Version  string
				Packages []string
			} `json:"setup_attrs"`
			Cases []struct {
				Name                      string
				Template                  *string
				Expected                  []string
				ExtraTree                 []string `json:"extra_tree"`
				ExpectedAbsentNFCBasename string   `json:"expected_absent_nfc_basename"`
			}
		} `json:"egg_info_manifest"`
	}
}

func TestVectors(t *testing.T) {
	var v manifestVectors
	testkit.LoadJSON(t, "manifest_in.json", &v)
	tally := testkit.NewTally(t, "manifest_in.json")
	g := &v.Groups

	if len(g.PatternTranslation.Cases)+len(g.ProcessTemplateLine.Cases)+
		len(g.InvalidLines.Cases)+len(g.EggInfoManifest.Cases) == 0 {
		t.Fatal("no vectors decoded")
	}

	// setuptools translate_pattern(pattern).match(path) for every listed path.
	t.Run("pattern_translation", func(t *testing.T) {
		for _, tc := range g.PatternTranslation.Cases {
			t.Run(tc.Pattern, func(t *testing.T) {
				p := CompilePattern(tc.Pattern)
				ok := true
				for _, m := range tc.Matches {
					if !p.Match(m) {
						ok = false
						t.Errorf("CompilePattern(%q).Match(%q) = false, want true", tc.Pattern, m)
					}
				}
				for _, m := range tc.Mismatches {
					if p.Match(m) {
						ok = false
						t.Errorf("CompilePattern(%q).Match(%q) = true, want false", tc.Pattern, m)
					}
				}
				tally.Check(ok)
			})
		}
	})

	// FileList with allfiles and files, process_template_line for each line,
	// files compared as a set. upstream sets fl.files directly; here the
	// selection is always a subset of the files on disk, so the disk is
	// allfiles ∪ files (no command in these cases reads the disk for a file
	// that is only in files).
	t.Run("filelist_process_template_line", func(t *testing.T) {
		for _, tc := range g.ProcessTemplateLine.Cases {
			t.Run(tc.Name, func(t *testing.T) {
				disk := append(slices.Clone(tc.Allfiles), tc.Files...)
				fl, err := NewFileList(disk)
				if err != nil {
					tally.Fail()
					t.Fatalf("NewFileList(%q): %v", disk, err)
				}
				fl.Add(tc.Files...)
				ok := true
				var lastWarns []Warning
				var allWarns []Warning
				for _, line := range tc.Lines {
					w, err := fl.Apply(line)
					if err != nil {
						ok = false
						t.Errorf("Apply(%q): %v", line, err)
					}
					lastWarns = w
					allWarns = append(allWarns, w...)
				}
				want := slices.Clone(tc.Expected)
				sortPaths(want)
				if diff := cmp.Diff(want, fl.Files()); diff != "" {
					ok = false
					t.Errorf("lines %q on %q (selected %q): files (-want +got):\n%s", tc.Lines, tc.Allfiles, tc.Files, diff)
				}
				if tc.Warn && len(lastWarns) == 0 {
					ok = false
					t.Errorf("lines %q: no warning for the last line, want one", tc.Lines)
				}
				if !tc.Warn && len(allWarns) > 0 {
					ok = false
					t.Errorf("lines %q: warnings %v, want none", tc.Lines, allWarns)
				}
				if tc.Warn {
					for _, w := range lastWarns {
						if !strings.Contains(w.String(), "warning: no ") {
							ok = false
							t.Errorf("warning %q is not worded like setuptools'", w)
						}
					}
				}
				tally.Check(ok)
			})
		}
	})

	// process_template_line raises DistutilsTemplateError.
	t.Run("filelist_invalid_lines", func(t *testing.T) {
		for _, line := range g.InvalidLines.Cases {
			t.Run(line, func(t *testing.T) {
				fl, err := NewFileList([]string{"a.py", "d/b.py"})
				if err != nil {
					t.Fatal(err)
				}
				_, err = fl.Apply(line)
				var le *LineError
				ok := errors.As(err, &le) &&
					(errors.Is(err, ErrArguments) || errors.Is(err, ErrUnknownAction)) &&
					len(fl.Files()) == 0
				if !ok {
					t.Errorf("Apply(%q) = %v, want a *LineError wrapping ErrArguments or ErrUnknownAction", line, err)
				}
				// The same line in a template: reported with its line number.
				_, err = fl.ApplyTemplate("include a.py\n" + line + "\n")
				if !errors.As(err, &le) || le.Line != 2 || !fl.Selected("a.py") {
					ok = false
					t.Errorf("ApplyTemplate with %q on line 2: err %v, selected %q", line, err, fl.Files())
				}
				tally.Check(ok)
			})
		}
	})

	// egg_info on the fixture tree with MANIFEST.in = template.
	t.Run("egg_info_manifest", func(t *testing.T) {
		ei := g.EggInfoManifest
		eggInfo := ei.SetupAttrs.Name + ".egg-info"
		var generated []string
		for _, d := range ei.Defaults {
			if strings.HasPrefix(d, eggInfo+"/") {
				generated = append(generated, d)
			}
		}
		for _, tc := range ei.Cases {
			t.Run(tc.Name, func(t *testing.T) {
				p := &Project{
					Packages:  ei.SetupAttrs.Packages,
					EggInfo:   eggInfo,
					Generated: generated,
					// The upstream fixture does not apply setuptools'
					// default license globs (see the vectors README).
					LicenseFiles: nil,
					Prune: Pruning{
						BaseDir:  ei.SetupAttrs.Name + "-" + ei.SetupAttrs.Version,
						Anywhere: SetuptoolsPruneAnywhere(),
						AtRoot:   SetuptoolsPruneAtRoot(),
					},
				}
				files := append(slices.Clone(ei.Tree), tc.ExtraTree...)
				template := ""
				wantDefaults := slices.Clone(ei.Defaults)
				if tc.Template != nil {
					files = append(files, "MANIFEST.in")
					template = *tc.Template
					wantDefaults = append(wantDefaults, "MANIFEST.in")
				}
				ok := true
				defaults, err := p.DefaultFiles(files)
				if err != nil {
					tally.Fail()
					t.Fatalf("DefaultFiles: %v", err)
				}
				if diff := cmp.Diff(sortedSet(wantDefaults), sortedSet(defaults)); diff != "" {
					ok = false
					t.Errorf("default files (-want +got):\n%s", diff)
				}
				m, err := Build(p, files, template)
				if err != nil {
					tally.Fail()
					t.Fatalf("Build(template %q): %v", template, err)
				}
				if tc.ExpectedAbsentNFCBasename != "" {
					for _, f := range m.Files {
						if norm.NFC.String(path.Base(f)) == tc.ExpectedAbsentNFCBasename {
							ok = false
							t.Errorf("template %q: %q is in the manifest, want it excluded", template, f)
						}
					}
				} else if diff := cmp.Diff(sortedSet(tc.Expected), sortedSet(m.Files)); diff != "" {
					ok = false
					t.Errorf("template %q: files (-want +got):\n%s", template, diff)
				}
				tally.Check(ok)
			})
		}
	})
}

func sortedSet(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return slices.Compact(s)
}
