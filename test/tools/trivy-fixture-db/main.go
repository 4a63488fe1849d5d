// Writes a Trivy vulnerability database (trivy.db and metadata.json, the schema the pinned
// Trivy reads) from a YAML list of advisories, with trivy-db's own Go packages, so that real
// Trivy can scan the test images with --skip-db-update and no network. A test tool only.
//
// Usage: trivy-fixture-db <advisories.yaml> <cache-dir>   (writes <cache-dir>/db/)
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
	"gopkg.in/yaml.v3"

	"github.com/aquasecurity/trivy-db/pkg/db"
	"github.com/aquasecurity/trivy-db/pkg/metadata"
	"github.com/aquasecurity/trivy-db/pkg/types"
)

// Advisory is one vulnerability of one package, as the tests write them.
type Advisory struct {
	ID       string `yaml:"id"`
	Severity string `yaml:"severity"`
	Title    string `yaml:"title"`
	// An OS package: "debian" with its release ("12"); the package is the source package's name.
	OS      string `yaml:"os"`
	Release string `yaml:"release"`
	// A language package: "npm", "pip", "go"...; versions as ranges.
	Ecosystem  string   `yaml:"ecosystem"`
	Vulnerable []string `yaml:"vulnerable"`
	Patched    []string `yaml:"patched"`
	Package    string   `yaml:"package"`
	// For an OS package: the fixed version, or none (affected, no fix yet).
	Fixed string `yaml:"fixed"`
}

type Fixture struct {
	UpdatedAt  time.Time  `yaml:"updatedAt"`
	Advisories []Advisory `yaml:"advisories"`
}

var osSources = map[string]types.DataSource{
	"debian": {ID: "debian", Name: "Debian Security Tracker", URL: "https://salsa.debian.org/security-tracker-team/security-tracker"},
}

var ecosystemNames = map[string]string{
	"npm": "npm", "pip": "pip", "go": "go", "cargo": "cargo", "rubygems": "rubygems", "maven": "maven",
}

func bucketOf(a Advisory) (string, types.DataSource, error) {
	if a.OS != "" {
		source, ok := osSources[a.OS]
		if !ok || a.Release == "" {
			return "", types.DataSource{}, fmt.Errorf("%s: os %q with release %q is not supported", a.ID, a.OS, a.Release)
		}
		return a.OS + " " + a.Release, source, nil
	}
	ecosystem, ok := ecosystemNames[a.Ecosystem]
	if !ok {
		return "", types.DataSource{}, fmt.Errorf("%s: give os and release, or a known ecosystem (not %q)", a.ID, a.Ecosystem)
	}
	name := "GitHub Security Advisory " + ecosystem
	return ecosystem + "::" + name, types.DataSource{ID: "ghsa", Name: name, URL: "https://github.com/advisories"}, nil
}

func advisoryOf(a Advisory) types.Advisory {
	if a.OS != "" {
		if a.Fixed == "" {
			return types.Advisory{Status: types.StatusAffected}
		}
		return types.Advisory{FixedVersion: a.Fixed}
	}
	return types.Advisory{VulnerableVersions: a.Vulnerable, PatchedVersions: a.Patched}
}

func write(fixture Fixture, cacheDir string) error {
	dbDir := filepath.Join(cacheDir, "db")
	if err := os.MkdirAll(dbDir, 0o755); err != nil {
		return err
	}
	_ = os.Remove(db.Path(dbDir))
	if err := db.Init(dbDir); err != nil {
		return err
	}
	defer db.Close()
	dbc := db.Config{}
	err := dbc.BatchUpdate(func(tx *bolt.Tx) error {
		for _, a := range fixture.Advisories {
			bucket, source, err := bucketOf(a)
			if err != nil {
				return err
			}
			if err := dbc.PutDataSource(tx, bucket, source); err != nil {
				return err
			}
			if err := dbc.PutAdvisory(tx, []string{bucket, a.Package}, a.ID, advisoryOf(a)); err != nil {
				return err
			}
			severity, err := types.NewSeverity(a.Severity)
			if err != nil {
				return fmt.Errorf("%s: %w", a.ID, err)
			}
			vuln := types.Vulnerability{
				Title:          a.Title,
				Description:    a.Title + " (a fixture advisory)",
				Severity:       a.Severity,
				VendorSeverity: types.VendorSeverity{source.ID: severity},
			}
			if err := dbc.PutVulnerability(tx, a.ID, vuln); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	updated := fixture.UpdatedAt
	if updated.IsZero() {
		updated = time.Now().UTC().Add(-3 * time.Hour)
	}
	return metadata.NewClient(dbDir).Update(metadata.Metadata{
		Version:      db.SchemaVersion,
		NextUpdate:   updated.Add(100 * 365 * 24 * time.Hour),
		UpdatedAt:    updated,
		DownloadedAt: time.Now().UTC(),
	})
}

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: trivy-fixture-db <advisories.yaml> <cache-dir>")
		os.Exit(2)
	}
	text, err := os.ReadFile(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	var fixture Fixture
	if err := yaml.Unmarshal(text, &fixture); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := write(fixture, os.Args[2]); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
