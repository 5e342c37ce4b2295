package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/platscan/platscan/policies"
	"github.com/platscan/platscan/rules"
	"github.com/platscan/platscan/scan"
)

// opaInput writes, for the run in -run, the policy input platscan judges
// (input.json), the policies and data it judges with (bundle/), and the
// query it evaluates (query.txt): everything stock `opa eval` needs to
// make the same judgement.
func opaInput(args []string) error {
	fs := flag.NewFlagSet("opainput", flag.ExitOnError)
	run := fs.String("run", "", "run `DIR`")
	out := fs.String("out", "", "output `DIR`")
	version := fs.String("version", "0.1.0", "the platscan version the input names")
	fs.Parse(args)
	cat, err := rules.Default()
	if err != nil {
		return err
	}
	e, err := policies.New(context.Background(), policies.Options{Catalog: cat})
	if err != nil {
		return err
	}
	q, err := e.WriteBundle(filepath.Join(*out, "bundle"))
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(*out, "query.txt"), []byte(q), 0o644); err != nil {
		return err
	}
	doc, err := scan.Input(*run, *version)
	if err != nil {
		return err
	}
	f, err := os.Create(filepath.Join(*out, "input.json"))
	if err != nil {
		return err
	}
	if err := doc.WriteJSON(f); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	fmt.Printf("opainput %s: %d measurements\n", *out, doc.Len())
	return nil
}
