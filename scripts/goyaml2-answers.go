//go:build ignore

// Regenerates tests/fixtures/yaml11/goyaml2_answers.yaml: what go-yaml v2 makes of each plain
// scalar of tests/fixtures/yaml11/pyyaml_answers.yaml, as the Go tools that turn a YAML file into
// JSON read it: kubectl (k8s.io/apimachinery's yaml.ToJSON, sigs.k8s.io/yaml's YAMLToJSON) for a
// Katib Experiment, and Determined's master (ghodss/yaml's Unmarshal into interface{}, then
// json.Marshal: master/pkg/schemas/util.go:26-39) for an experiment config. For
// lib/config/yaml11.cc's YamlLoader::kGoYamlV2 tests.
//
//	GO111MODULE=off GOPATH=/usr/share/gocode go run scripts/goyaml2-answers.go [--check]
//
// with Debian's golang-go, golang-gopkg-yaml.v2-dev and golang-k8s-sigs-yaml-dev (apt-get
// install). Each scalar is loaded as the value of `v: SCALAR`: yaml.v2's Unmarshal gives its Go
// type, sigs.k8s.io/yaml's YAMLToJSON says whether JSON can hold it. An answer is `int 15`,
// `float 8` (Go's shortest 'g' form), `bool true`, `null`, `str`, or `error` (the load or the
// JSON conversion failed). --check writes nothing and exits 1 when the file would change;
// --json FILE prints FILE as kubectl's YAMLToJSON gives it (for the fixtures' headers).
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"

	yamlv2 "gopkg.in/yaml.v2"
	k8syaml "sigs.k8s.io/yaml"
)

func answer(text string) string {
	doc := []byte("v: " + text)
	var m map[string]interface{}
	if err := yamlv2.Unmarshal(doc, &m); err != nil {
		return "error"
	}
	if _, err := k8syaml.YAMLToJSON(doc); err != nil {
		return "error"
	}
	switch v := m["v"].(type) {
	case nil:
		return "null"
	case bool:
		return fmt.Sprintf("bool %t", v)
	case int:
		return fmt.Sprintf("int %d", v)
	case int64:
		return fmt.Sprintf("int %d", v)
	case uint64:
		return fmt.Sprintf("int %d", v)
	case float64:
		return "float " + strconv.FormatFloat(v, 'g', -1, 64)
	case string:
		return "str"
	}
	return fmt.Sprintf("unexpected %T", m["v"])
}

func packageVersions() string {
	out, err := exec.Command("dpkg-query", "-W", "-f", "${Package} ${Version}, ",
		"golang-gopkg-yaml.v2-dev", "golang-k8s-sigs-yaml-dev").Output()
	if err != nil {
		return "(versions unknown)"
	}
	return strings.TrimSuffix(string(out), ", ")
}

func main() {
	check := flag.Bool("check", false, "exit 1 if the file would change")
	toJSON := flag.String("json", "", "print this YAML file as JSON, as kubectl converts it")
	flag.Parse()
	if *toJSON != "" {
		text, err := os.ReadFile(*toJSON)
		if err != nil {
			panic(err)
		}
		out, err := k8syaml.YAMLToJSON(text)
		if err != nil {
			fmt.Println("error:", err)
			os.Exit(1)
		}
		fmt.Println(string(out))
		return
	}
	_, self, _, _ := runtime.Caller(0)
	root := filepath.Dir(filepath.Dir(self))
	source, err := os.ReadFile(filepath.Join(root, "tests/fixtures/yaml11/pyyaml_answers.yaml"))
	if err != nil {
		panic(err)
	}
	var rows []map[string]string
	if err := yamlv2.Unmarshal(source, &rows); err != nil {
		panic(err)
	}
	lines := []string{
		"# What go-yaml v2 makes of each plain scalar (`v: TEXT`) of pyyaml_answers.yaml, written by",
		"#   GO111MODULE=off GOPATH=/usr/share/gocode go run scripts/goyaml2-answers.go",
		"# with " + runtime.Version() + ", " + packageVersions() + ": yaml.v2's",
		"# Unmarshal gives the type, sigs.k8s.io/yaml's YAMLToJSON (kubectl's) says whether JSON holds",
		"# it. Never edit by hand: rerun the script. An answer is TYPE VALUE (Go's shortest form for",
		"# floats), null, str or error.",
	}
	for _, row := range rows {
		text := row["text"]
		// strconv.Quote of these ASCII texts is their JSON (and YAML double-quoted) form
		lines = append(lines, fmt.Sprintf("- {text: %s, goyaml2: \"%s\"}", strconv.Quote(text),
			answer(text)))
	}
	written := strings.Join(lines, "\n") + "\n"
	target := filepath.Join(root, "tests/fixtures/yaml11/goyaml2_answers.yaml")
	if *check {
		old, _ := os.ReadFile(target)
		if string(old) != written {
			os.Exit(1)
		}
		return
	}
	if err := os.WriteFile(target, []byte(written), 0o644); err != nil {
		panic(err)
	}
	fmt.Printf("tests/fixtures/yaml11/goyaml2_answers.yaml: %d scalars\n", len(rows))
}
